"""A school's restorative work: the one-minute conversation, parents and carers kept
informed, the safeguarding hand-off, and the school's measures.

ruth     coordinator of Kingsmead Academy (a school)
harpreet facilitator at Kingsmead
sian     referrer at Kingsmead: makes referrals, records nothing
lukasz   viewer at Kingsmead: reports only
charlie  coordinator of another organisation: should have no access to anything of Kingsmead's
"""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import Case, CaseStatus, PartyRole, ProcessType
from amends.cases.services import case_move
from amends.core.models import OrganisationKind, Role, Sector
from amends.meetings.services import meeting_problems
from amends.referrals.models import HarmType
from amends.reports.filters import ReportFilter
from amends.schools.figures import school_dfe_reasons, school_terms
from amends.schools.models import (
    ParentInformed,
    SafeguardingHandOff,
    SanctionConsidered,
    SchoolCase,
    SchoolSettings,
)
from amends.schools.services import conversation_record, exclusion_record
from tests.conftest import _member, signed_in
from tests.factories import MeetingFactory, OrganisationFactory, PersonFactory

JUSTICE_WORDS = ("offender", "victim", "prisoner", "offence")
TODAY = datetime.date.today


@pytest.fixture
def school(db):
    return OrganisationFactory(
        name="Kingsmead Academy", kind=OrganisationKind.SCHOOL, sectors=[Sector.SCHOOLS]
    )


@pytest.fixture
def ruth(school):
    return _member(school, Role.COORDINATOR, "ruth@kingsmead.example", "Ruth Adebayo")


@pytest.fixture
def harpreet(school):
    return _member(school, Role.FACILITATOR, "harpreet@kingsmead.example", "Harpreet Kaur")


def _pupil(school, given, family, year=8, form="8K", age=12):
    return PersonFactory(
        organisation=school,
        given_name=given,
        family_name=family,
        year_group=f"Year {year}",
        form_group=form,
        date_of_birth=timezone.localdate() - datetime.timedelta(days=age * 365 + 100),
        is_child=True,
    )


@pytest.fixture
def sian_pupil(school):
    return _pupil(school, "Siân", "O'Connor")


@pytest.fixture
def zoe_pupil(school):
    return _pupil(school, "Zoë", "Ní Bhriain", form="8M")


@pytest.fixture
def year_ten(school):
    return _pupil(school, "Kwame", "Adeyemi", year=10, form="10A", age=14)


def _post(pupils: dict, **overrides):
    data = {
        "what_happened": "Pushing in the lunch queue; a tray was knocked over.",
        "agreed": "Both to apologise and queue at opposite ends for a week.",
        "follow_up": "7",
        "held_on_0": str(timezone.localdate().day),
        "held_on_1": str(timezone.localdate().month),
        "held_on_2": str(timezone.localdate().year),
        "sanction_considered": "none",
    }
    data.update({f"part_{person.pk}": part for person, part in pupils.items()})
    data.update(overrides)
    return data


NEW = "/schools/conversations/new/"


def test_a_coordinator_records_a_conversation_on_the_case_engine(
    school, ruth, sian_pupil, zoe_pupil
):
    client = signed_in(ruth)
    bullying = HarmType.objects.for_organisation(school).get(name="Bullying")
    response = client.post(
        NEW, _post({sian_pupil: "harmed", zoe_pupil: "responsible"}, harm_type=bullying.pk)
    )
    assert response.status_code == 302
    case = Case.objects.get(organisation=school)
    assert case.harm_type == bullying
    assert case.planned_process == ProcessType.CONVERSATION
    assert case.sector == Sector.SCHOOLS
    assert case.lead_facilitator == ruth
    assert case.next_step_due == timezone.localdate() + datetime.timedelta(days=7)
    assert {(p.person, p.role) for p in case.parties.all()} == {
        (sian_pupil, PartyRole.HARMED),
        (zoe_pupil, PartyRole.RESPONSIBLE),
    }
    assert case.school.agreed.startswith("Both to apologise")
    # The list shows it with its follow-up due within the week.
    page = client.get("/schools/conversations/").content.decode()
    assert "Siân O&#x27;Connor" in page and "Follow up by" in page
    assert case.reference in page


