"""The profile docs, JSON Schema and examples are current and valid."""

from __future__ import annotations

import json

import pytest

from skillreg.policy import docgen
from skillreg.policy.profile import json_schema
from skillreg.policy.samples import JURISDICTIONS, KINDS, sample_profile

from .helpers import judge


def test_profile_doc_is_generated_from_code_and_packs():
    assert docgen.DOC_PATH.read_text(encoding="utf-8") == docgen.render(), "run python -m skillreg.policy.docgen"


def test_json_schema_is_current():
    assert json.loads(docgen.SCHEMA_PATH.read_text(encoding="utf-8")) == json_schema()


@pytest.mark.parametrize("juris", list(JURISDICTIONS))
@pytest.mark.parametrize("kind", KINDS)
def test_example_per_jurisdiction_and_kind(juris, kind):
    path = docgen.REPO_ROOT / "docs" / "examples" / f"{juris}-{kind}.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data == sample_profile(juris, kind)
    record = judge(data)
    assert record["summary"]["fail"] == record["summary"]["missing"] == 0
    assert record["verdict"] == "needs_review"
