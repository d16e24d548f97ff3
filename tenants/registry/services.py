"""Writes to the registry. Views and commands call these; nothing else creates or closes entities."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tenants.utils import tenant_context

from config.db import as_owner

from . import errors, validators
from .models import Domain, Entity, EntityEvent, EntityEventKind, EntityStatus
from .routing import routing_cache
from .template import schema_clone, template_ensure


@dataclass(frozen=True)
class EntityCreated:
    entity: Entity
    domain: str
    staff_username: str
    staff_password: str


def schema_name_for(slug: str) -> str:
    return "e_" + slug.replace("-", "_")


def _actor_label(acting_user: object | None) -> str:
    if acting_user is None:
        return "system"
    return str(getattr(acting_user, "get_username", lambda: acting_user)())


def entity_create(
    *,
    slug: str,
    display_name: str,
    legal_name: str,
    country: str,
    legal_form: str,
    company_number: str,
    currency: str,
    languages: list[str],
    default_language: str,
    staff_email: str,
    staff_password: str | None = None,
    is_central: bool = False,
    is_demo: bool = False,
    acting_user: object | None = None,
) -> EntityCreated:
    """Create an entity: registry row, schema cloned from the migrated template (see
    ``registry.template``), primary domain, first staff user (an administrator of that entity only).
    All of it, or nothing. Runs as the database owner role when one is configured (``as_owner``): the
    application's own role may not create schemas or tables."""
    with as_owner():
        return entity_create_from(
            SCHEMA_FROM_TEMPLATE,
            slug=slug,
            display_name=display_name,
            legal_name=legal_name,
            country=country,
            legal_form=legal_form,
            company_number=company_number,
            currency=currency,
            languages=languages,
            default_language=default_language,
            staff_email=staff_email,
            staff_password=staff_password,
            is_central=is_central,
            is_demo=is_demo,
            acting_user=acting_user,
        )


SCHEMA_FROM_TEMPLATE = "template"  # clone _entity_template by DDL (tens of milliseconds)
SCHEMA_FROM_MIGRATIONS = "migrations"  # run every tenant migration (the reference path, seconds)


def entity_create_from(
    schema_from: str,
    *,
    slug: str,
    display_name: str,
    legal_name: str,
    country: str,
    legal_form: str,
    company_number: str,
    currency: str,
    languages: list[str],
    default_language: str,
    staff_email: str,
    staff_password: str | None = None,
    is_central: bool = False,
    is_demo: bool = False,
    acting_user: object | None = None,
) -> EntityCreated:
    """``entity_create`` with the way the schema is built chosen: ``"template"`` or ``"migrations"``
    (both give the same schema; tests/registry/test_provisioning.py compares them)."""
    if schema_from not in (SCHEMA_FROM_TEMPLATE, SCHEMA_FROM_MIGRATIONS):
        raise ValueError(f"schema_from must be 'template' or 'migrations', not {schema_from!r}")
    slug = validators.clean_slug(slug)
    display_name = (display_name or "").strip()
    legal_name = (legal_name or "").strip()
    if not display_name or not legal_name:
        raise errors.entity_error(errors.NAME_REQUIRED, field="display_name")
    legal_form = (legal_form or "").strip()
    if not legal_form:
        raise errors.entity_error(errors.LEGAL_FORM_REQUIRED, field="legal_form")
    country = validators.clean_country(country)
    currency = validators.clean_currency(currency)
    company_number = validators.clean_company_number(country, company_number)
    languages, default_language = validators.clean_languages(languages, default_language)
    staff_email = (staff_email or "").strip().lower()
    try:
        validate_email(staff_email)
    except ValidationError:
        raise errors.entity_error(errors.STAFF_EMAIL_INVALID, field="staff_email") from None
    domain = f"{slug}.{settings.BASE_DOMAIN}"

    if Entity.objects.filter(slug=slug).exists() or Entity.objects.filter(schema_name=schema_name_for(slug)).exists():
        raise errors.entity_error(errors.SLUG_TAKEN, field="slug", status=409)
    if Domain.objects.filter(domain=domain).exists():
        raise errors.entity_error(errors.DOMAIN_TAKEN, field="slug", status=409)
    if is_central and Entity.objects.filter(is_central=True).exists():
        raise errors.entity_error(errors.CENTRAL_EXISTS, field="is_central", status=409)

    password = staff_password or secrets.token_urlsafe(12)
    if schema_from == SCHEMA_FROM_TEMPLATE:
        template_ensure()  # normally a no-op: deploys migrate the template (migrate_fleet)
    try:
        with transaction.atomic():
            # Schema DDL is transactional in PostgreSQL: a failure below leaves no schema behind.
            entity = Entity(
                schema_name=schema_name_for(slug),
                slug=slug,
                display_name=display_name,
                legal_name=legal_name,
                country=country,
                legal_form=legal_form,
                company_number=company_number,
                currency=currency,
                languages=languages,
                default_language=default_language,
                is_central=is_central,
                is_demo=is_demo,
            )
            if schema_from == SCHEMA_FROM_TEMPLATE:
                entity.auto_create_schema = False
                entity.save(verbosity=0)
                schema_clone(entity.schema_name)
            else:
                entity.save(verbosity=0)
            Domain.objects.create(domain=domain, tenant=entity, is_primary=True)
            with tenant_context(entity):
                for provisioner in settings.ENTITY_PROVISIONERS:
                    import_string(provisioner)()
                get_user_model().objects.create_user(
                    username=staff_email,
                    email=staff_email,
                    password=password,
                    is_staff=True,
                    is_superuser=True,
                )
            EntityEvent.objects.create(
                entity=entity,
                kind=EntityEventKind.CREATED,
                actor=_actor_label(acting_user),
                data={"slug": slug, "domain": domain},
            )
    except IntegrityError as exc:
        # Lost a race with a concurrent creation of the same slug or domain.
        text = str(exc)
        if "entity_one_central" in text:
            raise errors.entity_error(errors.CENTRAL_EXISTS, field="is_central", status=409) from None
        if "domain" in text:
            raise errors.entity_error(errors.DOMAIN_TAKEN, field="slug", status=409) from None
        raise errors.entity_error(errors.SLUG_TAKEN, field="slug", status=409) from None
    routing_cache.invalidate()
    return EntityCreated(entity=entity, domain=domain, staff_username=staff_email, staff_password=password)


