"""The argon2 password hasher, with a cheap profile that test suites may choose.

Hashing at full cost is the point in production and a waste in tests that sign up
hundreds of people. `EMPATHIC_PASSWORD_HASH_PROFILE=test` picks argon2's cheapest
parameters; argon2 writes the parameters into every hash, so hashes made either way
verify with either hasher, and a cheap hash is re-hashed at full cost on the next
sign-in once the variable is gone (`check_needs_rehash`). Read on every call, never
at import, so a test session can set it late.
"""

from __future__ import annotations

import os

from argon2 import PasswordHasher, profiles

PROFILE_VARIABLE = "EMPATHIC_PASSWORD_HASH_PROFILE"
PROFILES = {"standard": profiles.RFC_9106_LOW_MEMORY, "test": profiles.CHEAPEST}
"""standard: RFC 9106's low-memory recommendation (64 MiB, 3 passes), argon2-cffi's default.
test: the cheapest parameters argon2 allows; for test suites only, never a real site."""


def profile() -> str:
    """The profile named by the environment; "standard" unless it says otherwise."""
    name = os.environ.get(PROFILE_VARIABLE, "").strip().lower() or "standard"
    if name not in PROFILES:
        choices = ", ".join(PROFILES)
        raise ValueError(f"{PROFILE_VARIABLE}={name!r} is not a profile; choose {choices}")
    return name


def hasher() -> PasswordHasher:
    """A hasher with the current profile's parameters (cheap to build; argon2 costs on use)."""
    return PasswordHasher.from_parameters(PROFILES[profile()])
