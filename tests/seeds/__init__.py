"""Canary seeders of the mutualised services, one module per service.

Each module defines ``seed(entity, canary)``; the session fixture calls every one of them for each
test entity (inside that entity's schema), so the isolation tests find the service's records of one
entity on another's pages if they ever leak. Every text field must carry ``canary``.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any


def service_seeders() -> list[Callable[..., Any]]:
    seeders = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        seeders.append(importlib.import_module(f"{__name__}.{module.name}").seed)
    return seeders
