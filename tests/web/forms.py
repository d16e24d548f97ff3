"""POST bodies of the staff forms, as a browser would send them."""

from __future__ import annotations

from typing import Any

BLANK_ROWS = {
    "lines": {"description": "", "quantity": "1", "unit_price": "", "vat_rate": "21"},
    "performers": {"member": "", "gross": "", "kind": "wage"},
}


def formset(prefix: str, rows: list[dict[str, Any]], extra: int = 1) -> dict[str, Any]:
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows) + extra,
        f"{prefix}-INITIAL_FORMS": 0,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    blank = BLANK_ROWS[prefix]
    for index in range(len(rows), len(rows) + extra):  # a row left as the page shows it
        data.update({f"{prefix}-{index}-{key}": value for key, value in blank.items()})
    return data


def member(last_name: str, first_name: str = "Ada", **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "natural",
        "category": "natural_user",
        "first_name": first_name,
        "last_name": last_name,
        "birth_date": "1990-04-01",
        "country": "BE",
        "email": "",
        "languages": ["fr"],
        "iban": "BE71096123456769",
        **overrides,
    }


def declaration(
    *,
    activity: Any,
    client: Any,
    lines: list[dict[str, Any]],
    performers: list[dict[str, Any]],
    **overrides: Any,
) -> dict[str, Any]:
    return {
        "activity": str(activity),
        "client": str(client),
        "document_kind": "invoice",
        "performed_from": "2026-05-08",
        "performed_to": "2026-05-09",
        "country": "BE",
        "issued_on": "",
        **formset("lines", lines),
        **formset("performers", performers),
        **overrides,
    }


def line(unit_price: str, vat_rate: str = "21", quantity: str = "1", description: str = "Concert") -> dict[str, Any]:
    return {"description": description, "quantity": quantity, "unit_price": unit_price, "vat_rate": vat_rate}


def performer(member: Any, gross: str, kind: str = "wage") -> dict[str, Any]:
    return {"member": str(member), "gross": gross, "kind": kind}