def _lock_closable(entity: Entity) -> Entity:
    """Lock the entity's row and refuse if it can be neither wound down nor closed."""
    locked = Entity.objects.select_for_update().get(pk=entity.pk)
    if locked.is_central:
        raise errors.entity_error(errors.CENTRAL_CANNOT_CLOSE, status=409)
    if locked.status == EntityStatus.CLOSED:
        raise errors.entity_error(errors.ALREADY_CLOSED, status=409)
    return locked


def entity_wind_down(*, entity: Entity, acting_user: object | None = None) -> Entity:
    """Active -> winding down: the entity keeps working while its activity is moved elsewhere."""
    with transaction.atomic():
        locked = _lock_closable(entity)
        if locked.status == EntityStatus.ACTIVE:
            locked.status = EntityStatus.WINDING_DOWN
            locked.winding_down_since = timezone.now()
            locked.save(update_fields=["status", "winding_down_since"])
            EntityEvent.objects.create(
                entity=locked, kind=EntityEventKind.WINDING_DOWN, actor=_actor_label(acting_user)
            )
    routing_cache.invalidate()
    return locked


def entity_close(*, entity: Entity, merged_into: Entity | None = None, acting_user: object | None = None) -> Entity:
    """Close an entity (winding it down first if it was active). Nothing is deleted: its schema stays,
    and its subdomain keeps answering, read-only."""
    with transaction.atomic():
        locked = _lock_closable(entity)
        target = None
        if merged_into is not None:
            target = Entity.objects.filter(pk=merged_into.pk).first()
            if target is None or target.pk == locked.pk or target.status != EntityStatus.ACTIVE:
                raise errors.entity_error(errors.MERGE_TARGET_INVALID, field="merged_into", status=409)
        now = timezone.now()
        actor = _actor_label(acting_user)
        if locked.status == EntityStatus.ACTIVE:
            locked.winding_down_since = now
            EntityEvent.objects.create(entity=locked, kind=EntityEventKind.WINDING_DOWN, actor=actor)
        locked.status = EntityStatus.CLOSED
        locked.closed_at = now
        locked.merged_into = target
        locked.save(update_fields=["status", "winding_down_since", "closed_at", "merged_into"])
        EntityEvent.objects.create(
            entity=locked,
            kind=EntityEventKind.CLOSED,
            actor=actor,
            data={"merged_into": str(target.public_id) if target else None},
        )
    routing_cache.invalidate()
    return locked
