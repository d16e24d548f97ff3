"""The fault-injection tests' figures, for the results page (``var/results/faults.json``)."""

from __future__ import annotations

import json

from tests.conftest import PROJECT_DIR

RESULTS = PROJECT_DIR / "var" / "results" / "faults.json"


def record(**figures: object) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    current.update(figures)
    RESULTS.write_text(json.dumps(current, indent=2, sort_keys=True))
