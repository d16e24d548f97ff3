"""Load official public holidays into the calendars the platform counts working days with."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shared_services.services import public_holidays_load
from tenants.registry.validators import country_codes


class Command(BaseCommand):
    help = "Load the public holidays of countries for years (idempotent; days added by hand are kept)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--country", action="append", required=True, help="ISO code, repeatable")
        parser.add_argument("--year", type=int, action="append", required=True, help="repeatable")

    def handle(self, *args: Any, **options: Any) -> None:
        countries = [code.upper() for code in options["country"]]
        unknown = [code for code in countries if code not in country_codes()]
        if unknown:
            raise CommandError(f"unknown country code(s): {', '.join(unknown)}")
        added = public_holidays_load(countries=countries, years=options["year"])
        self.stdout.write(f"{added} day(s) added")
