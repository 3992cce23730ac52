"""The shared length check: a text over its limit is refused with its field, code and lengths, never cut."""

from __future__ import annotations

import pytest

from skillreg.core.errors import ValidationFailed
from skillreg.core.textlimits import check_length, column_limit, length_error, raise_length_errors


def test_a_text_at_the_limit_is_returned_whole_and_one_over_is_refused_with_field_code_and_lengths():
    assert check_length("字" * 500, limit=500, field="note", label="说明") == "字" * 500
    assert check_length(None, limit=5, field="note", label="说明") == ""
    with pytest.raises(ValidationFailed) as exc:
        check_length("字" * 612, limit=500, field="note", label="说明")
    assert exc.value.as_dict() == {
        "code": "TEXT_TOO_LONG",
        "message": "说明不能超过 500 字（现为 612 字）",
        "field": "note",
        "details": {"limit": 500, "length": 612},
    }
    assert exc.value.status == 422


def test_errors_collected_from_a_form_are_raised_once_with_every_field():
    errors = [
        e
        for e in (
            length_error("a" * 3, limit=2, field="a", label="甲"),
            length_error("b", limit=2, field="b", label="乙"),
            length_error("c" * 4, limit=2, field="c", label="丙"),
        )
        if e
    ]
    with pytest.raises(ValidationFailed) as exc:
        raise_length_errors(errors)
    assert exc.value.code == "TEXT_TOO_LONG" and exc.value.field == "a"
    assert [e["field"] for e in exc.value.details["errors"]] == ["a", "c"]
    raise_length_errors([])  # nothing to refuse


def test_a_column_limit_is_the_models_max_length():
    from skillreg.applications.models import Person
    from skillreg.deadlines.models import FilingExit

    assert column_limit(Person, "name") == 64
    with pytest.raises(LookupError):
        column_limit(FilingExit, "reason")  # a TextField has no column limit: its service names one
