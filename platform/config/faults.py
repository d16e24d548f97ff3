"""Named pause points for the fault-injection tests (a worker killed in the middle of a payout...).

A point does nothing unless ``settings.FAULT_INJECTION_DIR`` is set (tests only) and holds a file
named after the point; then the process writes ``<point>.reached`` and sleeps for the number of
seconds in the file, so that a test can kill it there.
"""

from __future__ import annotations

import time
from pathlib import Path

from django.conf import settings


def fault_point(name: str) -> None:
    directory = settings.FAULT_INJECTION_DIR
    if not directory:
        return
    trigger = Path(directory) / name
    if not trigger.exists():
        return
    (Path(directory) / f"{name}.reached").write_text(str(time.time()))
    time.sleep(float(trigger.read_text().strip() or "30"))
