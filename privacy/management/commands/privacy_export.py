from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from privacy.export import subject_access_export


class Command(BaseCommand):
    help = "Everything the platform holds about one person (group person id), as JSON (GDPR subject access)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--person", required=True, help="the group-wide person id (UUID)")
        parser.add_argument("--output", help="write to this file instead of the standard output")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person_id = uuid.UUID(options["person"])
        except ValueError:
            raise CommandError(f"not a person id: {options['person']!r}") from None
        document = json.dumps(subject_access_export(person_id=person_id), indent=2, ensure_ascii=False)
        if options["output"]:
            Path(options["output"]).write_text(document, encoding="utf-8")
        else:
            self.stdout.write(document)
