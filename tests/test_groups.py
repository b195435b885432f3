"""Group work: circles and group programmes, their sessions and attendance, and a case
opened from someone's place in a group. Alice coordinates a school's restorative work;
Bob runs the 8C circle; Dee runs nothing; Charlie belongs to another organisation."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.utils import timezone

from amends.cases.models import Case, CaseEvent, Party, PartyRole
from amends.core.models import AuditEvent, OrganisationKind, Sector
from amends.groups.figures import group_work
from amends.groups.models import (
    GroupAttendance,
    GroupCase,
    GroupKind,
    GroupSession,
    GroupWork,
    MemberStatus,
)
from amends.reports.filters import ReportFilter
from tests.factories import (
    GroupMemberFactory,
    GroupSessionFactory,
    GroupWorkFactory,
    HarmTypeFactory,
    PersonFactory,
)

TODAY = timezone.localdate


def day(days_ago: int) -> datetime.date:
    return TODAY() - datetime.timedelta(days=days_ago)


def date_fields(name: str, when: datetime.date) -> dict[str, str]:
    return {f"{name}_0": str(when.day), f"{name}_1": str(when.month), f"{name}_2": str(when.year)}


@pytest.fixture
def school(org):
    org.kind = OrganisationKind.SCHOOL
    org.sectors = [Sector.SCHOOLS]
    org.save()
    return org


@pytest.fixture
def pupils(school):
    names = [
        ("Siân", "O'Connor"),
        ("Zoë", "Ní Bhriain"),
        ("Tobi", "Mensah"),
        ("Ewa", "Wójcik"),
        ("Rhys", "Prys"),
        ("Chloë", "Green"),
    ]
    return [
        PersonFactory(
            organisation=school,
            given_name=given,
            family_name=family,
            year_group="Year 8",
            form_group="8C",
        )
        for given, family in names
    ]


@pytest.fixture
def circle(school, bob, pupils):
    group = GroupWorkFactory(organisation=school, name="8C form group", facilitator=bob)
    for pupil in pupils:
        GroupMemberFactory(organisation=school, group=group, person=pupil)
    return group


# Recording a circle ----------------------------------------------------------------------


def test_a_coordinator_starts_a_circle_group_and_adds_a_form_from_the_roll(
    school, pupils, bob, as_alice
):
    PersonFactory(organisation=school, year_group="Year 9", form_group="9A")
    response = as_alice.post(
        "/groups/new/?kind=circle",
        {"name": "8C form group", "about": "Monday check-in", "facilitator": bob.pk},
    )
    group = GroupWork.objects.get()
    assert response.status_code == 302
    assert (group.kind, group.sector, group.facilitator) == (GroupKind.CIRCLE, "schools", bob)

    # Choosing the form lists its pupils, every one ticked, and nobody from another form.
    page = as_alice.get(f"/groups/{group.pk}/people/add/?class=Year 8|8C").content.decode()
    assert "Siân O&#x27;Connor" in page and "Year 9, 9A" in page
    assert page.count('type="checkbox"') == 6 and page.count(" checked") == 6

    response = as_alice.post(f"/groups/{group.pk}/people/add/", {"people": [p.pk for p in pupils]})
    assert response.status_code == 302
    assert set(group.members.values_list("person_id", flat=True)) == {p.pk for p in pupils}
    assert AuditEvent.objects.filter(summary="Added 6 people to the group").exists()


def test_the_facilitator_records_a_circle_and_who_took_part(circle, pupils, as_bob):
    response = as_bob.post(
        f"/groups/{circle.pk}/sessions/add/",
        {**date_fields("held_on", TODAY()), "topic": "What makes a good friend?"},
    )
    session = GroupSession.objects.get()
    assert response.url == f"/groups/sessions/{session.pk}/attendance/"

    members = list(circle.members.order_by("pk"))
    form = as_bob.get(response.url).content.decode()
    assert form.count('value="came" selected') == 6  # everyone starts as came

    marks = {f"mark_{m.pk}": "came" for m in members}
    marks[f"mark_{members[1].pk}"] = "ill"
    response = as_bob.post(f"/groups/sessions/{session.pk}/attendance/", marks)
    assert response.status_code == 302

    came = dict(GroupAttendance.objects.values_list("member_id", "attended"))
    assert sum(came.values()) == 5 and came[members[1].pk] is False
    assert GroupAttendance.objects.get(member=members[1]).absence_reason == "ill"
    page = as_bob.get(f"/groups/{circle.pk}/").content.decode()
    assert "5 of 6 came" in page
    assert AuditEvent.objects.filter(summary="Recorded attendance: 5 of 6 came").exists()


def test_a_whole_class_is_counted_rather_than_named(circle, as_bob):
    response = as_bob.post(
        f"/groups/{circle.pk}/sessions/add/",
        {**date_fields("held_on", TODAY()), "topic": "Test week worries", "headcount": "28"},
    )
    assert response.url == f"/groups/{circle.pk}/"
    assert GroupSession.objects.get().headcount == 28
    assert "28 took part (counted)" in as_bob.get(response.url).content.decode()


def test_a_register_with_a_mark_missing_or_unknown_saves_nothing(circle, as_bob):
    session = GroupSessionFactory(organisation=circle.organisation, group=circle)
    members = list(circle.members.order_by("pk"))
    marks = {f"mark_{m.pk}": "came" for m in members}
    marks[f"mark_{members[0].pk}"] = "on holiday"
    del marks[f"mark_{members[1].pk}"]
    response = as_bob.post(f"/groups/sessions/{session.pk}/attendance/", marks)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose whether Siân O&#x27;Connor came from the list" in page
    assert "Say whether Zoë Ní Bhriain came" in page
    assert not GroupAttendance.objects.exists()


def test_attendance_is_corrected_by_recording_it_again(circle, as_bob):
    session = GroupSessionFactory(organisation=circle.organisation, group=circle)
    members = list(circle.members.order_by("pk"))
    url = f"/groups/sessions/{session.pk}/attendance/"
    as_bob.post(url, {f"mark_{m.pk}": "came" for m in members})
    assert GroupAttendance.objects.filter(attended=True).count() == 6
    again = {f"mark_{m.pk}": "came" for m in members} | {f"mark_{members[2].pk}": "elsewhere"}
    assert 'value="came" selected' in as_bob.get(url).content.decode()
    as_bob.post(url, again)
    assert GroupAttendance.objects.count() == 6
    assert GroupAttendance.objects.get(attended=False).member == members[2]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"topic": ""}, "Enter the topic"),
        ({"held_on_0": "31", "held_on_1": "2"}, "Date must be a real date"),
        ({"headcount": "0"}, "Number taking part must be 1 or more"),
        ({"headcount": "lots"}, "Number taking part must be a number, like 28"),
    ],
)
def test_a_session_with_bad_input_saves_nothing(circle, as_bob, fields, message):
    data = {**date_fields("held_on", TODAY()), "topic": "Check-in", **fields}
    response = as_bob.post(f"/groups/{circle.pk}/sessions/add/", data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not GroupSession.objects.exists()


def test_attendance_waits_until_the_session_is_held(circle, as_bob):
    session = GroupSessionFactory(organisation=circle.organisation, group=circle, held_on=day(-7))
    members = circle.members.all()
    response = as_bob.post(
        f"/groups/sessions/{session.pk}/attendance/", {f"mark_{m.pk}": "came" for m in members}
    )
    assert response.status_code == 200
    assert "Record who came once the session has been held" in response.content.decode()
    assert not GroupAttendance.objects.exists()


def test_completion_is_recorded_with_its_date(circle, as_bob):
    member = circle.members.first()
    response = as_bob.post(
        f"/groups/people/{member.pk}/status/",
        {"status": "completed", **date_fields("finished_on", day(1))},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.status, member.finished_on) == (MemberStatus.COMPLETED, day(1))


# Who may see what --------------------------------------------------------------------------


def test_another_organisations_group_is_a_404_and_nothing_changes(circle, as_charlie):
    session = GroupSessionFactory(organisation=circle.organisation, group=circle)
    member = circle.members.first()
    for url in [
        f"/groups/{circle.pk}/",
        f"/groups/{circle.pk}/sessions/add/",
        f"/groups/{circle.pk}/people/add/",
        f"/groups/sessions/{session.pk}/attendance/",
        f"/groups/people/{member.pk}/",
        f"/groups/people/{member.pk}/open-case/",
    ]:
        assert as_charlie.get(url).status_code == 404, url
        assert as_charlie.post(url, {"topic": "x", "harm_summary": "x"}).status_code == 404, url
    assert GroupSession.objects.count() == 1
    assert not Case.objects.exists()
    assert "8C form group" not in as_charlie.get("/groups/").content.decode()


def test_a_facilitator_sees_the_groups_they_run_and_no_others(circle, school, as_bob, as_dee):
    other = GroupWorkFactory(organisation=school, name="Year 9 friendship group")
    assert "8C form group" in as_bob.get("/groups/").content.decode()
    assert "Year 9 friendship group" not in as_bob.get("/groups/").content.decode()
    assert as_bob.get(f"/groups/{other.pk}/").status_code == 404
    assert as_dee.get(f"/groups/{circle.pk}/").status_code == 404
    # Adding people and opening cases are a coordinator's.
    assert as_bob.get(f"/groups/{circle.pk}/people/add/").status_code == 404
    member = circle.members.first()
    assert as_bob.get(f"/groups/people/{member.pk}/open-case/").status_code == 404


def test_a_facilitator_who_ran_a_session_sees_the_group(circle, school, dee, as_dee):
    GroupSessionFactory(organisation=school, group=circle, facilitator=dee)
    assert as_dee.get(f"/groups/{circle.pk}/").status_code == 200


# A case opened from a group ----------------------------------------------------------------


def test_a_case_opened_from_a_group_carries_its_source_and_the_right_party(
    circle, school, alice, as_alice, as_bob
):
    member = circle.members.get(person__given_name="Zoë")
    harm_type = HarmTypeFactory(organisation=school, name="Falling out between pupils")
    response = as_alice.post(
        f"/groups/people/{member.pk}/open-case/",
        {
            "harm_summary": "Zoë wants to put right what she said to a classmate online.",
            "harm_type": harm_type.pk,
            "planned_process": "conference",
        },
    )
    case = Case.objects.get()
    assert response.url == f"/cases/{case.pk}/"
    assert case.sector == "schools" and case.harm_type == harm_type
    party = Party.objects.get(case=case)
    assert (party.person, party.role) == (member.person, PartyRole.RESPONSIBLE)
    assert GroupCase.objects.get(case=case).member == member
    assert CaseEvent.objects.filter(
        case=case, code="opened_from_group", summary="Opened from the group 8C form group"
    ).exists()
    assert "Opened from the group 8C form group" in as_alice.get(response.url).content.decode()

    # The group's page links to the case for the coordinator, not for the facilitator.
    assert case.reference in as_alice.get(f"/groups/{circle.pk}/").content.decode()
    assert case.reference not in as_bob.get(f"/groups/{circle.pk}/").content.decode()

    # A second case for the same place is refused while the first is open.
    again = as_alice.post(
        f"/groups/people/{member.pk}/open-case/",
        {"harm_summary": "Again", "planned_process": "conference"},
    )
    assert again.status_code == 200
    assert f"already has a case opened from this group: {case.reference}" in (
        again.content.decode()
    )
    assert Case.objects.count() == 1


def test_opening_a_case_with_bad_input_saves_nothing(circle, as_alice):
    member = circle.members.first()
    response = as_alice.post(
        f"/groups/people/{member.pk}/open-case/",
        {"harm_summary": "", "planned_process": "sentencing_circle"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter what they want to put right" in page
    assert "Choose a process from the list" in page  # not one a school offers
    assert not Case.objects.exists() and not GroupCase.objects.exists()


# Figures -----------------------------------------------------------------------------------


def _marks(session, members, came: int) -> None:
    for n, member in enumerate(members):
        GroupAttendance.objects.create(
            organisation=session.organisation,
            session=session,
            member=member,
            attended=n < came,
            absence_reason="" if n < came else "ill",
        )


@pytest.fixture
def group_work_year(circle, school, other_org):
    """Hand-worked: in the last year, 2 circles held (5 came to one, 28 counted at the
    other), 2 programme sessions with 9 of 12 marked as came, 5 completions, 1 case."""
    members = list(circle.members.order_by("pk"))
    _marks(GroupSessionFactory(organisation=school, group=circle, held_on=day(10)), members, 5)
    GroupSessionFactory(organisation=school, group=circle, held_on=day(3), headcount=28)
    GroupSessionFactory(organisation=school, group=circle, held_on=day(-1))  # not held yet
    _marks(GroupSessionFactory(organisation=school, group=circle, held_on=day(400)), members, 6)

    course = GroupWorkFactory(organisation=school, kind=GroupKind.PROGRAMME, name="Friendship")
    places = [GroupMemberFactory(organisation=school, group=course) for _ in range(6)]
    _marks(GroupSessionFactory(organisation=school, group=course, held_on=day(7)), places, 4)
    _marks(GroupSessionFactory(organisation=school, group=course, held_on=day(2)), places, 5)
    for place in places[:5]:
        place.status, place.finished_on = MemberStatus.COMPLETED, day(2)
        place.save()
    places[5].status, places[5].finished_on = MemberStatus.LEFT, day(2)
    places[5].save()

    elsewhere = GroupWorkFactory(organisation=other_org)
    theirs = [GroupMemberFactory(organisation=other_org, group=elsewhere) for _ in range(6)]
    _marks(GroupSessionFactory(organisation=other_org, group=elsewhere, held_on=day(1)), theirs, 6)
    return members


def test_group_work_figures_by_hand(school, group_work_year, alice):
    from amends.groups.services import group_case_open

    group_case_open(
        member=group_work_year[0], by=alice, harm_summary="Wants to apologise",
        planned_process="conversation",
    )  # fmt: skip
    table = group_work([school.pk], ReportFilter(start=day(364), end=TODAY()))
    values = {row[0].value: row[1].value for row in table.rows}
    # Outside a request the words are the default ones; a school's pages say "Pupils".
    assert values == {
        "Proactive circles held": 2,
        "People taking part in proactive circles": 5 + 28,
        "Group programme sessions held": 2,
        "Attendance at group programme sessions": 9 / 12,
        "People completing a group programme": 5,
        "Cases opened from group work": 1,
    }


def test_the_report_page_and_export_show_the_figures_and_never_a_name(
    school, group_work_year, as_alice
):
    page = as_alice.get("/reports/groups/").content.decode()
    assert "Circles and group work" in page
    assert 'numeric">33</td>' in page
    # Two circles held is a small number; so is 75% of 12 marks, as it says 3 were absent.
    assert page.count('numeric">fewer than 5</td>') == 3
    assert "Proactive circles held" in page and "Counted per one circle" in page
    for pupil in group_work_year:
        assert pupil.person.family_name not in page

    export = as_alice.get("/reports/download/?table=group_work&format=csv").content.decode()
    rows = list(csv.reader(io.StringIO(export)))
    assert ["Pupils taking part in proactive circles", "33"] in rows
    assert any("Proactive circles held" in cell for row in rows for cell in row)
    assert "O'Connor" not in export


def test_adding_nobody_is_refused_at_the_list(circle, school, as_alice):
    newcomer = PersonFactory(organisation=school, year_group="Year 8", form_group="8D")
    url = f"/groups/{circle.pk}/people/add/?class=Year 8|8D"
    response = as_alice.post(url, {})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Choose at least one person to add" in page
    assert f'value="{newcomer.pk}"' in page  # the form group's list is shown again
    assert circle.members.count() == 6
