"""Password hashing profiles: standard by default, a cheap one only when a test suite asks."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher, profiles
from argon2.exceptions import VerifyMismatchError

from empathic import passwords


def test_the_standard_profile_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(passwords.PROFILE_VARIABLE, raising=False)
    assert passwords.profile() == "standard"
    hasher = passwords.hasher()
    standard = PasswordHasher()  # argon2-cffi's default, which accounts used before
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism, hasher.hash_len) == (
        standard.time_cost,
        standard.memory_cost,
        standard.parallelism,
        standard.hash_len,
    )
    monkeypatch.setenv(passwords.PROFILE_VARIABLE, " ")
    assert passwords.profile() == "standard"


def test_the_suite_runs_with_the_cheap_profile() -> None:
    """tests/conftest.py sets it for every test."""
    assert passwords.profile() == "test"
    hasher = passwords.hasher()
    assert hasher.memory_cost == profiles.CHEAPEST.memory_cost
    assert hasher.time_cost == profiles.CHEAPEST.time_cost


def test_cheap_and_standard_hashes_verify_with_either_hasher(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cheap = passwords.hasher()
    monkeypatch.setenv(passwords.PROFILE_VARIABLE, "standard")
    standard = passwords.hasher()
    made_cheap = cheap.hash("correct horse battery")
    made_standard = standard.hash("correct horse battery")
    assert "m=8,t=1,p=1" in made_cheap and "m=65536,t=3,p=4" in made_standard
    assert standard.verify(made_cheap, "correct horse battery")
    assert cheap.verify(made_standard, "correct horse battery")
    with pytest.raises(VerifyMismatchError):
        standard.verify(made_cheap, "wrong horse battery")
    assert standard.check_needs_rehash(made_cheap)  # upgraded at the next sign-in
    assert not standard.check_needs_rehash(made_standard)


def test_an_unknown_profile_is_refused_not_guessed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(passwords.PROFILE_VARIABLE, "cheap")
    with pytest.raises(ValueError, match=r"EMPATHIC_PASSWORD_HASH_PROFILE='cheap'.*standard, test"):
        passwords.hasher()
