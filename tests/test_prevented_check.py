"""The twelve-month reoffending check of a closed justice case: made at closure, set aside
on reopening, due a year later, answered by a coordinator alone, through the access path."""

from __future__ import annotations

import datetime
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from amends.cases import services as cases
from amends.cases.models import CaseEvent, CaseStatus, ClosureOutcome, PartyRole
from amends.core.concurrency import version_of
from amends.core.models import AuditEvent
from amends.outcomes.models import ReoffendingAnswer, ReoffendingCheck, one_year_after
from amends.outcomes.prevented import reoffending_check_of
from amends.outcomes.services import reoffending_check_record
from tests.conftest import signed_in
from tests.factories import CaseFactory, PartyFactory

TODAY = timezone.localdate
PNC = "Police National Computer check"


def text(response) -> str:
    return html.unescape(response.content.decode())


def close(case, by):
    return cases.case_close(case=case, outcome=ClosureOutcome.WITHDRAWN, note="", by=by)


def age(check, *, days_past_due=0):
    """Make the check's case have closed long enough ago that the check is due."""
    due_on = TODAY() - datetime.timedelta(days=days_past_due)
    ReoffendingCheck.objects.filter(pk=check.pk).update(due_on=due_on)
    check.refresh_from_db()
    return check


@pytest.fixture
def closed(case, alice):
    case.reference = "RJ-2025-0042"
    case.save()
    PartyFactory(organisation=case.organisation, case=case, role=PartyRole.HARMED)
    PartyFactory(organisation=case.organisation, case=case, role=PartyRole.RESPONSIBLE)
    return close(case, alice)


@pytest.fixture
def due_check(closed):
    return age(closed.reoffending_check, days_past_due=3)


def post(client, case, **data):
    check = ReoffendingCheck.objects.get(case=case)
    return client.post(
        reverse("outcomes:reoffending_check", args=[case.pk]),
        {"version": version_of(check), **data},
    )


# Made at closure, set aside on reopening ------------------------------------------------


def test_closing_a_justice_case_makes_a_check_due_twelve_months_later(closed):
    check = ReoffendingCheck.objects.get(case=closed)
    closed_on = timezone.localdate(closed.closed_at)
    assert check.due_on == one_year_after(closed_on)
    assert check.organisation_id == closed.organisation_id
    assert check.answer == ""
    assert not ReoffendingCheck.objects.due().exists()
    assert list(ReoffendingCheck.objects.due(today=check.due_on)) == [check]
    assert not ReoffendingCheck.objects.due(today=check.due_on - datetime.timedelta(days=1))


@pytest.mark.parametrize(
    ("closed_on", "due_on"),
    [
        (datetime.date(2025, 3, 10), datetime.date(2026, 3, 10)),
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 28)),
        (datetime.date(2025, 12, 31), datetime.date(2026, 12, 31)),
    ],
)
def test_due_twelve_months_after_the_day_of_closure(closed_on, due_on):
    assert one_year_after(closed_on) == due_on


@pytest.mark.parametrize("sector", ["schools", "communities", "prisons"])
def test_other_sectors_have_no_reoffending_check(org, alice, sector):
    case = CaseFactory(organisation=org, sector=sector)
    close(case, alice)
    assert not ReoffendingCheck.objects.exists()
    assert reoffending_check_of(case) is None
    page = signed_in(alice).get(reverse("outcomes:reoffending_check", args=[case.pk]))
    assert "is not a justice case" in text(page)


def test_reopening_removes_an_unanswered_check_and_closing_again_makes_it_anew(closed, alice):
    cases.case_reopen(case=closed, reason="The harmed person asked to meet after all", by=alice)
    assert not ReoffendingCheck.objects.exists()
    close(closed, alice)
    assert ReoffendingCheck.objects.get(case=closed).due_on == one_year_after(TODAY())


def test_an_answered_check_is_kept_but_set_aside_while_the_case_is_open(due_check, alice):
    reoffending_check_record(
        check=due_check, answer="no", source=PNC, by=alice, loaded_version=version_of(due_check)
    )
    case = due_check.case
    cases.case_reopen(case=case, reason="A new complaint to look into", by=alice)
    assert ReoffendingCheck.objects.get().answer == "no"
    assert not ReoffendingCheck.objects.answered().exists()
    assert reoffending_check_of(case) is None
    close(case, alice)
    assert ReoffendingCheck.objects.answered().get().source == PNC


# The coordinator's task ----------------------------------------------------------------


def test_the_coordinators_home_counts_the_checks_due_and_lists_them(due_check, as_alice, org):
    not_yet = close(CaseFactory(organisation=org, reference="RJ-2026-0100"), None)
    assert not_yet.reoffending_check.is_due() is False
    home = text(as_alice.get(reverse("core:dashboard")))
    assert "Reoffending checks due" in home
    assert "1 check" in home
    listed = text(as_alice.get(reverse("outcomes:reoffending_checks_due")))
    assert "RJ-2025-0042" in listed
    assert "RJ-2026-0100" not in listed
    assert "3" in listed  # days waiting