def test_the_roll_is_filtered_by_year_group_and_form_and_nothing_is_saved_meanwhile(
    school, ruth, sian_pupil, zoe_pupil, year_ten
):
    client = signed_in(ruth)
    page = client.get(NEW + "?year=Year+8&form=8M").content.decode()
    assert "Zoë Ní Bhriain" in page
    assert "Siân O&#x27;Connor" not in page and "Kwame Adeyemi" not in page
    # Showing another form keeps the pupil already chosen, and what was typed.
    response = client.post(
        NEW,
        _post({zoe_pupil: "harmed"}, show="1", year="Year 10", form="", q="", agreed="Shake hands"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Kwame Adeyemi" in page and "Zoë Ní Bhriain" in page
    assert "Shake hands" in page and "There is a problem" not in page
    assert Case.objects.count() == 0


def test_bad_input_is_shown_at_the_field_and_saves_nothing(school, ruth, sian_pupil):
    client = signed_in(ruth)
    response = client.post(NEW, _post({}, agreed="", follow_up="other"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose the pupils who took part" in page
    assert "Enter what was agreed" in page
    assert "Enter the follow-up date" in page
    assert 'href="#id_pupils"' in page
    assert Case.objects.count() == 0 and SchoolCase.objects.count() == 0


def test_a_pupil_of_another_organisation_is_refused_and_nothing_is_saved(
    school, ruth, sian_pupil, other_org
):
    stranger = _pupil(other_org, "Iwan", "ap Gwilym")
    response = signed_in(ruth).post(NEW, _post({sian_pupil: "harmed", stranger: "responsible"}))
    assert "Choose pupils on the school" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_considered_suspension_needs_to_say_whether_it_was_avoided(school, ruth, sian_pupil):
    response = signed_in(ruth).post(
        NEW, _post({sian_pupil: "responsible"}, sanction_considered="suspension")
    )
    assert "Choose whether the suspension or exclusion was avoided" in response.content.decode()
    assert Case.objects.count() == 0


@pytest.mark.parametrize("role", [Role.REFERRER, Role.VIEWER])
def test_a_referrer_or_viewer_cannot_record_a_conversation(school, sian_pupil, role):
    user = _member(school, role, f"{role}@kingsmead.example", "Łukasz Nowak")
    client = signed_in(user)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _post({sian_pupil: "harmed"})).status_code == 403
    assert client.get("/schools/conversations/").status_code == 403
    assert Case.objects.count() == 0


def _conversation(school, by, harmed, responsible, **extra):
    return conversation_record(
        organisation=school,
        by=by,
        harmed=[harmed],
        responsible=[responsible],
        took_part=[],
        what_happened="Name-calling before PE.",
        agreed="Apology face to face.",
        held_on=extra.pop("held_on", timezone.localdate()),
        follow_up_on=extra.pop("follow_up_on", timezone.localdate() + datetime.timedelta(7)),
        **extra,
    )


def test_another_organisations_conversation_is_a_404(
    school, ruth, sian_pupil, zoe_pupil, as_charlie
):
    case = _conversation(school, ruth, sian_pupil, zoe_pupil)
    for name in ("follow_up", "exclusion", "parent_informed", "safeguarding"):
        url = reverse(f"schools:{name}", args=[case.pk])
        assert as_charlie.get(url).status_code == 404
        assert as_charlie.post(url, {"told_in_person": "on"}).status_code == 404
    assert as_charlie.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert "Siân" not in as_charlie.get("/schools/conversations/").content.decode()
    assert not SafeguardingHandOff.objects.exists()


def test_a_facilitator_sees_the_conversations_they_held(
    school, ruth, harpreet, sian_pupil, zoe_pupil, year_ten
):
    _conversation(school, ruth, sian_pupil, zoe_pupil)
    mine = _conversation(school, harpreet, year_ten, zoe_pupil)
    page = signed_in(harpreet).get("/schools/conversations/").content.decode()
    assert mine.reference in page and "Kwame Adeyemi" in page
    assert "Siân" not in page


def test_a_safeguarding_concern_pauses_the_work_and_tells_the_lead_without_the_detail(
    school, ruth, harpreet, sian_pupil, zoe_pupil, django_capture_on_commit_callbacks
):
    SchoolSettings.objects.create(organisation=school, safeguarding_lead=ruth)
    case = _conversation(school, harpreet, sian_pupil, zoe_pupil)
    meeting = MeetingFactory(organisation=school, case=case, facilitator=harpreet)
    client = signed_in(harpreet)
    url = reverse("schools:safeguarding", args=[case.pk])
    form = client.get(url).content.decode()
    assert "Do not write the concern here" in form and "Ruth Adebayo" in form
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"told_in_person": "on"}).status_code == 302
    handoff = SafeguardingHandOff.objects.get(case=case)
    assert list(handoff.passed_to.all()) == [ruth] and handoff.created_by == harpreet
    # The lead is told by e-mail: the case's reference, never the pupils or what happened.
    assert [m.to for m in mail.outbox] == [[ruth.email]]
    body = mail.outbox[0].subject + mail.outbox[0].body
    assert case.reference in body and "Harpreet Kaur" in body
    for secret in ("Siân", "Zoë", "Name-calling", "Apology"):
        assert secret not in body
    # Restorative work cannot move on, and no meeting can be held.
    with pytest.raises(ValidationError, match="paused"):
        case_move(case=case, to=CaseStatus.PREPARING, by=ruth)
    assert any("paused" in p for p in meeting_problems(meeting))
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Restorative work is paused" in page
    assert "passed on to Ruth Adebayo by e-mail" in page
    # The facilitator cannot lift the pause; the coordinator can.
    resolve = reverse("schools:safeguarding_resolve", args=[case.pk])
    assert client.post(resolve, {"resolution": "cleared"}).status_code == 404
    assert signed_in(ruth).post(resolve, {"resolution": "cleared"}).status_code == 302
    case_move(case=case, to=CaseStatus.PREPARING, by=ruth)
    case.refresh_from_db()
    assert case.status == CaseStatus.PREPARING
    codes = set(case.events.values_list("code", flat=True))
    assert {"safeguarding_raised", "safeguarding_resolved"} <= codes


def test_with_no_lead_named_the_work_still_pauses_and_the_page_says_to_tell_them(
    school, ruth, sian_pupil, zoe_pupil, django_capture_on_commit_callbacks
):
    case = _conversation(school, ruth, sian_pupil, zoe_pupil)
    url = reverse("schools:safeguarding", args=[case.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in(ruth).post(url, {}, follow=True)
    assert "tell your safeguarding lead yourself" in response.content.decode()
    assert mail.outbox == []
    with pytest.raises(ValidationError, match="paused"):
        case_move(case=case, to=CaseStatus.PREPARING, by=ruth)


def test_a_parent_or_carer_informed_is_recorded_and_shown_on_the_case(
    school, ruth, sian_pupil, zoe_pupil
):
    case = _conversation(school, ruth, sian_pupil, zoe_pupil)
    party = case.parties.get(person=zoe_pupil)
    client = signed_in(ruth)
    url = reverse("schools:parent_informed", args=[case.pk])
    data = {
        "pupil": party.pk,
        "informed_name": "Aoife Ní Bhriain, mum",
        "method": "phone",
        "informed_on_0": str(timezone.localdate().day),
        "informed_on_1": str(timezone.localdate().month),
        "informed_on_2": str(timezone.localdate().year),
        "said": "What happened and what Zoë agreed to do.",
    }
    assert client.post(url, {**data, "said": ""}).status_code == 200
    assert not ParentInformed.objects.exists()
    assert client.post(url, data).status_code == 302
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Aoife Ní Bhriain, mum" in page and "Parents and carers informed" in page


def test_a_pupil_of_18_has_no_parent_to_keep_informed(school, ruth, sian_pupil):
    adult = _pupil(school, "Tomás", "Ó Briain", year=13, form="6B", age=18)
    case = _conversation(school, ruth, sian_pupil, adult)
    party = case.parties.get(person=adult)
    response = signed_in(ruth).post(
        reverse("schools:parent_informed", args=[case.pk]),
        {
            "pupil": party.pk,
            "informed_name": "Dad",
            "method": "phone",
            "informed_on_0": "1",
            "informed_on_1": "9",
            "informed_on_2": "2026",
            "said": "All of it.",
        },
    )
    assert "is not under 18" in response.content.decode()
    assert not ParentInformed.objects.exists()


def test_school_pages_speak_the_schools_words(school, ruth, sian_pupil, zoe_pupil):
    case = _conversation(school, ruth, sian_pupil, zoe_pupil)
    client = signed_in(ruth)
    urls = [
        "/schools/conversations/",
        NEW + "?year=Year+8",
        "/schools/settings/",
        reverse("cases:detail", args=[case.pk]),
        *(
            reverse(f"schools:{n}", args=[case.pk])
            for n in ("follow_up", "exclusion", "parent_informed", "safeguarding")
        ),
    ]
    for url in urls:
        page = client.get(url).content.decode().lower()
        for word in JUSTICE_WORDS:
            assert word not in page, (url, word)


def test_the_designated_safeguarding_lead_is_a_member_of_the_school(school, ruth, charlie):
    client = signed_in(ruth)
    response = client.post("/schools/settings/", {"safeguarding_lead": charlie.pk})
    assert "Choose a member of the school" in response.content.decode()
    assert not SchoolSettings.objects.exists()
    assert client.post("/schools/settings/", {"safeguarding_lead": ruth.pk}).status_code == 302
    assert SchoolSettings.objects.get(organisation=school).safeguarding_lead == ruth


# Measures ----------------------------------------------------------------------------


def test_the_term_table_counts_incidents_repeat_harm_and_exclusions_avoided(school, ruth):
    pupils = [_pupil(school, f"Pupil{n}", f"Roll-{n}") for n in range(12)]
    a, b = pupils[0], pupils[1]
    # Autumn: five incidents between different pairs, two with a suspension considered and
    # avoided, one with a permanent exclusion considered and not avoided.
    autumn = datetime.date(2025, 10, 6)
    for n in range(5):
        case = _conversation(
            school,
            ruth,
            pupils[2 + n],
            pupils[7 + n % 5],
            held_on=autumn,
            follow_up_on=autumn + datetime.timedelta(7),
        )
        if n < 2:
            exclusion_record(
                case=case,
                by=ruth,
                dfe_reason="bullying",
                sanction_considered=SanctionConsidered.SUSPENSION,
                sanction_avoided=True,
            )
        elif n == 2:
            exclusion_record(
                case=case,
                by=ruth,
                dfe_reason="bullying",
                sanction_considered=SanctionConsidered.PERMANENT_EXCLUSION,
                sanction_avoided=False,
            )
    # Spring: the same two pupils, three times; the second and third are repeat harm.
    for day in (5, 12, 19):
        held = datetime.date(2026, 2, day)
        _conversation(school, ruth, a, b, held_on=held, follow_up_on=held)
    table = school_terms(
        [school.pk], ReportFilter(start=datetime.date(2025, 9, 1), end=datetime.date(2026, 8, 31))
    )
    rows = {row[0].value: [c.value for c in row[1:]] for row in table.rows}
    assert list(rows) == ["Autumn 2025", "Spring 2026", "Summer 2026"]
    # incidents, conversations, repeats, suspension, avoided, exclusion, avoided
    assert rows["Autumn 2025"] == [5, 5, 0, 2, 2, 1, 0]
    assert rows["Spring 2026"] == [3, 3, 2, 0, 0, 0, 0]
    assert rows["Summer 2026"] == [0, 0, 0, 0, 0, 0, 0]
    assert [c.value for c in table.total[1:]] == [8, 8, 2, 2, 2, 1, 0]
    reasons = school_dfe_reasons(
        [school.pk], ReportFilter(start=datetime.date(2025, 9, 1), end=datetime.date(2026, 8, 31))
    )
    assert [[c.value for c in row] for row in reasons.rows] == [["Bullying", 3, 3, 2]]
    # Nothing names a pupil.
    assert "Pupil" not in str([[c.value for c in r] for r in table.all_rows()])


def test_the_schools_report_page_shows_the_terms_without_a_name(school, ruth, sian_pupil):
    other = _pupil(school, "Zoë", "Ní Bhriain")
    _conversation(school, ruth, sian_pupil, other)
    client = signed_in(ruth)
    page = client.get("/reports/schools/").content.decode()
    assert "Repeat harm between the same pupils" in page
    assert "Siân" not in page and "Zoë" not in page
    # The school's report and its figures are offered to a school, not to other sectors.
    assert "/reports/schools/" in client.get("/reports/").content.decode()
    assert "Suspensions avoided" in client.get(reverse("reports:dictionary")).content.decode()


def test_other_sectors_are_not_offered_the_schools_report(as_alice):
    assert "/reports/schools/" not in as_alice.get("/reports/").content.decode()
    assert "Suspensions avoided" not in as_alice.get(reverse("reports:dictionary")).content.decode()
