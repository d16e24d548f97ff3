"""A general assembly in a real browser: a governance team member signs in on the group domain,
creates an assembly with a resolution, convenes it (the roll is the register at the record date, and
every voter gets a personal link by mail), records a proxy and opens remote voting; two cooperators
vote through their links (one for herself, one for himself and his grantor), one tries to vote a
second time and is refused in her language; the team sees the links used, closes the assembly and
reads the exact result.

Mail goes to a directory (Django's file backend) that the test reads, as a cooperator reads their
inbox. The cooperators' shares are redeemed at the end, so the committed register holds nobody at any
date another test looks at."""

from __future__ import annotations

import datetime
import email
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

sync_api = pytest.importorskip("playwright.sync_api")

from tests.browser.support import CHROMIUM, chromium, runserver  # noqa: E402

if CHROMIUM is None:
    pytest.skip("no chromium installed (apt-get install chromium)", allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TEAM_USER = "gov-browser@group.test"
LINK = re.compile(r"(/governance/vote/[A-Za-z0-9_-]{40,}/)")


@dataclass
class Scene:
    base_url: str
    password: str
    mail_dir: Path
    people: dict[str, str]  # name -> group person id
    emails: dict[str, str]  # name -> address
    today: datetime.date
    refusal_fr: str


@pytest.fixture(scope="module")
def scene(group, django_db_blocker, tmp_path_factory) -> Iterator[Scene]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone, translation

    from governance import errors, services
    from governance.models import Cooperator

    password = f"pw-gov-{uuid.uuid4().hex[:10]}"
    today = timezone.localdate()
    names = {"Anne Aubry": "fr", "Bram Bosmans": "nl", "Carla Conti": "fr"}
    emails = {name: f"{name.split()[0].lower()}-{uuid.uuid4().hex[:6]}@coop.test" for name in names}
    with django_db_blocker.unblock():
        user = get_user_model().objects.create_user(username=TEAM_USER, email=TEAM_USER, password=password)
        services.governance_team_member_add(user_id=user.pk)
        entity = group.alpha.entity
        people = {}
        for name, language in names.items():
            cooperator = services.cooperator_admit(
                person_id=uuid.uuid4(),
                kind="natural",
                display_name=name,
                language=language,
                gender="",
                category="natural_user",
                entity=entity,
                on=today,
                shares=2,
                by="browser-test",
                request_key=uuid.uuid4().hex,
                email=emails[name],
            )
            people[name] = str(cooperator.person_id)
    with translation.override("fr"):
        refusal_fr = str(errors.catalog.error(errors.ALREADY_VOTED, name="Anne Aubry").message)
    mail_dir = tmp_path_factory.mktemp("mail")
    env = {"DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
    with runserver("localhost", DJANGO_EMAIL_FILE_PATH=str(mail_dir), **env) as port:
        yield Scene(f"http://localhost:{port}", password, mail_dir, people, emails, today, refusal_fr)
    with django_db_blocker.unblock():
        for cooperator in Cooperator.objects.filter(person_id__in=people.values()):
            share_class = services.share_class_for(category=cooperator.category, on=today)
            services.shares_redeem(
                cooperator=cooperator,
                share_class=share_class,
                count=2,
                on=today,
                by="browser-test",
                request_key=uuid.uuid4().hex,
            )


def voting_links(mail_dir: Path) -> dict[str, str]:
    """Address -> the path of the personal link in the mail sent there."""
    links = {}
    for path in mail_dir.iterdir():
        for chunk in path.read_bytes().split(b"-" * 79):
            if not chunk.strip():
                continue
            message = email.message_from_bytes(chunk.strip())
            body = message.get_payload(decode=True).decode()
            match = LINK.search(body)
            assert match, body
            links[message["To"]] = match.group(1)
    return links


def click(page: Any, scope: Any, name: str) -> None:
    with page.expect_navigation():
        scope.get_by_role("button", name=name, exact=True).click()


def test_an_assembly_from_convocation_to_result_with_personal_links(scene):
    expect = sync_api.expect
    sync_api.expect.set_options(timeout=15_000)
    with chromium() as browser:
        team_context = browser.new_context(locale="en-GB")
        team_context.set_default_timeout(15_000)
        team = team_context.new_page()

        # The team member signs in on the group domain.
        team.goto(f"{scene.base_url}/accounts/login/?next=/governance/assemblies/")
        team.fill("#id_username", TEAM_USER)
        team.fill("#id_password", scene.password)
        click(team, team.locator("main form"), "Sign in")
        assert team.url.endswith("/governance/assemblies/")

        # A new assembly: record date today, remote voting from tomorrow (opened early below).
        form = team.locator("main form")
        form.locator("#id_kind").select_option("ordinary")
        team.fill("#id_title", "AG navigateur")
        team.fill("#id_date", str(scene.today + datetime.timedelta(days=400)))
        team.fill("#id_record_date", str(scene.today))
        team.fill("#id_remote_opens_at", f"{scene.today + datetime.timedelta(days=1)} 09:00")
        team.fill("#id_remote_closes_at", f"{scene.today + datetime.timedelta(days=30)} 18:00")
        team.fill("#id_proxy_limit", "1")
        click(team, form, "Create")
        assembly_url = team.url
        assert re.search(r"/governance/assemblies/[0-9a-f-]{36}/$", assembly_url)

        form = team.locator("form[action$='/item/']")
        form.locator("#id_title").fill("Budget 2027")
        form.locator("#id_resolution_type").select_option(label="Ordinary resolution")
        click(team, form, "Add")

        # Convocation: the roll is the register at the record date; each voter is mailed a link.
        click(team, team.locator("form[action$='/convene/']"), "Convene the assembly")
        expect(team.locator("table").first).to_contain_text("Convened")
        expect(team.locator("#voting-links tr[data-cooperator]")).to_have_count(3)
        expect(team.locator("#voting-links td.used")).to_have_text(["Not used"] * 3)
        links = voting_links(scene.mail_dir)
        assert sorted(links) == sorted(scene.emails.values())

        # Carla gives her proxy to Bram; remote voting opens now.
        form = team.locator("form[action$='/proxy/']")
        team.fill("#id_grantor_person_id", scene.people["Carla Conti"])
        team.fill("#id_holder_person_id", scene.people["Bram Bosmans"])
        click(team, form, "Record the proxy")
        expect(team.get_by_text("Carla Conti → Bram Bosmans")).to_be_visible()
        click(team, team.locator("form[action$='/remote_open/']"), "Open remote voting now")
        expect(team.locator("form[action$='/remote_open/']")).to_have_count(0)

        # Anne opens her link twice (two tabs), votes for in the first, then tries again in the second.
        anne = browser.new_context(locale="en-GB")
        anne_first, anne_second = anne.new_page(), anne.new_page()
        anne_url = scene.base_url + links[scene.emails["Anne Aubry"]]
        for tab in (anne_first, anne_second):
            tab.goto(anne_url)
            assert tab.locator("html").get_attribute("lang") == "fr"
            expect(tab.locator("fieldset.vote-line")).to_have_count(1)
        anne_first.locator("fieldset.vote-line input[value=for]").check()
        click(anne_first, anne_first.locator("#voting-sheet"), anne_first.locator("#voting-sheet button").inner_text())
        expect(anne_first.locator("#recorded")).to_be_visible()
        expect(anne_first.locator("fieldset.vote-line")).to_have_count(0)
        anne_second.locator("fieldset.vote-line input[value=against]").check()
        with anne_second.expect_response(lambda r: r.request.method == "POST") as second:
            anne_second.locator("#voting-sheet button").click()
        assert second.value.status == 409
        expect(anne_second.locator("#refusal")).to_have_attribute("data-code", "governance_already_voted")
        expect(anne_second.locator("#refusal")).to_have_text(scene.refusal_fr)

        # Bram votes against for himself and for on behalf of Carla, in Dutch.
        bram = browser.new_context(locale="en-GB").new_page()
        bram.goto(scene.base_url + links[scene.emails["Bram Bosmans"]])
        assert bram.locator("html").get_attribute("lang") == "nl"
        lines = bram.locator("fieldset.vote-line")
        expect(lines).to_have_count(2)
        lines.filter(has_not_text="Carla Conti").locator("input[value=against]").check()
        lines.filter(has_text="Carla Conti").locator("input[value=for]").check()
        click(bram, bram.locator("#voting-sheet"), bram.locator("#voting-sheet button").inner_text())
        expect(bram.locator("#votes-recorded li")).to_have_count(2)

        # Carla's own link shows she gave her proxy: nothing to vote.
        carla = browser.new_context(locale="en-GB").new_page()
        carla.goto(scene.base_url + links[scene.emails["Carla Conti"]])
        expect(carla.locator("#delegated")).to_be_visible()
        expect(carla.locator("fieldset.vote-line")).to_have_count(0)

        # The team sees which links were used, closes the assembly and reads the exact result.
        team.goto(assembly_url)
        expect(team.locator("#voting-links td.used")).to_have_text(["Used", "Used", "Not used"])
        click(team, team.locator("form[action$='/close/']"), "Close the votes")
        result = team.locator("table").nth(1)
        expect(result).to_contain_text("For: 2 · Against: 1 · Abstain: 0")
        expect(result).to_contain_text("Turnout: 3 of 3")
        expect(result).to_contain_text("Adopted")

        # The links end with the assembly.
        anne_first.goto(anne_url)
        expect(anne_first.locator("#refusal")).to_have_attribute("data-code", "governance_voting_link_expired")