def test_the_list_runs_the_same_queries_however_many_are_due(
    due_check, as_alice, org, alice, django_assert_max_num_queries
):
    url = reverse("outcomes:reoffending_checks_due")
    with django_assert_max_num_queries(30) as few:
        as_alice.get(url)
    for n in range(6):
        case = close(CaseFactory(organisation=org, reference=f"RJ-2025-02{n:02d}"), alice)
        age(case.reoffending_check, days_past_due=n)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "RJ-2025-0205" in text(as_alice.get(url))


def test_a_coordinator_records_the_answer_and_it_is_audited(due_check, as_alice, alice):
    case = due_check.case
    page = text(as_alice.get(reverse("outcomes:reoffending_check", args=[case.pk])))
    assert "Have they offended again in the twelve months after closure?" in page
    response = post(as_alice, case, answer="no", source="  Youth offending team  ")
    assert response.status_code == 302
    check = ReoffendingCheck.objects.get()
    assert (check.answer, check.source, check.recorded_by) == ("no", "Youth offending team", alice)
    assert check.recorded_at is not None
    assert CaseEvent.objects.filter(case=case, code="reoffending_check").exists()
    assert AuditEvent.objects.filter(
        record_type="case", record_id=str(case.pk), summary__startswith="Reoffending check"
    ).exists()
    detail = text(as_alice.get(reverse("cases:detail", args=[case.pk])))
    assert "No, they have not offended again" in detail
    assert "Source: Youth offending team" in detail
    assert not ReoffendingCheck.objects.due().exists()
    assert "0 checks" in text(as_alice.get(reverse("core:dashboard")))


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"source": PNC}, "answer", "Choose whether they have offended again"),
        ({"answer": "maybe", "source": PNC}, "answer", "Choose whether they have offended again"),
        ({"answer": "yes", "source": ""}, "source", "Enter where the answer came from"),
        ({"answer": "yes", "source": "   "}, "source", "Enter where the answer came from"),
        (
            {"answer": "yes", "source": "x" * 201},
            "source",
            "Where the answer came from must be 200 characters or fewer",
        ),
    ],
)
def test_bad_input_is_refused_at_the_field_and_changes_nothing(
    due_check, as_alice, data, field, message
):
    response = post(as_alice, due_check.case, **data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert message in text(response)
    assert ReoffendingCheck.objects.get().answer == ""


def test_a_check_not_yet_due_cannot_be_answered(closed, as_alice):
    response = post(as_alice, closed, answer="no", source=PNC)
    assert "it can be answered from then" in text(response)
    assert ReoffendingCheck.objects.get().answer == ""


def test_a_save_from_a_stale_page_is_refused(due_check, as_alice, alice):
    stale = version_of(due_check)
    reoffending_check_record(
        check=due_check, answer="yes", source=PNC, by=alice, loaded_version=stale
    )
    response = as_alice.post(
        reverse("outcomes:reoffending_check", args=[due_check.case_id]),
        {"version": stale, "answer": "no", "source": "Youth offending team"},
    )
    assert "Someone else saved changes" in text(response)
    assert ReoffendingCheck.objects.get().answer == ReoffendingAnswer.YES


# Who may see and record it ------------------------------------------------------------


def test_facilitators_and_referrers_cannot_record_it(due_check, as_bob, as_rita):
    url = reverse("outcomes:reoffending_check", args=[due_check.case_id])
    for client in (as_bob, as_rita):
        assert client.get(url).status_code == 404
        assert client.post(url, {"answer": "no", "source": PNC}).status_code == 404
        assert client.get(reverse("outcomes:reoffending_checks_due")).status_code == 403
    assert ReoffendingCheck.objects.get().answer == ""


def test_the_facilitator_sees_the_checks_state_without_a_way_to_record_it(due_check, as_bob):
    page = text(as_bob.get(reverse("cases:detail", args=[due_check.case_id])))
    assert "Reoffending check" in page
    assert "Due" in page
    assert reverse("outcomes:reoffending_check", args=[due_check.case_id]) not in page


def test_another_organisations_check_is_not_found(due_check, as_charlie):
    url = reverse("outcomes:reoffending_check", args=[due_check.case_id])
    assert as_charlie.get(url).status_code == 404
    assert as_charlie.post(url, {"answer": "no", "source": PNC}).status_code == 404
    listed = text(as_charlie.get(reverse("outcomes:reoffending_checks_due")))
    assert "RJ-2025-0042" not in listed
    assert ReoffendingCheck.objects.get().answer == ""


def test_a_reopened_cases_answered_check_cannot_be_changed(due_check, as_alice, alice):
    reoffending_check_record(
        check=due_check,
        answer="not_known",
        source=PNC,
        by=alice,
        loaded_version=version_of(due_check),
    )
    cases.case_reopen(case=due_check.case, reason="New information", by=alice)
    url = reverse("outcomes:reoffending_check", args=[due_check.case_id])
    assert "its check will be made when it closes" in text(as_alice.get(url))
    refused = as_alice.post(url, {"answer": "no", "source": PNC, "version": "x"})
    assert refused.status_code == 409
    assert ReoffendingCheck.objects.get().answer == "not_known"


def test_the_closed_case_page_shows_no_repeat_found_so_far(closed, as_alice):
    page = text(as_alice.get(reverse("cases:detail", args=[closed.pk])))
    assert "Harm prevented" in page
    assert "None found so far" in page
    assert f"Due on {closed.reoffending_check.due_on:%-d %B %Y}" in page
    assert closed.status == CaseStatus.CLOSED
