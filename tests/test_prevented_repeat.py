"""Repeat incidents: the same people in a later case within twelve months of closure.

Every fixture's answer is worked out by hand from dates written out in full.
The rule runs in the database, so this file runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime
import html
import zoneinfo

import pytest
from django.urls import reverse

from amends.cases.models import Case, CaseStatus, PartyRole
from amends.outcomes.prevented import repeat_incident_exists, repeat_incident_found
from tests.factories import CaseFactory, PartyFactory, PersonFactory, ReferralFactory

LONDON = zoneinfo.ZoneInfo("Europe/London")
# The first case closed at 4 p.m. on 10 March 2025 (London time).
CLOSED_AT = datetime.datetime(2025, 3, 10, 16, 0, tzinfo=LONDON)


def closed_case(org, *people_by_role, closed_at=CLOSED_AT, received_on=None, sector="justice"):
    """A case with the given (role, person) parties; closed if `closed_at` is given."""
    referral = (
        ReferralFactory(organisation=org, received_on=received_on, sector=sector)
        if received_on
        else None
    )
    case = CaseFactory(
        organisation=org,
        referral=referral,
        sector=sector,
        status=CaseStatus.CLOSED if closed_at else CaseStatus.OPEN,
        closed_at=closed_at,
        closure_outcome="agreement_completed" if closed_at else "",
    )
    for role, person in people_by_role:
        PartyFactory(organisation=org, case=case, person=person, role=role)
    return case


def later_case(org, harmed, responsible, *, received_on):
    """An open case between `harmed` and `responsible`, referred on `received_on`."""
    return closed_case(
        org,
        (PartyRole.HARMED, harmed),
        (PartyRole.RESPONSIBLE, responsible),
        closed_at=None,
        received_on=received_on,
    )


def pair_again(org, people, received_on):
    """A later case between Siân (harmed) and Connor (responsible) once more."""
    return later_case(org, people["Siân"], people["Connor"], received_on=received_on)


@pytest.fixture
def people(org):
    return {
        name: PersonFactory(organisation=org, given_name=name)
        for name in ("Siân", "Connor", "Aoife", "Kwame")
    }


@pytest.fixture
def first(org, people):
    """Siân was harmed by Connor; Aoife supported Siân (a supporter is not a principal)."""
    return closed_case(
        org,
        (PartyRole.HARMED, people["Siân"]),
        (PartyRole.RESPONSIBLE, people["Connor"]),
        (PartyRole.SUPPORTER, people["Aoife"]),
    )


def repeats() -> dict[str, bool]:
    return dict(
        Case.objects.annotate(repeat=repeat_incident_exists()).values_list("reference", "repeat")
    )


def test_the_same_pair_in_a_later_case_within_twelve_months_is_a_repeat(org, people, first):
    # Referral received 2 February 2026: 329 days after 10 March 2025.
    later = pair_again(org, people, datetime.date(2026, 2, 2))
    assert repeats() == {first.reference: True, later.reference: False}
    assert repeat_incident_found(first) is True


@pytest.mark.parametrize(
    ("received_on", "expected"),
    [
        (datetime.date(2025, 3, 10), False),  # the day it closed: not after closure
        (datetime.date(2025, 3, 11), True),  # the next day
        (datetime.date(2026, 3, 10), True),  # 365 days after: the last day of the window
        (datetime.date(2026, 3, 11), False),  # 366 days after
        (datetime.date(2026, 4, 10), False),  # thirteen months after
        (datetime.date(2024, 12, 1), False),  # before it closed
    ],
)
def test_the_window_runs_from_the_day_after_closure_for_365_days(
    org, people, first, received_on, expected
):
    pair_again(org, people, received_on)
    assert repeat_incident_found(first) is expected


def test_only_one_of_the_pair_is_not_a_repeat(org, people, first):
    # Siân harmed again, by someone else; Connor responsible again, towards someone else.
    later_case(org, people["Siân"], people["Kwame"], received_on=datetime.date(2025, 6, 1))
    later_case(org, people["Kwame"], people["Connor"], received_on=datetime.date(2025, 7, 1))
    assert repeat_incident_found(first) is False


def test_a_supporter_of_the_first_case_does_not_count(org, people, first):
    # Aoife supported Siân; a later case between Aoife and Connor is not between the same people.
    later_case(org, people["Aoife"], people["Connor"], received_on=datetime.date(2025, 6, 1))
    assert repeat_incident_found(first) is False


def test_a_supporter_in_the_later_case_does_not_count(org, people, first):
    # Kwame harmed Siân this time; Connor only came along as Kwame's supporter.
    later = later_case(org, people["Siân"], people["Kwame"], received_on=datetime.date(2025, 6, 1))
    PartyFactory(organisation=org, case=later, person=people["Connor"], role=PartyRole.SUPPORTER)
    assert repeat_incident_found(first) is False


def test_the_pair_with_roles_reversed_is_a_repeat(org, people, first):
    # Neighbours: this time Connor was harmed and Siân responsible.
    later_case(org, people["Connor"], people["Siân"], received_on=datetime.date(2025, 9, 30))
    assert repeat_incident_found(first) is True


def test_another_organisations_case_is_not_a_repeat(org, other_org, people, first):
    """People are one record per organisation: another organisation's case holds other
    records, even for people of the same names, and is never looked at."""
    sian = PersonFactory(organisation=other_org, given_name="Siân")
    connor = PersonFactory(organisation=other_org, given_name="Connor")
    later_case(other_org, sian, connor, received_on=datetime.date(2025, 6, 1))
    assert repeat_incident_found(first) is False


def test_an_open_case_has_no_repeat(org, people):
    still_open = closed_case(
        org,
        (PartyRole.HARMED, people["Siân"]),
        (PartyRole.RESPONSIBLE, people["Connor"]),
        closed_at=None,
    )
    pair_again(org, people, datetime.date(2025, 6, 1))
    assert repeat_incident_found(still_open) is False
    assert repeats()[still_open.reference] is False


def test_a_later_case_without_a_referral_is_placed_by_the_date_it_opened(org, people, first):
    case = closed_case(
        org,
        (PartyRole.HARMED, people["Siân"]),
        (PartyRole.RESPONSIBLE, people["Connor"]),
        closed_at=None,
    )
    Case.objects.filter(pk=case.pk).update(opened_on=datetime.date(2025, 12, 24))
    assert repeat_incident_found(first) is True
    Case.objects.filter(pk=case.pk).update(opened_on=datetime.date(2026, 12, 24))
    assert repeat_incident_found(first) is False


def test_closing_late_at_night_in_summer_counts_the_london_date(org, people):
    """23:30 on 1 July 2025 in London is 22:30 UTC the same day: the window starts on 2 July."""
    late = closed_case(
        org,
        (PartyRole.HARMED, people["Siân"]),
        (PartyRole.RESPONSIBLE, people["Connor"]),
        closed_at=datetime.datetime(2025, 7, 1, 23, 30, tzinfo=LONDON),
    )
    later = pair_again(org, people, datetime.date(2025, 7, 2))
    assert repeat_incident_found(late) is True
    later.referral.received_on = datetime.date(2025, 7, 1)
    later.referral.save()
    assert repeat_incident_found(late) is False


def test_the_annotation_is_one_query_for_any_number_of_cases(
    org, people, first, django_assert_num_queries
):
    for n in range(5):
        closed_case(
            org,
            (PartyRole.HARMED, PersonFactory(organisation=org)),
            (PartyRole.RESPONSIBLE, people["Connor"]),
            received_on=datetime.date(2025, 1, 1 + n),
        )
    with django_assert_num_queries(1):
        assert sum(repeats().values()) == 0


def test_the_closed_case_page_says_a_repeat_was_found(org, people, first, as_alice):
    pair_again(org, people, datetime.date(2025, 11, 5))
    page = html.unescape(as_alice.get(reverse("cases:detail", args=[first.pk])).content.decode())
    assert "Repeat incident" in page
    assert "Found:" in page
    assert "a later case between the same people" in page
