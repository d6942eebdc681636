"""Hypothesis profiles of the fuzz tests: a modest number of examples in the normal suite.

For a long run:

    NEWSCLI_FUZZ=long python -m pytest -q -m fuzz

which raises every fuzz test to 3 000 examples (NEWSCLI_FUZZ=500: to 500); see
docs/security.md. Every test decorated with FUZZ or FUZZ_CLI carries the `fuzz` mark.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, settings

# NEWSCLI_FUZZ=long: 3 000 examples per fuzz test; NEWSCLI_FUZZ=<number>: that many.
_ASKED = os.environ.get("NEWSCLI_FUZZ", "")
LONG = _ASKED == "long" or _ASKED.isdigit()
LONG_EXAMPLES = int(_ASKED) if _ASKED.isdigit() else 3000
_COMMON: dict[str, Any] = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "derandomize": False,
}
settings.register_profile("security-quick", max_examples=15, **_COMMON)
settings.register_profile("security", max_examples=60, **_COMMON)
settings.register_profile("security-long", max_examples=LONG_EXAMPLES, **_COMMON)

Test = TypeVar("Test", bound=Callable[..., Any])


# A fuzz test runs its examples within one test's time: its own limit (pytest-timeout), far
# above its runs' on a loaded machine, and none for a long run (hours).
FUZZ_TIMEOUT = 0 if LONG else 900


def _fuzz(profile: settings) -> Callable[[Test], Test]:
    def apply(test: Test) -> Test:
        limited = pytest.mark.timeout(FUZZ_TIMEOUT)(profile(test))
        return pytest.mark.fuzz(limited)  # type: ignore[no-any-return]

    return apply


# FUZZ for cheap properties (a parser, one render); FUZZ_CLI for whole command runs.
FUZZ = _fuzz(settings.get_profile("security-long" if LONG else "security"))
FUZZ_CLI = _fuzz(settings.get_profile("security-long" if LONG else "security-quick"))
