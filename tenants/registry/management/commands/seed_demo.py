"""Demo data: the group's entities, one group manager and one staff user per entity, and each open
entity's operations (members, activities, documents, payments, contracts, expenses: see
``tenants.demo_operations``).

Idempotent: entities and users that exist are kept, and an entity that already has members keeps its
books. Credentials are written to ``var/demo-credentials.json`` (git-ignored) and printed.
``--scale N`` gives each entity N times more members, activities and documents (benchmarks).
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_tenants.utils import tenant_context

from tenants.demo_operations import demo_operations_fill
from tenants.registry import services
from tenants.registry.demo import DEMO_ENTITIES, demo_company_number
from tenants.registry.models import Entity
from tenants.registry.selectors import entity_url, group_url

GROUP_MANAGER = "manager@smart.coop.demo"


def _credentials_file() -> Path:
    return Path(settings.DEMO_CREDENTIALS_FILE)


def _load() -> dict[str, Any]:
    try:
        return json.loads(_credentials_file().read_text())
    except (OSError, ValueError):
        return {}


def _save(data: dict[str, Any]) -> None:
    _credentials_file().parent.mkdir(parents=True, exist_ok=True)
    _credentials_file().write_text(json.dumps(data, indent=2, ensure_ascii=False))
    os.chmod(_credentials_file(), 0o600)


class Command(BaseCommand):
    help = "Create the demo group (idempotent) and print its addresses and logins."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any entity exists.")
        parser.add_argument("--print-logins", action="store_true", help="Only print addresses and logins.")
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="N times more members, activities and documents per entity (default 1: a few dozen documents).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["print_logins"]:
            self._print(_load())
            return
        if options["if_empty"] and Entity.objects.exists():
            return
        if options["scale"] < 1:
            raise CommandError("--scale must be at least 1")
        creds = _load()
        creds.setdefault("entities", {})
        self._group_manager(creds)
        from shared_services.demo import services_demo_setup

        services_demo_setup(manager_username=GROUP_MANAGER)
        for demo in DEMO_ENTITIES:
            entity = self._entity(demo, creds)
            if entity is not None:
                self._operations(entity, options["scale"])
        from governance.demo import governance_demo_setup

        governance_demo_setup(manager_username=GROUP_MANAGER)
        _save(creds)
        self._print(creds)

    def _operations(self, entity: Entity, scale: int) -> None:
        """Fill the entity's books (once: an entity with members, or closed, is left as it is)."""
        with tenant_context(entity):
            summary = demo_operations_fill(entity, scale=scale)
        if summary is not None:
            self.stdout.write(f"filled {entity.display_name}: {summary}")

    def _group_manager(self, creds: dict[str, Any]) -> None:
        User = get_user_model()
        user = User.objects.filter(username=GROUP_MANAGER).first()
        if user is None or "group_manager" not in creds:
            password = secrets.token_urlsafe(10)
            if user is None:
                User.objects.create_user(
                    username=GROUP_MANAGER,
                    email=GROUP_MANAGER,
                    password=password,
                    is_staff=True,
                    is_superuser=True,
                    first_name="Group",
                    last_name="Manager",
                )
            else:
                user.set_password(password)
                user.save(update_fields=["password"])
            creds["group_manager"] = {"username": GROUP_MANAGER, "password": password}

    def _entity(self, demo: Any, creds: dict[str, Any]) -> Entity | None:
        staff = f"staff@{demo.slug}.demo"
        entity = Entity.objects.filter(slug=demo.slug).first()
        if entity is None:
            created = services.entity_create(
                slug=demo.slug,
                display_name=demo.display_name,
                legal_name=demo.legal_name,
                country=demo.country,
                legal_form=demo.legal_form,
                company_number=demo_company_number(demo.country, demo.slug),
                currency=demo.currency,
                languages=list(demo.languages),
                default_language=demo.default_language,
                staff_email=staff,
                is_central=demo.is_central,
                is_demo=not demo.named_in_plan,
            )
            entity = created.entity
            creds["entities"][demo.slug] = {"username": staff, "password": created.staff_password}
            self.stdout.write(f"created {entity.display_name} ({entity.schema_name})")
            if demo.closed:
                entity = services.entity_close(entity=entity)
        elif demo.slug not in creds["entities"]:
            # The credentials file was lost: give the demo staff user a new password.
            password = secrets.token_urlsafe(10)
            with transaction.atomic(), tenant_context(entity):
                user = get_user_model().objects.filter(username=staff).first()
                if user is None:
                    return entity
                user.set_password(password)
                user.save(update_fields=["password"])
            creds["entities"][demo.slug] = {"username": staff, "password": password}
        return entity

    def _print(self, creds: dict[str, Any]) -> None:
        if not creds:
            self.stdout.write("No demo credentials recorded (run seed_demo).")
            return
        manager = creds.get("group_manager", {})
        self.stdout.write("\nSMart group (group management)")
        self.stdout.write(f"  {group_url()}   {manager.get('username')} / {manager.get('password')}")
        self.stdout.write(f"  health: {group_url()}health/")
        self.stdout.write("\nEntities (staff logins)")
        entities = {e.slug: e for e in Entity.objects.prefetch_related("domains")}
        for slug, login in creds.get("entities", {}).items():
            entity = entities.get(slug)
            if entity is None:
                continue
            flag = f" [{entity.get_status_display()}]" if entity.status != "active" else ""
            self.stdout.write(
                f"  {entity_url(entity):45} {login['username']} / {login['password']}  {entity.display_name}{flag}"
            )
        self.stdout.write(f"\n(credentials kept in {_credentials_file()})")
