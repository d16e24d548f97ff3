"""Compile the ``locale/*/LC_MESSAGES/django.po`` catalogs into ``.mo`` files with Babel.

Pure Python, so a fresh machine needs no GNU gettext to run the platform; developers who change
strings run ``make messages`` (Django's makemessages, which does need gettext).
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

LOCALE_DIR = Path(__file__).resolve().parents[2] / "locale"


def compile_all(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    written = []
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/*.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parts[-3])
        errors = [(message.id, err) for message, errs in catalog.check() for err in errs]
        if errors:
            raise ValueError(f"{po_path}: invalid translations: {errors[:3]}")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


if __name__ == "__main__":
    for path in compile_all():
        print(f"compiled {path}")
