"""Helpers shared by the staff pages of an entity's subdomain."""

from __future__ import annotations

from django import forms

from config.errors import PlatformError


def refuse(form: forms.Form, error: PlatformError, *, aliases: dict[str, str] | None = None) -> int:
    """Show a service's refusal on the form (on the field it names when the form has it, else above
    the form) and return the HTTP status of the page: 409 for a conflict, 400 otherwise."""
    field = (aliases or {}).get(error.field or "", error.field)
    form.add_error(field if field in form.fields else None, str(error.message))
    return 409 if error.status == 409 else 400
