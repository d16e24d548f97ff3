"""The board's composition rules on edge cases, on the sitting board and on a candidate list."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from config.errors import PlatformError
from governance import services
from governance.board import Seat, board_composition_check
from governance.models import BoardSeat, CandidateList, StakeholderCategory

from .helpers import make_cooperator

CATS = [c.value for c in StakeholderCategory]
FORTY = Decimal(40)


def seats(genders: str, categories: list[str] | None = None, terms: list[int] | None = None) -> list[Seat]:
    """One seat per letter: f(emale), m(ale), x (another gender), _ (not recorded)."""
    names = {"f": "female", "m": "male", "x": "other", "_": ""}
    cats = categories or [CATS[i % 6] for i in range(len(genders))]
    return [
        Seat(name=f"S{i}", category=cats[i], gender=names[g], term_ends=terms[i] if terms else None)
        for i, g in enumerate(genders)
    ]


def test_a_balanced_board_of_every_category_passes():
    check = board_composition_check(seats("ffmmmf"), min_gender_percent=FORTY)
    assert (check.ok, check.reasons, check.seats) == (True, (), 6)


def test_exactly_40_percent_passes_just_under_fails():
    # 10 seats, 4 women: exactly 40 %.
    assert board_composition_check(seats("ffffmmmmmm"), min_gender_percent=FORTY).ok
    # 7 seats, 3 women = 42.9 %, 4 men = 57.1 %: passes; 2 of 6 = 33.3 %: fails with the figures.
    assert board_composition_check(seats("fffmmmm"), min_gender_percent=FORTY).ok
    check = board_composition_check(seats("ffmmmm"), min_gender_percent=FORTY)
    assert check.reasons == ("Women hold 2 of 6 seats (33.3 %), under the minimum of 40 %.",)


def test_a_missing_category_is_named():
    cats = [c for c in CATS if c != "supplier"] + ["partner"]
    check = board_composition_check(seats("ffmmmf", cats), min_gender_percent=FORTY)
    assert check.reasons == ("No seat for the stakeholder category “Supplier”: every category must be represented.",)


def test_one_member_fails_every_rule_it_can():
    check = board_composition_check(seats("f", ["natural_user"]), min_gender_percent=FORTY)
    assert not check.ok
    assert len(check.reasons) == 6  # five categories missing, no man
    assert check.reasons[-1] == "Men hold 0 of 1 seats (0.0 %), under the minimum of 40 %."


def test_an_empty_board_and_unknown_genders():
    empty = board_composition_check([], min_gender_percent=FORTY)
    assert empty.reasons[0] == "The board has no member." and len(empty.reasons) == 7
    check = board_composition_check(seats("ffffmmmm_x"), min_gender_percent=FORTY)
    assert check.ok is False
    assert check.reasons == ("Gender not recorded for S8: these seats count for neither gender.",)


def test_staggered_renewal():
    ok = board_composition_check(
        seats("ffmmmf", terms=[2027, 2027, 2027, 2028, 2028, 2028]),
        min_gender_percent=FORTY,
        max_renewed_percent=Decimal(50),
    )
    assert ok.ok
    bad = board_composition_check(
        seats("ffmmmf", terms=[2027, 2027, 2027, 2027, 2028, 2028]),
        min_gender_percent=FORTY,
        max_renewed_percent=Decimal(50),
    )
    assert bad.reasons == (
        "4 of 6 seats (66.7 %) come up for renewal in 2027, over the maximum of 50 %: the renewal must be staggered.",
    )


@pytest.mark.django_db
def test_sitting_board_and_candidate_list(group):
    BoardSeat.objects.all().delete()
    people = [
        make_cooperator(shares=1, category=CATS[i % 6], gender="female" if i % 2 else "male", name=f"B{i}")
        for i in range(6)
    ]
    for i, p in enumerate(people):
        BoardSeat.objects.create(cooperator=p, since=datetime.date(2024, 6, 1), term_ends=2027 if i < 3 else 2028)
    assert services.board_sitting_check(on=datetime.date(2026, 6, 1)).ok
    # 2027: three seats up; a list of three men in their place breaks parity.
    men = [
        make_cooperator(shares=1, category=p.category, gender="male", name=f"M{i}")
        for i, p in enumerate(people)
        if p.board_seat.term_ends == 2027
    ]
    lst = services.candidate_list_create(name="List 2027", election_year=2027)
    for m in men:
        services.candidate_list_add(candidate_list=lst, cooperator=m)
    check = services.candidate_list_check(candidate_list=lst, on=datetime.date(2027, 5, 1))
    assert not check.ok
    with pytest.raises(PlatformError) as refused:
        services.candidate_list_finalise(candidate_list=lst, on=datetime.date(2027, 5, 1))
    assert refused.value.code == "governance_board_rules_failed"
    assert "Women hold 2 of 6 seats (33.3 %), under the minimum of 40 %." in str(refused.value.message)
    assert CandidateList.objects.get(pk=lst.pk).status == "draft"
    # Replace one man by a woman of the same category: 3 women of 6, every category.
    services.candidate_list_remove(candidate_list=lst, cooperator=men[0])
    services.candidate_list_add(
        candidate_list=lst,
        cooperator=make_cooperator(shares=1, category=men[0].category, gender="female", name="W0"),
    )
    services.candidate_list_finalise(candidate_list=lst, on=datetime.date(2027, 5, 1))
    assert CandidateList.objects.get(pk=lst.pk).status == "final"
    with pytest.raises(PlatformError) as refused:
        services.candidate_list_add(candidate_list=lst, cooperator=men[0])
    assert refused.value.code == "governance_candidate_list_final"
