"""Writes for applications: drafting and submission (applicants), review (staff), assessment (experts).

Every service takes ``actor``, runs in one transaction and writes the audit record in it.
"""

from ._common import ensure_handling_staff, transition
from .drafts import application_save_draft, application_submit, material_upload, supplement_complete
from .review import (
    application_accept,
    application_file,
    application_forward,
    application_refuse,
    application_refuse_acceptance,
    application_withdraw,
    assessment_assign,
    assessment_submit,
    publicity_close,
    publicity_start,
    supplement_request,
)

__all__ = [
    "application_accept",
    "application_file",
    "application_forward",
    "application_refuse",
    "application_refuse_acceptance",
    "application_save_draft",
    "application_submit",
    "application_withdraw",
    "assessment_assign",
    "assessment_submit",
    "ensure_handling_staff",
    "material_upload",
    "publicity_close",
    "publicity_start",
    "supplement_complete",
    "supplement_request",
    "transition",
]
