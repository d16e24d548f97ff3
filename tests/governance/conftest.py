from __future__ import annotations

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english():
    """Refusals and reasons are compared as English text; another test may have left a language active."""
    with translation.override("en"):
        yield
