from __future__ import annotations

import datetime

import pytest
from django_tenants.utils import tenant_context

from config.errors import PlatformError
from tenants.members import errors
from tenants.members.models import Member
from tenants.members.services import member_create
from tenants.registry.models import Person

pytestmark = pytest.mark.django_db

ADA = dict(
    kind="natural",
    category="natural_user",
    first_name="Ada",
    last_name="Lovelace",
    birth_date=datetime.date(1815, 12, 10),
)


def test_the_same_person_in_two_entities_is_one_person(group):
    with tenant_context(group.alpha.entity):
        in_books_eur = member_create(**ADA, email="ada@alpha.test", iban="BE71 0961 2345 6769")
    with tenant_context(group.beta.entity):
        in_beta = member_create(**{**ADA, "first_name": "ADA", "last_name": "Lovelace "}, email="ada@beta.test")
    assert in_books_eur.person_id == in_beta.person_id
    assert in_books_eur.iban == "BE71096123456769"
    person = Person.objects.get(person_id=in_books_eur.person_id)
    # The public registry holds no name, no e-mail: only the keyed hash used for matching.
    assert "Lovelace" not in str(person.__dict__) and "ada@" not in str(person.__dict__)
    with tenant_context(group.gamma.entity):
        assert not Member.objects.filter(person_id=in_books_eur.person_id).exists()


def test_legal_persons_match_on_their_company_number(group):
    fields = dict(
        kind="legal", category="legal_user", last_name="Atelier SRL", company_number="BE 0403.170.701", country="BE"
    )
    with tenant_context(group.alpha.entity):
        first = member_create(**fields)
    with tenant_context(group.gamma.entity):
        second = member_create(**{**fields, "company_number": "0403170701", "last_name": "Atelier"})
    assert first.person_id == second.person_id


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"iban": "BE68539007547034"}, errors.IBAN_INVALID),
        ({"category": "shareholder"}, errors.CATEGORY_UNKNOWN),
        ({"kind": "robot"}, errors.KIND_UNKNOWN),
        ({"first_name": ""}, errors.NAME_REQUIRED),
        ({"email": "nope"}, errors.EMAIL_INVALID),
        ({"languages": ["es"]}, errors.LANGUAGE_UNSUPPORTED),
    ],
)
def test_bad_member_data_is_refused_and_nothing_written(in_books_eur, change, code):
    before = (Member.objects.count(), Person.objects.count())
    with pytest.raises(PlatformError) as refused:
        member_create(**{**ADA, **change})
    assert refused.value.code == code
    assert (Member.objects.count(), Person.objects.count()) == before


def test_a_person_is_a_member_of_an_entity_once(in_books_eur):
    member_create(**ADA)
    with pytest.raises(PlatformError) as refused:
        member_create(**ADA)
    assert refused.value.code == errors.ALREADY_MEMBER
    assert Member.objects.count() == 1
