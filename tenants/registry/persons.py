"""The group-wide person registry: one ``person_id`` per natural or legal person, whatever the entity.

Only a keyed hash of the identifying data reaches the public schema. The key (``PERSON_MATCH_SECRET``)
must stay the same for the life of the platform: changing it would stop matching existing persons.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
import uuid
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction

from .models import Person, PersonKind


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(ch for ch in decomposed if ch.isalnum()).lower()


def match_key(
    *,
    kind: str,
    national_id: str = "",
    first_name: str = "",
    last_name: str = "",
    birth_date: date | None = None,
    company_number: str = "",
    country: str = "",
) -> str:
    if kind == PersonKind.LEGAL:
        basis = f"legal|{country.upper()}|{_normalise(company_number)}"
    elif national_id:
        basis = f"natural-id|{country.upper()}|{_normalise(national_id)}"
    else:
        basis = (
            f"natural|{_normalise(first_name)}|{_normalise(last_name)}|{birth_date.isoformat() if birth_date else ''}"
        )
    secret = settings.PERSON_MATCH_SECRET.encode()
    return hmac.new(secret, basis.encode(), hashlib.sha256).hexdigest()


def person_resolve(*, kind: str, **identity: object) -> uuid.UUID:
    """The person id for this identity: the existing one, or a new one."""
    key = match_key(kind=kind, **identity)  # type: ignore[arg-type]
    existing = Person.objects.filter(match_key=key).values_list("person_id", flat=True).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Person.objects.create(kind=kind, match_key=key).person_id
    except IntegrityError:  # created meanwhile by another entity
        return Person.objects.get(match_key=key).person_id
