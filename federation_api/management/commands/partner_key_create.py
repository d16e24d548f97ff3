"""Create an API key for a partner organisation; the key is printed once and never stored."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from federation_api.partner_api import SCOPES, partner_key_create
from shared_services.referrals.models import Partner


class Command(BaseCommand):
    help = "Create a partner API key (printed once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partner", required=True, help="partner slug (microstart, coopcity, dynamo-coop)")
        parser.add_argument("--name", default="default")
        parser.add_argument("--scope", action="append", choices=sorted(SCOPES), required=True)
        parser.add_argument("--days", type=int, default=365, help="days until the key expires")

    def handle(self, *args: Any, **options: Any) -> None:
        partner = Partner.objects.filter(slug=options["partner"]).first()
        if partner is None:
            raise CommandError(f"no partner {options['partner']!r}")
        if options["days"] < 1:
            raise CommandError("--days must be at least 1")
        key, text = partner_key_create(
            partner=partner, name=options["name"], scopes=options["scope"], days=options["days"]
        )
        self.stdout.write(f"{partner.name} key {key.prefix} (expires {key.expires_at:%Y-%m-%d}):\n{text}")
