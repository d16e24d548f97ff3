"""Create or update the application's database role and its grants (docs/operations.md, "Database roles")."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from config.db import as_owner
from tenants.registry.db_roles import roles_apply


class Command(BaseCommand):
    help = (
        "Create or update the application's database role (not a superuser, owns nothing) and grant it "
        "row access to every schema, now and (default privileges) later. Runs as the owner role "
        "(DATABASE_OWNER_URL, else DATABASE_URL)."
    )

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument(
            "--app-role",
            help="the application's role (default: the user of DATABASE_URL when DATABASE_OWNER_URL is set)",
        )
        parser.add_argument(
            "--password-env",
            metavar="VARIABLE",
            help="set the role's password from this environment variable (never from the command line)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        app_role = options["app_role"]
        if not app_role:
            if not settings.DATABASE_OWNER:
                raise CommandError("Give --app-role, or set DATABASE_OWNER_URL (then the user of DATABASE_URL is it).")
            app_role = str(settings.DATABASES["default"]["USER"])
        password = None
        if options["password_env"]:
            password = os.environ.get(options["password_env"])
            if not password:
                raise CommandError(f"Environment variable {options['password_env']} is empty or not set.")
        with as_owner():
            try:
                report = roles_apply(app_role=app_role, app_password=password)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
        if report.app_is_superuser or report.app_owned_relations:
            raise CommandError(
                f"Role {report.app} is a superuser or owns {report.app_owned_relations} tables: "
                "it must not (ALTER ROLE ... NOSUPERUSER; REASSIGN OWNED BY it TO the owner)."
            )
        self.stdout.write(
            f"Role {report.app} {'created' if report.created else 'updated'}: row access to {report.schemas} "
            f"schemas owned by {report.owner}; not a superuser, owns no table."
        )
