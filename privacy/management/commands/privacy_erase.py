from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from config.errors import PlatformError
from privacy.erasure import erase_person


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = (
        "Erase one person (group person id) by pseudonymisation in every entity and the shared services, "
        "keeping what the retention rules require, then scan the whole database for what is left (GDPR art. 17)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--person", required=True, help="the group-wide person id (UUID)")
        parser.add_argument("--reason", required=True, help="the request: its date, channel or reference")
        parser.add_argument("--by", default="privacy_erase", help="who carries it out (recorded)")
        parser.add_argument("--dry-run", action="store_true", help="do everything, report, then roll it all back")
        parser.add_argument(
            "--review-findings",
            action="store_true",
            help="commit even if the scan finds the person's values outside retained records, and list them",
        )
        parser.add_argument("--today", help="the date retention periods are compared with (YYYY-MM-DD)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            person_id = uuid.UUID(options["person"])
        except ValueError:
            raise CommandError(f"not a person id: {options['person']!r}") from None
        try:
            today = datetime.date.fromisoformat(options["today"]) if options["today"] else None
        except ValueError:
            raise CommandError(f"not a date: {options['today']!r}") from None
        report: dict[str, Any] = {}
        try:
            with transaction.atomic():
                erasure = erase_person(
                    person_id=person_id,
                    by=options["by"],
                    reason=options["reason"],
                    today=today,
                    strict=not options["review_findings"],
                )
                report = {
                    "erasure": erasure.pk,
                    "pseudonym": erasure.pseudonym,
                    "next_review": erasure.next_review.isoformat() if erasure.next_review else None,
                    **erasure.summary,
                }
                if options["dry_run"]:
                    raise _DryRun
        except _DryRun:
            report["dry_run"] = "rolled back: nothing was changed"
        except PlatformError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
