"""Password storage and policy (issue 5, item 1): PBKDF2-HMAC-SM3 by default, old hashes accepted and
upgraded at login, 8+ characters of 4 classes, none of the last 5 again."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, identify_hasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from skillreg.accounts.models import PasswordHistory
from skillreg.accounts.services import password_change
from skillreg.core import testing
from skillreg.core.errors import ValidationFailed
from skillreg.core.hashers import PBKDF2SM3PasswordHasher


def test_sm3_hasher_matches_an_independent_pbkdf2_hmac_sm3(settings):
    settings.SKILLREG_PASSWORD_ITERATIONS = 1000
    encoded = PBKDF2SM3PasswordHasher().encode("Skillreg#2026", "fixedsalt1234567")
    algorithm, iterations, salt, b64 = encoded.split("$")
    assert (algorithm, iterations, salt) == ("pbkdf2_sm3", "1000", "fixedsalt1234567")
    if "sm3" in hashlib.algorithms_available:  # OpenSSL's own PBKDF2 over SM3, where the system has it
        import base64

        expected = hashlib.pbkdf2_hmac("sm3", b"Skillreg#2026", b"fixedsalt1234567", 1000)
        assert base64.b64decode(b64) == expected


def test_new_passwords_use_pbkdf2_sm3(db):
    user = testing.make_expert("hash_expert")
    assert user.password.startswith("pbkdf2_sm3$")
    assert identify_hasher(user.password).algorithm == "pbkdf2_sm3"
    assert check_password(testing.PASSWORD, user.password)
    assert not check_password("Skillreg#2027", user.password)


def test_an_old_sha256_hash_still_logs_in_and_is_upgraded_to_sm3(db, settings):
    user = testing.make_expert("legacy_expert")
    legacy = make_password(testing.PASSWORD, hasher="pbkdf2_sha256")
    get_user_model().objects.filter(pk=user.pk).update(password=legacy)
    response = Client().post("/accounts/login/", {"username": "legacy_expert", "password": testing.PASSWORD})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$")
    assert user.password_changed_at is not None  # an upgrade is not a change: the 90-day clock is untouched


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1#", "太短"),
        ("abcdefgh1#", "大写字母"),
        ("ABCDEFGH1#", "小写字母"),
        ("Abcdefgh##", "数字"),
        ("Abcdefgh12", "特殊字符"),
    ],
)
def test_weak_passwords_are_refused_with_the_reason(db, password, reason):
    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    text = " ".join(exc.value.messages)
    assert reason in text or (reason == "太短" and "8" in text)


def test_none_of_the_last_five_passwords_may_be_reused(db):
    user = testing.make_expert("history_expert")
    passwords = [f"Rotate#{i}Pass" for i in range(1, 6)]
    current = testing.PASSWORD
    for new in passwords:
        password_change(user=user, old_password=current, new_password=new)
        current = new
    assert PasswordHistory.objects.filter(user=user).count() == 5
    for old in passwords:  # the current one and the four before it
        with pytest.raises(ValidationFailed, match="最近 5 次"):
            password_change(user=user, old_password=current, new_password=old)
    # the first password is now six changes back: allowed again
    password_change(user=user, old_password=current, new_password=testing.PASSWORD)


def test_wrong_old_password_changes_nothing(db):
    user = testing.make_expert("careful_expert")
    before = user.password
    with pytest.raises(ValidationFailed, match="原密码不正确"):
        password_change(user=user, old_password="Wrong#Pass9", new_password="Brand#New2027")
    user.refresh_from_db()
    assert user.password == before
