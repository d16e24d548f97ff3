"""Printable documents (certificates, reports) as PDF, with a font that covers every language we serve
(DejaVu Sans ships in config/fonts: Hungarian, German, Dutch and French names print as written).

Callers translate their strings first (inside ``translation.override(language)``) and hand plain text
here; this module knows nothing of the business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


@dataclass
class PdfDocument:
    """A simple A4 document: a title, paragraphs, label/value rows and tables, in that order of calls."""

    title: str
    author: str = "SMart"
    _pdf: FPDF = field(init=False, repr=False)

    def __post_init__(self) -> None:
        pdf = FPDF(format="A4")
        pdf.set_creator("SMart federation platform")
        pdf.set_author(self.author)
        pdf.set_title(self.title)
        pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
        pdf.set_auto_page_break(auto=True, margin=15)
        pdf.add_page()
        pdf.set_font("DejaVu", "B", 16)
        pdf.multi_cell(0, 9, self.title, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(4)
        self._pdf = pdf

    def heading(self, text: str) -> None:
        self._pdf.ln(2)
        self._pdf.set_font("DejaVu", "B", 12)
        self._pdf.multi_cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")

    def paragraph(self, text: str) -> None:
        self._pdf.set_font("DejaVu", "", 10)
        self._pdf.multi_cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")
        self._pdf.ln(1.5)

    def rows(self, pairs: Sequence[tuple[str, str]]) -> None:
        """Label: value lines (the label in bold)."""
        for label, value in pairs:
            self._pdf.set_font("DejaVu", "B", 10)
            self._pdf.cell(60, 6, label)
            self._pdf.set_font("DejaVu", "", 10)
            self._pdf.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")

    def table(self, header: Sequence[str], body: Sequence[Sequence[str]]) -> None:
        self._pdf.set_font("DejaVu", "", 9)
        with self._pdf.table(first_row_as_headings=True) as table:
            for values in [header, *body]:
                row = table.row()
                for value in values:
                    row.cell(str(value))
        self._pdf.ln(2)

    def render(self) -> bytes:
        return bytes(self._pdf.output())
