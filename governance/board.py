"""The board's composition rules (C12), as a pure function over plain facts so that the same check
runs on a candidate list before an election and on the sitting board, and can be tested exhaustively.

Rules (their figures are data, ``BoardRule``): every stakeholder category has at least one seat; women
and men each hold at least ``min_gender_percent`` of the seats (computed on every seat, so a seat whose
holder's gender is not recorded counts for neither, and is named); at most ``max_renewed_percent`` of
the seats come up for renewal in any one year (staggered renewal).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .models import Gender, StakeholderCategory


@dataclass(frozen=True)
class Seat:
    name: str
    category: str
    gender: str  # "" when not recorded
    term_ends: int | None = None  # None on a candidate list: terms are set by the election


@dataclass(frozen=True)
class BoardCheck:
    ok: bool
    reasons: tuple[str, ...]
    seats: int
    by_category: dict[str, int]
    by_gender: dict[str, int]


def _number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _percent(part: int, whole: int) -> str:
    return f"{(Decimal(part) * 100 / whole).quantize(Decimal('0.1'))}"


def board_composition_check(
    seats: Sequence[Seat], *, min_gender_percent: Decimal, max_renewed_percent: Decimal | None = None
) -> BoardCheck:
    reasons: list[str] = []
    total = len(seats)
    by_category = Counter(seat.category for seat in seats)
    by_gender = Counter(seat.gender for seat in seats)
    if total == 0:
        reasons.append(_("The board has no member."))
    for category in StakeholderCategory:
        if not by_category.get(category.value):
            reasons.append(
                _("No seat for the stakeholder category “%(category)s”: every category must be represented.")
                % {"category": category.label}
            )
    if total:
        for gender, label in ((Gender.FEMALE, _("Women")), (Gender.MALE, _("Men"))):
            count = by_gender.get(gender.value, 0)
            # Integer arithmetic: exactly 40 % passes, 39.99 % does not.
            if count * 100 < min_gender_percent * total:
                reasons.append(
                    _("%(who)s hold %(count)s of %(total)s seats (%(percent)s %%), under the minimum of %(min)s %%.")
                    % {
                        "who": label,
                        "count": count,
                        "total": total,
                        "percent": _percent(count, total),
                        "min": _number(min_gender_percent),
                    }
                )
        unknown = sorted(seat.name for seat in seats if not seat.gender)
        if unknown:
            reasons.append(
                _("Gender not recorded for %(names)s: these seats count for neither gender.")
                % {"names": ", ".join(unknown)}
            )
    if max_renewed_percent is not None and total:
        renewals = Counter(seat.term_ends for seat in seats if seat.term_ends is not None)
        for year, count in sorted(renewals.items()):
            if count * 100 > max_renewed_percent * total:
                reasons.append(
                    _(
                        "%(count)s of %(total)s seats (%(percent)s %%) come up for renewal in %(year)s, over the "
                        "maximum of %(max)s %%: the renewal must be staggered."
                    )
                    % {
                        "count": count,
                        "total": total,
                        "percent": _percent(count, total),
                        "year": year,
                        "max": _number(max_renewed_percent),
                    }
                )
    return BoardCheck(
        ok=not reasons,
        reasons=tuple(reasons),
        seats=total,
        by_category=dict(by_category),
        by_gender=dict(by_gender),
    )
