"""Coordinators and facilitators keep the records of the people their service works with."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amends.core.models import AuditEvent
from amends.people.models import Person, PersonIdentifier
from tests.conftest import reveal_contact_details
from tests.factories import (
    CaseFactory,
    PartyFactory,
    PersonFactory,
    PersonIdentifierFactory,
    ReferralFactory,
    ReferralPersonFactory,
)

VALID = {
    "given_name": "Maisie",
    "family_name": "Thornbury",
    "voicemail_safe": "no",
    "text_safe": "yes",
    "letter_safe": "unknown",
    "email": "maisie@example.org",
    "phone": "07700 900 982",
    "address": "12 Canal Walk\nLeeds\nLS2 7EE",
}


def add(client, **overrides):
    return client.post(reverse("people:add"), {**VALID, **overrides})


def in_a_case_of(facilitator, person, **case_fields):
    """Put `person` in a new case of their organisation led by `facilitator`."""
    case = CaseFactory(
        organisation=person.organisation, lead_facilitator=facilitator, **case_fields
    )
    return PartyFactory(organisation=person.organisation, case=case, person=person)


def test_coordinator_adds_a_person_and_finds_them_by_name(as_alice, org):
    response = add(as_alice, known_as="Mai")
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.organisation == org
    assert person.voicemail_safe == "no"

    page = as_alice.get(reverse("people:list"), {"q": "thorn"}).content.decode()
    assert "Maisie Thornbury" in page
    page = as_alice.get(reverse("people:list"), {"q": "mai thorn"}).content.decode()
    assert "Maisie Thornbury" in page
    page = as_alice.get(reverse("people:list"), {"q": "nobody"}).content.decode()
    assert "No one matches" in page


def test_contact_hours_are_read_as_people_write_them_and_must_run_forwards(as_alice):
    response = add(as_alice, contact_from="9am", contact_until="6pm")
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.contact_from, person.contact_until) == (datetime.time(9), datetime.time(18))
    # E-mail safety and the language of letters, left unanswered, keep their defaults.
    assert (person.email_safe, person.message_language) == ("unknown", "en")

    response = add(as_alice, given_name="Łukasz", contact_from="18:00", contact_until="9am")
    assert response.status_code == 200
    assert response.context["form"].errors["contact_until"] == [
        "The time until must be later than the time from"
    ]
    assert "The time until must be later than the time from" in response.content.decode()
    assert Person.objects.count() == 1


def test_year_group_and_form_are_asked_only_of_a_school(as_alice, org):
    assert "Year group" not in as_alice.get(reverse("people:add")).content.decode()
    add(as_alice, year_group="Year 8", form_group="8B")
    assert Person.objects.get().year_group == ""  # not a field here, so not taken
    org.sectors = ["schools"]
    org.save()
    assert "Year group" in as_alice.get(reverse("people:add")).content.decode()
    add(as_alice, given_name="Siân", year_group="Year 8", form_group="8B")
    pupil = Person.objects.get(given_name="Siân")
    assert (pupil.year_group, pupil.form_group) == ("Year 8", "8B")


def test_a_facilitator_adds_people_through_their_cases_not_the_people_list(as_bob):
    """Someone a facilitator added outside any case would be out of their reach at once."""
    assert as_bob.get(reverse("people:add")).status_code == 403
    assert add(as_bob).status_code == 403
    assert not Person.objects.exists()
    assert "Add a person" not in as_bob.get(reverse("people:list")).content.decode()


@pytest.mark.parametrize(
    ("given_name", "family_name", "typed"),
    [
        ("Siân", "Powell", "sian"),
        ("Łukasz", "Nowak", "lukasz"),
        ("Seán", "O'Brien", "obrien"),
        ("Seán", "O’Brien", "obrien"),
        ("Seán", "O’Brien", "o'brien"),
        ("Seán", "OBrien", "O’Brien"),
        ("Zoë", "Hartley", "zoe"),
        ("Jürgen", "Müller", "muller"),
        ("Sinéad", "Ní Bhriain", "sinead ni"),
        ("Søren", "Kierkegård", "soren"),
        ("Đorđe", "Petrović", "dorde petrovic"),
        ("Æbbe", "Þórsdóttir", "aebbe thorsdottir"),
        ("Hans", "Großmann", "grossmann"),
        ("Siân", "Powell", "SIÂN"),
    ],
)
def test_name_search_ignores_case_accents_and_apostrophes(
    as_alice, org, given_name, family_name, typed
):
    PersonFactory(organisation=org, given_name=given_name, family_name=family_name)
    PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    response = as_alice.get(reverse("people:list"), {"q": typed})
    found = [p.full_name for p in response.context["page_obj"]]
    assert found == [f"{given_name} {family_name}"]


def test_a_renamed_person_is_found_by_their_new_name(as_alice, org):
    person = PersonFactory(organisation=org, given_name="Zoe", family_name="Hartley")
    reveal_contact_details(as_alice, person)
    version = (
        as_alice.get(reverse("people:edit", args=[person.pk])).context["form"]["version"].value()
    )
    as_alice.post(
        reverse("people:edit", args=[person.pk]),
        {**VALID, "given_name": "Zoë", "family_name": "Łęcka", "version": version},
    )
    assert [p.pk for p in Person.objects.search("zoe lecka")] == [person.pk]
    assert not Person.objects.search("hartley").exists()


def test_searching_by_a_reference_finds_the_person_and_their_cases(as_alice, org, bob):
    person = PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien")
    PersonIdentifierFactory(organisation=org, person=person, kind="police", value="NB/12345/26")
    party = in_a_case_of(bob, person, reference="RJ-2026-0042")
    PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")

    response = as_alice.get(reverse("people:list"), {"q": " nb/12345/26 "})
    assert [p.pk for p in response.context["page_obj"]] == [person.pk]
    page = response.content.decode()
    assert "Siân O&#x27;Brien" in page or "Siân O'Brien" in page
    assert "RJ-2026-0042" in page
    assert reverse("cases:detail", args=[party.case.pk]) in page

    # The case list's search goes through the same one: the reference finds the case.
    cases = as_alice.get(reverse("cases:list"), {"q": "NB/12345/26"}).content.decode()
    assert "RJ-2026-0042" in cases
    assert not as_alice.get(reverse("people:list"), {"q": "NB/12345/2"}).context["page_obj"]


def test_a_search_pages_through_everyone_it_finds_in_name_order(as_alice, org, other_org):
    # 30 people called Siân (accents and apostrophes in their family names), two others,
    # and a Siân in another service: the search lists the 30 in two pages, in name order,
    # each person once, with their cases, and no one else.
    family = ["O'Brien", "Ní Bhriain", "Ó Súilleabháin", "Évans", "D'Souza", "Øvergaard"]
    sians = [
        PersonFactory(organisation=org, given_name="Siân", family_name=f"{family[n % 6]} {n:02d}")
        for n in range(30)
    ]
    PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    PersonFactory(organisation=org, given_name="Rhys", family_name="Siannon-Jones")
    PersonFactory(organisation=other_org, given_name="Siân", family_name="Elsewhere")
    # In name order as the database collates the names.
    expected = list(
        Person.objects.filter(organisation=org)
        .exclude(given_name="Maisie")
        .order_by("family_name", "given_name", "pk")
    )
    assert len(expected) == 31 and set(sians) < set(expected)

    first = as_alice.get(reverse("people:list"), {"q": "sian"}).context["page_obj"]
    second = as_alice.get(reverse("people:list"), {"q": "sian", "page": 2}).context["page_obj"]
    assert [p.pk for p in first] + [p.pk for p in second] == [p.pk for p in expected]
    assert len(first) == 25 and first.has_next() and not second.has_next()
    assert first.paginator.count == 31
    # Each person on the page arrives with their identifiers and cases already read.
    with CaptureQueriesContext(connection) as captured:
        [list(p.identifiers.all()) for p in second]
    assert not captured.captured_queries


def test_search_never_reaches_another_organisation(as_charlie, org):
    PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    page = as_charlie.get(reverse("people:list"), {"q": "Thornbury"}).content.decode()
    assert "Maisie" not in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"given_name": ""}, "given_name", "Enter their first name"),
        ({"email": "maisie-at-example"}, "email", "Enter an e-mail address in the correct format"),
        ({"phone": "call me"}, "phone", "Enter a phone number"),
        (
            {
                "date_of_birth_0": "1",
                "date_of_birth_1": "1",
                "date_of_birth_2": str(datetime.date.today().year + 1),
            },
            "date_of_birth",
            "Date of birth must be today or in the past",
        ),
        (
            {"date_of_birth_0": "31", "date_of_birth_1": "2", "date_of_birth_2": "2010"},
            "date_of_birth",
            "must be a real date",
        ),
        (
            {"date_of_birth_0": "3", "date_of_birth_1": "", "date_of_birth_2": "2010"},
            "date_of_birth",
            "must include a month",
        ),
        ({"voicemail_safe": "maybe"}, "voicemail_safe", "Select a valid choice"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_saves_nothing(as_alice, overrides, field, message):
    response = add(as_alice, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    page = response.content.decode()
    assert "There is a problem" in page
    assert page.count(message) >= 2  # in the summary and at the field
    assert not Person.objects.exists()


def test_a_child_is_recognised_from_date_of_birth(as_alice):
    year = datetime.date.today().year - 12
    add(as_alice, date_of_birth_0="15", date_of_birth_1="6", date_of_birth_2=str(year))
    assert Person.objects.get().is_child


def test_editing_keeps_other_edits_safe(as_alice, as_bob, bob, org):
    person = PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    in_a_case_of(bob, person)
    # The edit form shows contact details, so both have revealed them (tests/test_reveal.py).
    reveal_contact_details(as_bob, person)
    reveal_contact_details(as_alice, person)
    form = as_bob.get(reverse("people:edit", args=[person.pk])).context["form"]
    version = form["version"].value()

    # Alice saves first.
    alice_version = (
        as_alice.get(reverse("people:edit", args=[person.pk])).context["form"]["version"].value()
    )
    assert (
        as_alice.post(
            reverse("people:edit", args=[person.pk]),
            {**VALID, "phone": "07700 900 111", "version": alice_version},
        ).status_code
        == 302
    )

    # Bob's save from the older page is refused and shows Alice's change.
    response = as_bob.post(
        reverse("people:edit", args=[person.pk]),
        {**VALID, "phone": "07700 900 222", "version": version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved changes" in page
    assert "Phone number" in page
    assert "07700 900 111" in page
    person.refresh_from_db()
    assert person.phone == "07700 900 111"


def test_identifiers_are_checked_for_format_and_duplicates(as_bob, bob, org):
    person = PersonFactory(organisation=org)
    in_a_case_of(bob, person)
    url = reverse("people:identifier_add", args=[person.pk])

    response = as_bob.post(url, {"kind": "prisoner", "value": "12345"})
    assert (
        "Enter a prison number in the correct format, like A1234BC"
        in response.context["form"].errors["value"][0]
    )

    response = as_bob.post(url, {"kind": "pupil", "value": "a123456789012"})
    assert response.status_code == 302
    assert PersonIdentifier.objects.get().value == "A123456789012"

    other = PersonFactory(organisation=org)
    in_a_case_of(bob, other)
    response = as_bob.post(
        reverse("people:identifier_add", args=[other.pk]),
        {"kind": "pupil", "value": "A123456789012"},
    )
    assert "already recorded for someone else" in response.context["form"].errors["value"][0]

    response = as_bob.post(url, {"kind": "passport", "value": "123"})
    assert "Select a kind of identifier from the list" in response.context["form"].errors["kind"][0]
    assert PersonIdentifier.objects.count() == 1


def test_identifier_removal(as_bob, bob, org):
    identifier = PersonIdentifierFactory(organisation=org)
    in_a_case_of(bob, identifier.person)
    url = reverse("people:identifier_remove", args=[identifier.person.pk, identifier.pk])
    assert as_bob.post(url).status_code == 302
    assert not PersonIdentifier.objects.exists()


def test_referrers_and_viewers_cannot_see_people(as_rita, as_vera, org):
    person = PersonFactory(organisation=org)
    for client in (as_rita, as_vera):
        assert client.get(reverse("people:list")).status_code == 403
        assert client.get(reverse("people:detail", args=[person.pk])).status_code == 404


def test_viewing_a_person_is_audited_without_their_details(as_bob, bob, org):
    person = PersonFactory(organisation=org, phone="07700 900 555")
    in_a_case_of(bob, person)
    as_bob.get(reverse("people:detail", args=[person.pk]))
    event = AuditEvent.objects.get(action="view")
    assert event.actor == bob and event.record_id == str(person.pk)
    assert "07700" not in event.summary


def test_contact_details_are_encrypted_at_rest(as_alice):
    add(
        as_alice,
        phone="07700 900 777",
        email="marker-e-mail@example.org",
        address="MARKER-ADDRESS-XYZ",
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT email, phone, address FROM people_person")
        raw = " ".join(str(v) for v in cursor.fetchone())
    assert "marker-e-mail" not in raw and "MARKER-ADDRESS" not in raw and "900 777" not in raw
    person = Person.objects.get()
    assert person.address == "MARKER-ADDRESS-XYZ"


# A facilitator sees the people in their own cases --------------------------------------


def test_a_facilitator_sees_only_the_people_in_their_cases(as_bob, as_alice, bob, alice, org):
    mine = PersonFactory(organisation=org, given_name="Siân", family_name="Powell")
    co = PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowak")
    theirs = PersonFactory(organisation=org, given_name="Zoë", family_name="Hartley")
    nobody = PersonFactory(organisation=org, given_name="Sinéad", family_name="Byrne")
    in_a_case_of(bob, mine)
    in_a_case_of(alice, co, co_facilitator=bob)
    in_a_case_of(alice, theirs)

    listed = {p.pk for p in as_bob.get(reverse("people:list")).context["page_obj"]}
    assert listed == {mine.pk, co.pk}
    assert not as_bob.get(reverse("people:list"), {"q": "zoe"}).context["page_obj"]
    for person in (theirs, nobody):
        for url in (
            reverse("people:detail", args=[person.pk]),
            reverse("people:edit", args=[person.pk]),
            reverse("people:identifier_add", args=[person.pk]),
            reverse("privacy:reveal_contact", args=[person.pk]),
        ):
            assert as_bob.get(url).status_code == 404, url
            assert as_bob.post(url, {"code": "123456"}).status_code == 404, url
    # The coordinator keeps the whole organisation.
    everyone = {p.pk for p in as_alice.get(reverse("people:list")).context["page_obj"]}
    assert everyone == {mine.pk, co.pk, theirs.pk, nobody.pk}


def test_a_facilitator_cannot_reveal_anyone_elses_contact_details(as_bob, alice, org):
    person = PersonFactory(organisation=org, phone="07700 900 314", address="9 Mill Lane")
    in_a_case_of(alice, person)
    response = as_bob.post(reverse("privacy:reveal_contact", args=[person.pk]))
    assert response.status_code == 404
    assert b"07700 900 314" not in response.content
    assert not AuditEvent.objects.filter(summary="Revealed contact details").exists()


def test_a_case_taken_off_a_facilitator_takes_its_people_with_it(as_bob, bob, alice, org):
    person = PersonFactory(organisation=org)
    party = in_a_case_of(bob, person)
    assert as_bob.get(reverse("people:detail", args=[person.pk])).status_code == 200
    party.case.lead_facilitator = alice
    party.case.save()
    assert as_bob.get(reverse("people:detail", args=[person.pk])).status_code == 404


# A person's page lists their cases and referrals ------------------------------------------


def test_a_persons_page_lists_the_cases_and_referrals_the_viewer_may_open(
    as_alice, as_bob, alice, bob, org
):
    person = PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien")
    bobs = in_a_case_of(bob, person, reference="RJ-2026-0101").case
    alices = in_a_case_of(alice, person, reference="RJ-2026-0102").case
    referral = ReferralFactory(organisation=org, source_agency="Northbridge Police")
    ReferralPersonFactory(organisation=org, referral=referral, person=person, role="harmed")
    ReferralPersonFactory(organisation=org, given_name="Someone", family_name="Else")

    page = as_alice.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "RJ-2026-0101" in page and "RJ-2026-0102" in page
    assert reverse("referrals:detail", args=[referral.pk]) in page
    assert "from Northbridge Police" in page

    page = as_bob.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert reverse("cases:detail", args=[bobs.pk]) in page
    assert "RJ-2026-0102" not in page and reverse("cases:detail", args=[alices.pk]) not in page
    assert reverse("referrals:detail", args=[referral.pk]) not in page


def _people_with_cases(org, facilitator, count):
    for _ in range(count):
        person = PersonFactory(organisation=org)
        PersonIdentifierFactory(organisation=org, person=person)
        in_a_case_of(facilitator, person)
        in_a_case_of(facilitator, person)


def test_the_people_list_and_a_persons_page_take_the_same_queries_however_many(
    as_alice, as_bob, bob, org
):
    def queries(client, url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    _people_with_cases(org, bob, 2)
    person = Person.objects.first()
    detail = reverse("people:detail", args=[person.pk])
    before = [queries(c, reverse("people:list")) for c in (as_alice, as_bob)]
    before_detail = [queries(c, detail) for c in (as_alice, as_bob)]
    _people_with_cases(org, bob, 8)
    for _ in range(4):
        in_a_case_of(bob, person)
    assert [queries(c, reverse("people:list")) for c in (as_alice, as_bob)] == before
    assert [queries(c, detail) for c in (as_alice, as_bob)] == before_detail


# Name search stays indexed ---------------------------------------------------------------


def test_name_search_reads_only_the_indexed_search_key(db):
    queryset = Person.objects.search("Siân O’Brien")
    where = str(queryset.query).split(" WHERE ", 1)[1].split(" ORDER BY ")[0]
    assert "search_key" in where
    assert "given_name" not in where and "family_name" not in where
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")  # the test table is tiny
            assert "people_person_search_key_trgm" in queryset.explain()


@pytest.mark.django_db(transaction=True)
def test_the_migration_fills_the_search_key_of_people_already_recorded():
    from django.db.migrations.executor import MigrationExecutor

    before, after = [("people", "0002_name_search_trigram")], [("people", "0003_name_search_key")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    organisation = old.get_model("core", "Organisation").objects.create(
        name="Northbridge RJ Hub", kind="justice_service"
    )
    old.get_model("people", "Person").objects.create(
        organisation_id=organisation.pk, given_name="Łukasz", family_name="O’Brien"
    )
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert list(Person.objects.values_list("search_key", flat=True)) == ["lukasz obrien"]
        assert Person.objects.search("lukasz obrien").count() == 1
    finally:
        # Going back to 0002 unapplied every later migration (people 0004 and any that
        # depend on 0003): put them all back, or the tests after this one in the same
        # process find the database short of migrations (readiness says 503).
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_a_facilitator_in_two_organisations_sees_each_ones_people_only_there(
    as_bob, bob, org, other_org
):
    """Bob facilitates for Northbridge and for the trust; each membership has its own people."""
    from amends.core.models import Role
    from tests.factories import MembershipFactory

    trust = MembershipFactory(user=bob, organisation=other_org, role=Role.FACILITATOR)
    here = PersonFactory(organisation=org, given_name="Siân", family_name="Powell")
    there = PersonFactory(organisation=other_org, given_name="Łukasz", family_name="Nowak")
    in_a_case_of(bob, here)
    in_a_case_of(bob, there)

    as_bob.post(
        reverse("core:switch_organisation"),
        {"membership": bob.memberships.get(organisation=org).pk},
    )
    assert [p.pk for p in as_bob.get(reverse("people:list")).context["page_obj"]] == [here.pk]
    assert as_bob.get(reverse("people:detail", args=[there.pk])).status_code == 404

    as_bob.post(reverse("core:switch_organisation"), {"membership": trust.pk})
    assert [p.pk for p in as_bob.get(reverse("people:list")).context["page_obj"]] == [there.pk]
    assert as_bob.get(reverse("people:detail", args=[here.pk])).status_code == 404
    assert as_bob.get(reverse("people:detail", args=[there.pk])).status_code == 200
