"""Issue 12, items 4–18: the smaller findings of the penetration test, each reproduced and now failing safely.

(Item 1 is in ``test_separation_of_duties.py``, item 3 in ``test_reliability.py`` and
``skillreg/certificates/tests/test_import_staging.py``, item 6 in ``test_login_security.py``.)
"""

from __future__ import annotations

import io
import stat
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from skillreg.core import testing
from skillreg.core.uploads import store_upload

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# --- item 5: the download name takes the detected type's extension -------------------------------------------


@pytest.mark.parametrize("name", ["备案说明.html", "run.bat", "x.hta", "无扩展名"])
def test_a_pdf_is_stored_and_served_as_pdf_whatever_its_name(name):
    stored = store_upload(io.BytesIO(PDF), name, subdir="materials")
    assert stored.original_name.endswith(".pdf") and stored.content_type == "application/pdf"
    assert stored.original_name.rsplit(".", 1)[0] == name.rsplit(".", 1)[0]


def test_an_old_material_with_a_dangerous_name_downloads_with_the_detected_extension(wuxi_institution, client):
    draft = testing.make_complete_draft(wuxi_institution)
    material = draft.materials.first()
    type(material).objects.filter(pk=material.pk).update(original_name="备案说明.html")
    client.force_login(wuxi_institution)
    response = client.get(reverse("apply:material", args=[draft.public_id, material.pk]))
    disposition = response.headers["Content-Disposition"]
    ext = material.storage_name.rsplit(".", 1)[-1]
    assert ".html" not in disposition and f".{ext}" in disposition


# --- item 7: modes of stored files -------------------------------------------------------------------------------


def test_stored_uploads_and_their_folders_get_the_configured_modes():
    stored = store_upload(io.BytesIO(PDF), "a.pdf", subdir="materials")
    path = Path(settings.MEDIA_ROOT) / stored.storage_name
    assert stat.S_IMODE(path.stat().st_mode) == settings.FILE_UPLOAD_PERMISSIONS == 0o640
    assert stat.S_IMODE(path.parent.stat().st_mode) == settings.FILE_UPLOAD_DIRECTORY_PERMISSIONS == 0o750
    assert stat.S_IMODE(Path(settings.MEDIA_ROOT).stat().st_mode) == 0o750
