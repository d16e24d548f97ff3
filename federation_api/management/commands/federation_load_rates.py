from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from config.errors import PlatformError
from federation_api.rates import rates_load


class Command(BaseCommand):
    help = "Load ECB euro reference rates from a local CSV in the ECB layout (eurofxref-hist.csv)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path", type=Path, help="the CSV file (Date,USD,JPY,...), already downloaded")
        parser.add_argument("--source", default="ecb")

    def handle(self, *args: Any, path: Path, source: str, **options: Any) -> None:
        try:
            count = rates_load(text=path.read_text(encoding="utf-8-sig"), source=source)
        except OSError as error:
            raise CommandError(str(error)) from error
        except PlatformError as error:
            raise CommandError(f"{error.code}: {error.message}") from error
        self.stdout.write(f"{count} rates loaded from {path}")
