"""What a test does when PostgreSQL is not configured (not a test module).

Locally it skips with the reason. Under ``CI=true`` it fails: CI starts a
server (``.ci/run``), so a missing one there means the PostgreSQL half of the
suite silently did not run — a green build that proves nothing.
"""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

REASON = "PostgreSQL not configured: set TEST_POSTGRES_URL to run this test"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def no_postgres() -> NoReturn:
    if in_ci():
        pytest.fail(f"{REASON} (CI=true: a missing PostgreSQL is an error, not a skip)")
    pytest.skip(REASON)
