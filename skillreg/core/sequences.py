from django.db import transaction

from .models import Sequence


def next_value(name: str) -> int:
    """Next value of a named sequence. Must run inside the caller's transaction: the row lock is
    held until commit, so two allocations never get the same value, and a rolled-back
    allocation leaves no gap visible to anyone (the increment rolls back too)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_value must be called inside a transaction")
    seq, _ = Sequence.objects.select_for_update().get_or_create(name=name)
    seq.last_value += 1
    seq.save(update_fields=["last_value"])
    return seq.last_value
