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


def fill(translation_files: list[Path], locale_dir: Path = LOCALE_DIR) -> int:
    """Fill empty or fuzzy entries of the catalogs from JSON files written by translators:
    ``{"msgid": {"fr": "...", "nl": "...", "de": "..."}}`` (plural msgids map each language to a list,
    keyed by the singular msgid). English keeps the msgid. Returns how many entries were filled."""
    import json

    from babel.messages.pofile import write_po

    wanted: dict[str, dict[str, str | list[str]]] = {}
    for path in translation_files:
        wanted.update(json.loads(path.read_text(encoding="utf-8")))
    filled = 0
    for po_path in sorted(locale_dir.glob("*/LC_MESSAGES/django.po")):
        language = po_path.parts[-3]
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        for message in catalog:
            if not message.id:
                continue
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            empty = not all(message.string) if isinstance(message.string, tuple) else not message.string
            if not (empty or message.fuzzy):
                continue
            if language == "en":
                message.string = tuple(message.id) if isinstance(message.id, tuple) else message.id
            elif key in wanted and language in wanted[key]:
                value = wanted[key][language]
                message.string = tuple(value) if isinstance(message.id, tuple) else str(value)
            else:
                continue
            message.flags.discard("fuzzy")
            filled += 1
        with po_path.open("wb") as po_file:
            write_po(po_file, catalog, width=120)
    return filled


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["fill"]:
        print(f"filled {fill([Path(name) for name in sys.argv[2:]])} entries")
    for path in compile_all():
        print(f"compiled {path}")
