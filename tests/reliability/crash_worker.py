"""Run workflow transitions (or an import) until killed. Usage: crash_worker.py MODE

transitions        loop submit → supplement → resubmit → accept on new applications; print each step
kill-in-transition SIGKILL itself inside the first "accept" transaction, after the state UPDATE and the
                   Event row, before the audit record and the commit
kill-in-import     SIGKILL itself inside the occupation-catalogue import, after the rows, before the commit
"""

from __future__ import annotations

import os
import signal
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from skillreg.applications import services  # noqa: E402
from skillreg.core import testing  # noqa: E402


def die_on(module: object, action: str) -> None:
    original = module.audit_record  # type: ignore[attr-defined]

    def audit_record(**kwargs):  # type: ignore[no-untyped-def]
        if kwargs.get("action") == action:
            print("killing myself", action, flush=True)
            os.kill(os.getpid(), signal.SIGKILL)
        return original(**kwargs)

    module.audit_record = audit_record  # type: ignore[attr-defined]


def import_and_die() -> None:
    from skillreg.occupations import services as occupation_services
    from skillreg.occupations.catalogue import OccupationRow
    from skillreg.occupations.models import Occupation

    die_on(occupation_services, "occupations.import")
    rows = []
    for occ in Occupation.objects.order_by("code")[:50]:
        rows.append(
            OccupationRow(
                code=occ.code,
                name=occ.name + "（已改名）",
                levels=tuple(occ.levels or ()),
                new_occupation=bool(getattr(occ, "new_occupation", False)),
                line=len(rows) + 2,
            )
        )
    print("importing", len(rows), flush=True)
    occupation_services.occupations_import(rows=rows, actor=None)
    print("import finished (should not happen)", flush=True)


def main(mode: str) -> None:
    if mode == "kill-in-import":
        import_and_die()
        return
    user = testing.make_institution_user("crash_org", region_code="500238", seed=7)
    officer = testing.make_staff("crash_officer", "hrss-500238")
    if mode == "kill-in-transition":
        from skillreg.applications.services import _common

        die_on(_common, "application.accept")
    i = 0
    while True:
        app = testing.make_complete_draft(user, institution_name=f"崩溃测试评价中心{i}")
        services.application_submit(application=app, actor=user)
        print("step submit", app.pk, flush=True)
        services.supplement_request(application=app, actor=officer, items=["场地租赁合同"])
        print("step supplement", app.pk, flush=True)
        services.supplement_complete(application=app, actor=user, note="已补正")
        print("step resubmit", app.pk, flush=True)
        services.application_accept(application=app, actor=officer)
        print("step accept", app.pk, flush=True)
        i += 1


if __name__ == "__main__":
    main(sys.argv[1])
