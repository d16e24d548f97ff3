"""Create an entity from the command line (operators): schema, migrations, domain, first staff user."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from tenants.registry import services
from tenants.registry.errors import EntityError
from tenants.registry.selectors import entity_url


class Command(BaseCommand):
    help = "Create a legal entity of the group with its own schema and subdomain."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--slug", required=True, help="short name, also the subdomain")
        parser.add_argument("--display-name", required=True)
        parser.add_argument("--legal-name", required=True)
        parser.add_argument("--country", required=True, help="ISO 3166 alpha-2, e.g. BE")
        parser.add_argument("--legal-form", required=True)
        parser.add_argument("--company-number", required=True, help="VAT or company-register number")
        parser.add_argument("--currency", required=True, help="ISO 4217, e.g. EUR")
        parser.add_argument("--languages", required=True, help="comma-separated among fr,nl,de,en")
        parser.add_argument("--default-language", required=True)
        parser.add_argument("--staff-email", required=True, help="login of the first staff user")
        parser.add_argument("--central", action="store_true", help="this is SMart Coop, the central entity")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            created = services.entity_create(
                slug=options["slug"],
                display_name=options["display_name"],
                legal_name=options["legal_name"],
                country=options["country"],
                legal_form=options["legal_form"],
                company_number=options["company_number"],
                currency=options["currency"],
                languages=options["languages"].split(","),
                default_language=options["default_language"],
                staff_email=options["staff_email"],
                is_central=options["central"],
            )
        except EntityError as exc:
            raise CommandError(f"[{exc.code}] {exc.message}") from None
        self.stdout.write(f"created {created.entity.display_name} ({created.entity.schema_name})")
        self.stdout.write(f"  {entity_url(created.entity)}  {created.staff_username} / {created.staff_password}")
