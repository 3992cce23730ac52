"""Print, as JSON, whether the database is consistent: the audit chain verifies, and every application's
state is the target of its last event (nothing half-written)."""

from __future__ import annotations

import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from skillreg.applications.models import Application  # noqa: E402
from skillreg.audit.models import AuditRecord  # noqa: E402
from skillreg.audit.verify import verify_chain  # noqa: E402
from skillreg.occupations.models import Occupation  # noqa: E402

report = verify_chain()
mismatches = []
states = {}
for app in Application.objects.all():
    last = app.events.order_by("-at", "-id").first()
    expected = last.to_state if last else "draft"
    states[app.pk] = app.state
    if app.state != expected:
        mismatches.append({"pk": app.pk, "state": app.state, "last_event": expected})
    audited = AuditRecord.objects.filter(object_type="applications.application", object_id=str(app.pk))
    for event in app.events.all():
        if not audited.filter(action=f"application.{event.action}").exists():
            mismatches.append({"pk": app.pk, "event_without_audit": event.action})
print(
    json.dumps(
        {
            "chain_ok": report.ok,
            "problem": report.problem,
            "records": report.checked,
            "mismatches": mismatches,
            "states": states,
            "renamed_occupations": Occupation.objects.filter(name__endswith="（已改名）").count(),
            "accept_records": AuditRecord.objects.filter(action="application.accept").count(),
        },
        ensure_ascii=False,
    )
)
