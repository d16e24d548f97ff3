#!/usr/bin/env python
"""Django's command-line utility for the SMart federation platform."""

import os
import sys
from pathlib import Path

# `platform/` is a plain folder, never a package: a package called `platform` would shadow the
# standard library module of that name. Its inner package `config` is reached by putting the
# folder itself on the path.
sys.path.insert(0, str(Path(__file__).resolve().parent / "platform"))


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
