"""Issue a voter's personal voting link again (the previous one stops working) and print it once, for
a cooperator without an e-mail address (the link then goes by post) or whose mail was lost."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from config.errors import PlatformError
from governance.models import Assembly, Cooperator
from governance.services import voting_link_issue, voting_link_url


class Command(BaseCommand):
    help = "(Re)issue a cooperator's personal voting link for an assembly and print it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--assembly", type=UUID, required=True, help="the assembly's public id")
        parser.add_argument("--person", type=UUID, required=True, help="the cooperator's group person id")
        parser.add_argument("--by", default="command", help="who issues it (kept on the link)")

    def handle(self, *args: Any, **options: Any) -> None:
        assembly = Assembly.objects.filter(public_id=options["assembly"]).first()
        if assembly is None:
            raise CommandError("no assembly has this id")
        cooperator = Cooperator.objects.filter(person_id=options["person"]).first()
        if cooperator is None:
            raise CommandError("no cooperator has this person id")
        try:
            with transaction.atomic():
                token = voting_link_issue(
                    assembly=assembly, cooperator=cooperator, by=options["by"], require_email=False
                )
        except PlatformError as error:
            raise CommandError(f"{error.code}: {error.message}") from None
        sent = f" (also mailed to {cooperator.email})" if cooperator.email else ""
        self.stdout.write(f"{cooperator.display_name}{sent}: {voting_link_url(token)}")
