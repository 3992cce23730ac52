"""Personal-data key rotation (the ``pii`` command's writes and reads): ``rekey`` rewrites every encrypted value
under the current data key, batch by batch, each batch in one transaction with its audit record; ``status`` counts
ciphertexts by version and key."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.db import transaction

from skillreg.audit.services import audit_record
from skillreg.core import crypto
from skillreg.core.fields import BlindIndexField, EncryptedTextField, _Sealed


def encrypted_models() -> Iterator[tuple[Any, list[EncryptedTextField], list[BlindIndexField]]]:
    for model in apps.get_models():
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if fields:
            indexes = [f for f in model._meta.concrete_fields if isinstance(f, BlindIndexField)]
            yield model, fields, indexes


def _batches(model: Any, size: int) -> Iterator[list[Any]]:
    last = None
    while True:
        qs = model._base_manager.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        rows = list(qs[:size])
        if not rows:
            return
        last = rows[-1].pk
        yield rows


def rekey(*, batch: int = 500, reindex: bool = False) -> dict[str, int]:
    current = crypto.provider().current_key_id()
    done: dict[str, int] = {}
    for model, fields, indexes in encrypted_models():
        label = model._meta.label_lower
        done[label] = 0
        for rows in _batches(model, batch):
            with transaction.atomic():
                changed = 0
                for obj in rows:
                    update = []
                    for f in fields:
                        cell = obj.__dict__.get(f.attname)
                        if not isinstance(cell, _Sealed):
                            continue
                        version, key_id, _raw = crypto.parse(cell.token)
                        if key_id != current or version != f.write_version():
                            setattr(obj, f.attname, str(getattr(obj, f.attname)))  # plain: re-encrypted on save
                            update.append(f.attname)
                    if update or reindex:
                        update += [i.attname for i in indexes]
                    if update:
                        obj.save(update_fields=update)
                        changed += 1
                if changed:
                    audit_record(
                        actor=None,
                        action="pii.rekey",
                        object_type=label,
                        summary=f"个人信息密文轮换：{label} {changed} 行",
                        after={"rows": changed, "key_id": current, "reindex": reindex},
                    )
                done[label] += changed
    return done


def status() -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for model, fields, _indexes in encrypted_models():
        for f in fields:
            counts: Counter[str] = Counter()
            for token in model._base_manager.exclude(**{f.attname: ""}).values_list(f.attname, flat=True).iterator():
                if token:
                    version, key_id, _raw = crypto.parse(token)
                    counts[f"{version}:{key_id}"] += 1
            out[f.column_label()] = counts
    return out
