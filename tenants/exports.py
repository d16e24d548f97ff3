"""Shared helpers of the staff pages: CSV/XLSX exports, and service refusals shown on forms.

Exports are built from the same filtered querysets as the lists they come from. A spreadsheet reads a
text cell starting with ``= + - @``, a tab or a carriage return as a formula ("CSV injection"): in CSV
such a cell gets a leading apostrophe, in XLSX every text cell is written as a string, never as a
formula. Numbers and dates are written as numbers and dates (a negative amount is not a formula).

Export URLs answer GET only: a download has nothing useful to say to a HEAD request.
"""

from __future__ import annotations

import csv
import datetime
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django_stubs_ext import StrOrPromise
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def escape_csv(value: str) -> str:
    """A text cell a spreadsheet would read as a formula, made inert with a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_PREFIXES) else value


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal):
        return str(value)
    if isinstance(value, datetime.date):  # datetimes too
        return value.isoformat()
    return escape_csv(str(value))


def _csv_response(filename: str, headers: Sequence[StrOrPromise], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([escape_csv(str(header)) for header in headers])
    for row in rows:
        writer.writerow([_csv_value(value) for value in row])
    # The byte-order mark makes spreadsheet programs read the file as UTF-8.
    response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _xlsx_cell(sheet: Any, value: Any) -> WriteOnlyCell:
    if isinstance(value, datetime.datetime):
        value = timezone.make_naive(value) if timezone.is_aware(value) else value
    if value is None or isinstance(value, bool | int | Decimal | datetime.date):
        return WriteOnlyCell(sheet, value=value)
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    if not text:
        return WriteOnlyCell(sheet, value=None)
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # a string, whatever it starts with: never a formula
    return cell


def _xlsx_response(
    filename: str, title: StrOrPromise, headers: Sequence[StrOrPromise], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(title)[:31])
    sheet.append([_xlsx_cell(sheet, str(header)) for header in headers])
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def export_response(
    fmt: str,
    *,
    filename: str,
    title: StrOrPromise,
    headers: Sequence[StrOrPromise],
    rows: Iterable[Sequence[Any]],
) -> HttpResponse:
    """The rows as a CSV or XLSX download named ``<filename>-<today>.<fmt>``."""
    name = f"{filename}-{timezone.localdate():%Y-%m-%d}"
    if fmt == "csv":
        return _csv_response(name, headers, rows)
    if fmt == "xlsx":
        return _xlsx_response(name, title, headers, rows)
    raise ValueError(f"unknown export format {fmt!r}")
