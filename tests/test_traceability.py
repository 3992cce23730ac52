"""Traceability (issue 11): requirement IDs → rule packs, code and tests (skillreg/core/traceability.py).

Fails when an ID that code or a rule pack cites has no test that proves it (``@pytest.mark.req``), when a
marker names an ID nobody knows, when docs/requirements.md drifts from the team's copy, or when
docs/traceability.md is stale (run ``manage.py traceability``).
"""

from __future__ import annotations

import ast

import pytest

from skillreg.core import traceability as tr


def test_the_requirements_copy_is_the_teams_text():
    assert tr.requirements_sha256() == tr.REQUIREMENTS_SHA256, (
        "docs/requirements.md changed: it must stay a verbatim copy of the team's requirements.md "
        "(update REQUIREMENTS_SHA256 only together with the copy)"
    )
    if tr.SHARED_REQUIREMENTS.exists():
        assert tr.SHARED_REQUIREMENTS.read_bytes() == tr.REQUIREMENTS.read_bytes(), (
            "../shared/requirements.md differs from docs/requirements.md: copy it over and update the sha"
        )


def test_the_catalogue_reads_every_id_and_expands_ranges():
    ids = tr.catalogue(tr.requirements_text())
    assert len(ids) > 100
    for expected in ("CQ-10", "WX-6.2.1", "AH-att1-3.2", "C-office", "GZ-9", "CQ-24", "WX-3.5", "GZ-14"):
        assert expected in ids
    assert "CQ-1" not in ids  # "CQ-10" is not a mention of CQ-1
    assert tr.catalogue("GZ-8..10 and CQ-9..CQ-12, WX-3.1–3.3") == [
        "GZ-8", "GZ-9", "GZ-10", "CQ-9", "CQ-10", "CQ-11", "CQ-12", "WX-3.1", "WX-3.2", "WX-3.3"
    ]  # fmt: skip


def test_a_finer_id_belongs_to_the_longest_catalogue_id():
    ids = ["GZ-6", "GZ-6.3", "CQ-1", "CQ-10", "AH-att1-3", "AH-att1-3.2"]
    assert tr.to_catalogue("GZ-6.3.per_occupation", ids) == "GZ-6.3"
    assert tr.to_catalogue("GZ-6.7", ids) == "GZ-6"
    assert tr.to_catalogue("CQ-10", ids) == "CQ-10"
    assert tr.to_catalogue("CQ-11", ids) is None
    assert tr.to_catalogue("AH-att1-3.3.video", ids) == "AH-att1-3"


@pytest.fixture(scope="module")
def trace():
    return tr.build()


def test_every_id_that_code_or_a_pack_cites_is_proved_by_a_test(trace):
    missing = trace.unproved()
    assert not missing, (
        "Cited by code or a rule pack but proved by no test — mark the test that proves it "
        "@pytest.mark.req(...), or add a case to policies/<region>/cases/: "
        + ", ".join(f"{i} ({(trace.code.get(i) or trace.packs.get(i))[0]})" for i in missing)
    )


def test_the_check_fails_for_a_cited_id_without_a_test():
    trace = tr.Trace(["CQ-10", "CQ-11"])
    trace._add(trace.code, "CQ-10", "skillreg/x.py")
    trace._add(trace.packs, "CQ-11", "cq parameters.y")
    trace._add(trace.tests, "CQ-11", "tests/test_x.py::test_y", cited=False)
    assert trace.unproved() == ["CQ-10"]


def test_every_marker_names_a_known_id(trace):
    unknown = []
    for path in tr.test_modules():
        for test, ids in tr.marked_tests(path):
            unknown += [f"{test}: {i}" for i in ids if tr.to_catalogue(i, trace.ids) is None]
    assert not unknown, "req markers with IDs in neither the catalogue nor the packs: " + ", ".join(unknown)


def test_markers_are_read_from_functions_classes_and_the_module(tmp_path):
    test_file = tmp_path / "tests" / "test_sample.py"
    test_file.parent.mkdir()
    test_file.write_text(
        "import pytest\n"
        "pytestmark = [pytest.mark.django_db, pytest.mark.req('CQ-9')]\n"
        "@pytest.mark.req('CQ-10', 'CQ-11')\n"
        "def test_a(): pass\n"
        "@pytest.mark.req('GZ-13')\n"
        "class TestExit:\n"
        "    def test_b(self): pass\n"
    )
    assert tr.marked_tests(test_file, tmp_path) == [
        ("tests/test_sample.py::test_a", ["CQ-9", "CQ-10", "CQ-11"]),
        ("tests/test_sample.py::TestExit::test_b", ["CQ-9", "GZ-13"]),
    ]
    ast.parse(test_file.read_text())


def test_docs_traceability_is_up_to_date(trace):
    assert tr.OUTPUT.read_text(encoding="utf-8") == tr.render(trace), (
        "docs/traceability.md is stale: run `.venv/bin/python manage.py traceability` and commit it"
    )
