"""The Victims' Code: when a harmed person was first told about restorative justice."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseEvent, CaseStatus, PartyRole
from amends.outcomes.models import InformedHow, VictimsCodeRecord
from amends.outcomes.services import victims_code_save
from tests.factories import PartyFactory, PersonFactory


def text(response) -> str:
    return html.unescape(response.content.decode())


def harmed_person(case, given, family):
    person = PersonFactory(organisation=case.organisation, given_name=given, family_name=family)
    return PartyFactory(
        organisation=case.organisation, case=case, person=person, role=PartyRole.HARMED
    )


@pytest.fixture
def sian(case):
    return harmed_person(case, "Siân", "O'Brien")


def record(party, by, *, reported, informed, who="PC Amy Holt, Northbridge Police"):
    return victims_code_save(
        party=party,
        by=by,
        loaded_version=None,
        crime_reported_on=reported,
        informed_on=informed,
        informed_by=who,
        informed_how=InformedHow.LETTER,
    )


def date_fields(prefix, day):
    if day is None:
        return {f"{prefix}_0": "", f"{prefix}_1": "", f"{prefix}_2": ""}
    return {
        f"{prefix}_0": str(day.day),
        f"{prefix}_1": str(day.month),
        f"{prefix}_2": str(day.year),
    }


def test_days_from_report_to_information_worked_out_by_hand(case, bob, sian):
    aoife = harmed_person(case, "Aoife", "Ní Bhriain")
    dafydd = harmed_person(case, "Dafydd", "ap Rhys")
    # Reported 27 February 2026, told 2 March 2026: 28 February, 1 and 2 March = 3 days
    # (2026 is not a leap year).
    record(sian, bob, reported=datetime.date(2026, 2, 27), informed=datetime.date(2026, 3, 2))
    # Told the same day as the report: 0 days.
    record(aoife, bob, reported=datetime.date(2026, 6, 1), informed=datetime.date(2026, 6, 1))
    # Never reported to the police: no figure.
    record(dafydd, bob, reported=None, informed=datetime.date(2026, 5, 5))

    days = {
        r.party.person.given_name: r.days_to_information
        for r in VictimsCodeRecord.objects.with_days_to_information().select_related(
            "party__person"
        )
    }
    assert days == {"Siân": 3, "Aoife": 0, "Dafydd": None}


def test_across_a_year_end(case, bob, sian):
    record(sian, bob, reported=datetime.date(2025, 12, 20), informed=datetime.date(2026, 1, 9))
    assert VictimsCodeRecord.objects.with_days_to_information().get().days_to_information == 20


def test_a_facilitator_records_it_and_the_case_page_shows_it(case, as_bob, sian):
    url = reverse("outcomes:victims_code", args=[case.pk, sian.pk])
    form = as_bob.get(url).context["form"]
    response = as_bob.post(
        url,
        {
            "version": form["version"].value() or "",
            **date_fields("crime_reported_on", datetime.date(2026, 2, 27)),
            **date_fields("informed_on", datetime.date(2026, 3, 2)),
            "informed_by": "PC Amy Holt, Northbridge Police",
            "informed_how": "phone",
        },
    )

    assert response.status_code == 302
    saved = VictimsCodeRecord.objects.get(party=sian)
    assert saved.informed_how == InformedHow.PHONE
    page = text(as_bob.get(reverse("cases:detail", args=[case.pk])))
    assert "First given information about restorative justice on 2 March 2026" in page
    assert "PC Amy Holt, Northbridge Police, by phone" in page
    assert "3 days from report to information" in page
    event = CaseEvent.objects.get(case=case, code="victims_code")
    assert event.summary == "Victims' Code information recorded for Siân O'Brien"


def test_information_before_the_report_is_refused_at_the_field(case, as_bob, sian):
    url = reverse("outcomes:victims_code", args=[case.pk, sian.pk])
    response = as_bob.post(
        url,
        {
            **date_fields("crime_reported_on", datetime.date(2026, 3, 2)),
            **date_fields("informed_on", datetime.date(2026, 2, 27)),
            "informed_by": "PC Amy Holt",
            "informed_how": "letter",
        },
    )
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "must be the same as or after the date the crime was reported" in page
    assert not VictimsCodeRecord.objects.exists()


def test_missing_and_future_dates_are_refused(case, as_bob, sian):
    url = reverse("outcomes:victims_code", args=[case.pk, sian.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = as_bob.post(
        url,
        {
            **date_fields("crime_reported_on", tomorrow),
            **date_fields("informed_on", None),
            "informed_by": "",
            "informed_how": "",
        },
    )
    page = text(response)
    assert "Date the crime was reported must be today or in the past" in page
    assert "Enter the date they were first given information about restorative justice" in page
    assert "Enter who gave the information" in page
    assert "Choose how the information was given" in page
    assert not VictimsCodeRecord.objects.exists()


def test_a_stale_correction_is_refused(case, bob, as_bob, as_alice, sian):
    record(sian, bob, reported=datetime.date(2026, 2, 27), informed=datetime.date(2026, 3, 2))
    url = reverse("outcomes:victims_code", args=[case.pk, sian.pk])

    def posted(page, who):
        return {
            "version": page.context["form"]["version"].value(),
            **date_fields("crime_reported_on", datetime.date(2026, 2, 27)),
            **date_fields("informed_on", datetime.date(2026, 3, 3)),
            "informed_by": who,
            "informed_how": "letter",
        }

    bobs_page, alices_page = as_bob.get(url), as_alice.get(url)
    assert as_alice.post(url, posted(alices_page, "Alice Ashworth")).status_code == 302
    response = as_bob.post(url, posted(bobs_page, "Bob Barraclough"))

    assert response.status_code == 200
    assert "Someone else saved changes to this record" in text(response)
    assert VictimsCodeRecord.objects.get().informed_by == "Alice Ashworth"


def test_only_for_harmed_people_and_not_on_a_closed_case(case, bob, as_bob, sian):
    responsible = PartyFactory(
        organisation=case.organisation, case=case, role=PartyRole.RESPONSIBLE
    )
    assert (
        as_bob.get(reverse("outcomes:victims_code", args=[case.pk, responsible.pk])).status_code
        == 404
    )
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(ValidationError) as refused:
        record(sian, bob, reported=None, informed=datetime.date(2026, 3, 2))
    assert "is closed" in str(refused.value)


def test_another_organisation_and_a_facilitator_off_the_case_get_404(
    case, as_charlie, as_dee, sian
):
    url = reverse("outcomes:victims_code", args=[case.pk, sian.pk])
    for client in (as_charlie, as_dee):
        assert client.get(url).status_code == 404
        assert client.post(url, {"informed_by": "Someone"}).status_code == 404
    assert not VictimsCodeRecord.objects.exists()
