"""Harm measures: each person's 0 to 10 ratings per stage, and the *harm repaired* figure."""

from __future__ import annotations

import datetime
import html

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amends.cases.models import CaseEvent, CaseStatus, Party, PartyRole
from amends.outcomes.models import (
    HARM_QUESTION,
    HarmMeasure,
    HarmQuestionSet,
    HarmRating,
    Stage,
    harm_repaired_annotations,
)
from amends.outcomes.services import (
    feedback_link_create,
    feedback_record_by_phone,
    harm_measure_record,
    question_set_change,
    victims_code_save,
)
from tests.factories import MeetingFactory, PartyFactory, PersonFactory

TODAY = datetime.date(2026, 11, 2)
HARMED_KEYS = [HARM_QUESTION, "feels_safe", "angry", "afraid_again"]


def text(response) -> str:
    return html.unescape(response.content.decode())


def person_in(case, role, given, family):
    person = PersonFactory(organisation=case.organisation, given_name=given, family_name=family)
    return PartyFactory(organisation=case.organisation, case=case, person=person, role=role)


def held_meeting(case, facilitator):
    return MeetingFactory(
        organisation=case.organisation,
        case=case,
        facilitator=facilitator,
        status="held",
        held_at=timezone.now(),
        scheduled_at=timezone.now() - datetime.timedelta(days=1),
    )


def rate(party, stage, by, *values, on=TODAY):
    keys = HARMED_KEYS if party.role == PartyRole.HARMED else ["understands_effect"]
    return harm_measure_record(
        party=party,
        stage=stage,
        answered_on=on,
        ratings=dict(zip(keys, values, strict=True)),
        by=by,
    )


PHONE_ANSWERS = {
    "satisfied": "satisfied",
    "well_prepared": "yes",
    "listened_to": "yes",
    "felt_safe": "yes",
    "would_recommend": "not_sure",
    "harm_put_right": 5,
    "comments": "",
}


def record_victims_code(party, by):
    victims_code_save(
        party=party,
        by=by,
        loaded_version=None,
        crime_reported_on=datetime.date(2026, 2, 27),
        informed_on=datetime.date(2026, 3, 2),
        informed_by="PC Amy Holt",
        informed_how="letter",
    )


def form_post(form_page, **ratings):
    """The posted form: its version as loaded, the date, and a number for each question."""
    form = form_page.context["form"]
    data = {
        "version": form["version"].value() or "",
        "questions_version": form["questions_version"].value() or "",
        "answered_on_0": "2",
        "answered_on_1": "11",
        "answered_on_2": "2026",
    }
    data.update({f"q_{key}": str(value) for key, value in ratings.items()})
    return data


@pytest.fixture
def sian(case):
    return person_in(case, PartyRole.HARMED, "Siân", "O'Brien")


@pytest.fixture
def lukasz(case):
    return person_in(case, PartyRole.RESPONSIBLE, "Łukasz", "Nowak")


# The definition of harm repaired, worked out by hand -------------------------------------


def test_harm_repaired_is_the_fall_from_first_contact_to_the_latest_stage(case, bob, lukasz):
    held_meeting(case, bob)
    sian = person_in(case, PartyRole.HARMED, "Siân", "O'Brien")
    aoife = person_in(case, PartyRole.HARMED, "Aoife", "Ní Bhriain")
    dafydd = person_in(case, PartyRole.HARMED, "Dafydd", "ap Rhys")
    # Siân: still affected 8 at first contact, 5 after the meeting, 3 at closure: 8 - 3 = 5.
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    rate(sian, Stage.AFTER_MEETING, bob, 5, 6, 4, 5)
    rate(sian, Stage.CLOSURE, bob, 3, 8, 2, 2)
    # Aoife: 4 at first contact, 6 after the meeting (no closure yet): 4 - 6 = -2, it rose.
    rate(aoife, Stage.FIRST_CONTACT, bob, 4, 5, 5, 5)
    rate(aoife, Stage.AFTER_MEETING, bob, 6, 5, 5, 5)
    # Dafydd answered only at first contact: nothing to compare yet.
    rate(dafydd, Stage.FIRST_CONTACT, bob, 10, 0, 10, 10)
    # Łukasz's understanding rises from 2 to 9; it is not a harm rating.
    rate(lukasz, Stage.FIRST_CONTACT, bob, 2)
    rate(lukasz, Stage.CLOSURE, bob, 9)

    figures = {
        p.person.given_name: (p.harm_first, p.harm_latest, p.harm_repaired)
        for p in Party.objects.filter(case=case).annotate(**harm_repaired_annotations())
    }
    assert figures == {
        "Siân": (8, 3, 5),
        "Aoife": (4, 6, -2),
        "Dafydd": (10, None, None),
        "Łukasz": (None, None, None),
    }


def test_the_case_page_shows_ratings_per_stage_change_and_harm_repaired(
    case, bob, as_bob, sian, lukasz
):
    held_meeting(case, bob)
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    rate(sian, Stage.CLOSURE, bob, 3, 8, 2, 2)
    rate(lukasz, Stage.FIRST_CONTACT, bob, 2)
    rate(lukasz, Stage.AFTER_MEETING, bob, 7)

    page = text(as_bob.get(reverse("cases:detail", args=[case.pk])))

    assert "Outcome measures" in page
    assert "How much does what happened still affect you?" in page
    assert "8 at first contact, 3 at closure" in page
    assert "Down 5" in page  # 8 → 3
    assert "Up 6" in page  # feeling safe, 2 → 8
    assert "Harm repaired: 5 points" in page
    assert "went from 8 at first contact to 3" in page
    assert "How well do you understand the effect of what you did on other people?" in page
    assert "2 at first contact, 7 after the meeting" in page
    assert "Up 5" in page  # Łukasz's understanding, 2 → 7


# Recording answers ----------------------------------------------------------------------


def test_a_facilitator_records_answers_with_the_scale_ends_labelled(case, as_bob, sian):
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk]) + "?stage=first_contact"
    form_page = as_bob.get(url)
    page = text(form_page)
    assert "Harm measures at first contact" in page
    assert "0 – Not at all" in page and "10 – Very much" in page
    assert "0 – Not safe at all" in page and "10 – Completely safe" in page

    response = as_bob.post(
        url, form_post(form_page, still_affects=7, feels_safe=3, angry=6, afraid_again=8)
    )

    assert response.status_code == 302
    measure = HarmMeasure.objects.get(party=sian)
    assert measure.stage == Stage.FIRST_CONTACT
    assert measure.answered_on == TODAY
    assert {r.question_key: r.rating for r in measure.ratings.all()} == {
        "still_affects": 7,
        "feels_safe": 3,
        "angry": 6,
        "afraid_again": 8,
    }
    event = CaseEvent.objects.get(case=case, code="harm_measures")
    assert event.summary == "Harm measures recorded for Siân O'Brien: at first contact"


def test_a_missing_answer_is_refused_at_its_question_and_nothing_is_saved(case, as_bob, sian):
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk]) + "?stage=first_contact"
    form_page = as_bob.get(url)
    data = form_post(form_page, still_affects=7, feels_safe=3, angry=6)
    data["q_afraid_again"] = "11"
    data["answered_on_0"] = ""

    response = as_bob.post(url, data)

    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Choose a number from 0 to 10" in page
    assert "Date answered must include a day" in page
    assert 'href="#id_q_afraid_again_0"' in page
    assert not HarmMeasure.objects.exists() and not HarmRating.objects.exists()


def test_the_responsible_person_is_asked_about_understanding(case, as_bob, lukasz):
    url = reverse("outcomes:harm_measures", args=[case.pk, lukasz.pk])
    page = text(as_bob.get(url))
    assert "How well do you understand the effect of what you did on other people?" in page
    assert "How much does what happened still affect you?" not in page


def test_a_supporter_has_no_harm_measures(case, as_bob, sian):
    supporter = PartyFactory(
        organisation=case.organisation, case=case, role=PartyRole.SUPPORTER, supports=sian
    )
    url = reverse("outcomes:harm_measures", args=[case.pk, supporter.pk])
    assert as_bob.get(url).status_code == 404


def test_after_the_meeting_needs_a_meeting_held(case, bob, sian):
    with pytest.raises(ValidationError) as refused:
        rate(sian, Stage.AFTER_MEETING, bob, 5, 5, 5, 5)
    assert "No meeting or exchange has been held yet" in str(refused.value)
    held_meeting(case, bob)
    rate(sian, Stage.AFTER_MEETING, bob, 5, 5, 5, 5)
    assert HarmMeasure.objects.filter(party=sian, stage=Stage.AFTER_MEETING).exists()


def test_a_closed_case_takes_only_answers_at_closure(case, bob, as_bob, sian):
    case.status = CaseStatus.CLOSED
    case.closed_at = timezone.now()
    case.save()

    with pytest.raises(ValidationError) as refused:
        rate(sian, Stage.FIRST_CONTACT, bob, 5, 5, 5, 5)
    assert "only answers at closure can be recorded" in str(refused.value)
    rate(sian, Stage.CLOSURE, bob, 2, 9, 1, 1)
    assert HarmMeasure.objects.filter(party=sian).count() == 1

    page = text(as_bob.get(reverse("cases:detail", args=[case.pk])))
    assert "Change answers at closure" in page
    assert "Record answers at first contact" not in page


def test_a_stale_change_is_refused_and_the_saved_answers_shown(case, bob, as_bob, as_alice, sian):
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk]) + "?stage=first_contact"
    bobs_page = as_bob.get(url)
    alices_page = as_alice.get(url)
    assert (
        as_alice.post(
            url, form_post(alices_page, still_affects=6, feels_safe=2, angry=7, afraid_again=9)
        ).status_code
        == 302
    )

    response = as_bob.post(
        url, form_post(bobs_page, still_affects=1, feels_safe=1, angry=1, afraid_again=1)
    )

    assert response.status_code == 200
    assert "Someone else saved changes to this record" in text(response)
    ratings = {r.question_key: r.rating for r in HarmRating.objects.filter(party=sian)}
    assert ratings["still_affects"] == 6 and ratings["angry"] == 7
    assert response.context["form"]["q_still_affects"].value() == 6


def test_a_change_without_its_version_is_refused(case, bob, as_bob, sian):
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk]) + "?stage=first_contact"
    data = form_post(as_bob.get(url), still_affects=1, feels_safe=1, angry=1, afraid_again=1)
    data["version"] = ""
    response = as_bob.post(url, data)
    assert response.status_code == 200
    assert HarmRating.objects.get(party=sian, question_key="still_affects").rating == 8


# Versioned questions ------------------------------------------------------------------


def test_rewording_makes_a_new_version_and_old_answers_keep_their_wording(
    case, org, alice, as_alice, bob, sian
):
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    page = as_alice.get(reverse("outcomes:questions"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["still_affects_text"] = "How much is what happened still on your mind?"
    data["still_affects_high"] = "All the time"

    response = as_alice.post(reverse("outcomes:questions"), data)

    assert response.status_code == 302
    current = HarmQuestionSet.objects.get(organisation=org)
    assert current.version == 2
    assert current.questions[0]["text"] == "How much is what happened still on your mind?"
    # Siân's first answers keep the wording she was asked; her next ones use the new wording.
    assert HarmRating.objects.get(party=sian, question_key=HARM_QUESTION).question == (
        "How much does what happened still affect you?"
    )
    case.status = CaseStatus.CLOSED
    case.save()
    closing = rate(sian, Stage.CLOSURE, bob, 3, 8, 2, 2)
    assert closing.question_set_version == 2
    assert closing.ratings.get(question_key=HARM_QUESTION).question == (
        "How much is what happened still on your mind?"
    )
    assert closing.ratings.get(question_key=HARM_QUESTION).high_label == "All the time"
    # Harm repaired still compares the same question across the versions: 8 - 3.
    party = Party.objects.annotate(**harm_repaired_annotations()).get(pk=sian.pk)
    assert party.harm_repaired == 5


def test_answers_to_questions_reworded_meanwhile_are_refused(case, org, alice, as_bob, sian):
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk]) + "?stage=first_contact"
    form_page = as_bob.get(url)
    question_set_change(
        organisation=org,
        by=alice,
        based_on_version=1,
        wording={
            HARM_QUESTION: {
                "text": "How much is what happened still on your mind?",
                "low": "Not at all",
                "high": "All the time",
            }
        },
    )

    response = as_bob.post(
        url, form_post(form_page, still_affects=7, feels_safe=3, angry=6, afraid_again=8)
    )

    page = text(response)
    assert response.status_code == 200
    assert "The questions were reworded while you were entering the answers" in page
    assert "How much is what happened still on your mind?" in page
    assert not HarmMeasure.objects.exists()
    # Asked again in the new wording, the answers are saved with it.
    again = as_bob.post(
        url, form_post(response, still_affects=7, feels_safe=3, angry=6, afraid_again=8)
    )
    assert again.status_code == 302
    assert HarmRating.objects.get(question_key=HARM_QUESTION).question == (
        "How much is what happened still on your mind?"
    )


def test_rewording_from_a_stale_page_is_refused(org, alice, as_alice):
    question_set_change(
        organisation=org,
        by=alice,
        based_on_version=1,
        wording={"angry": {"text": "How cross do you feel?", "low": "Not at all", "high": "Very"}},
    )
    with pytest.raises(ValidationError) as refused:
        question_set_change(
            organisation=org,
            by=alice,
            based_on_version=1,
            wording={"angry": {"text": "How upset are you?", "low": "Not", "high": "Very"}},
        )
    assert "Someone else changed the questions" in str(refused.value)
    assert HarmQuestionSet.objects.get(organisation=org).questions[2]["text"] == (
        "How cross do you feel?"
    )


def test_an_empty_question_is_refused_at_the_field(org, as_alice):
    page = as_alice.get(reverse("outcomes:questions"))
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    data["feels_safe_text"] = "  "
    response = as_alice.post(reverse("outcomes:questions"), data)
    assert response.status_code == 200
    assert "Enter the question" in text(response)
    assert not HarmQuestionSet.objects.exists()


def test_only_coordinators_change_the_questions(as_bob):
    assert as_bob.get(reverse("outcomes:questions")).status_code == 403


def test_each_organisation_has_its_own_questions(org, other_org, alice, charlie, as_charlie):
    question_set_change(
        organisation=org,
        by=alice,
        based_on_version=1,
        wording={"angry": {"text": "How cross do you feel?", "low": "Not at all", "high": "Very"}},
    )
    page = text(as_charlie.get(reverse("outcomes:questions")))
    assert "How angry do you feel about what happened?" in page
    assert "How cross" not in page


# Who may see and record them -------------------------------------------------------------


def test_another_organisation_and_a_facilitator_off_the_case_get_404(
    case, bob, as_charlie, as_dee, sian
):
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk])
    for client in (as_charlie, as_dee):
        assert client.get(url).status_code == 404
        assert client.post(url, {"q_still_affects": "0"}).status_code == 404
    assert HarmRating.objects.get(party=sian, question_key=HARM_QUESTION).rating == 8


def test_the_responsible_side_never_sees_the_harmed_persons_answers(
    case, bob, as_bob, sian, lukasz
):
    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    held_meeting(case, bob)
    rate(sian, Stage.AFTER_MEETING, bob, 5, 6, 4, 5)
    for name in ("cases:party", "cases:party_letter"):
        page = text(as_bob.get(reverse(name, args=[case.pk, lukasz.pk])))
        assert "still affect" not in page
        assert "How safe do you feel" not in page
        assert "Harm repaired" not in page


def test_the_case_page_asks_a_fixed_number_of_queries(case, bob, as_bob):
    """Measures, Victims' Code records, links and feedback for 2 people, then for 12."""
    held_meeting(case, bob)

    def add_people(count):
        for n in range(count):
            harmed = person_in(case, PartyRole.HARMED, "Siân", f"O'Brien-{n}")
            rate(harmed, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
            rate(harmed, Stage.AFTER_MEETING, bob, 5, 6, 4, 5)
            record_victims_code(harmed, bob)
            feedback_link_create(party=harmed, delivery="on_screen", by=bob)
            responsible = person_in(case, PartyRole.RESPONSIBLE, "Łukasz", f"Nowak-{n}")
            rate(responsible, Stage.FIRST_CONTACT, bob, 3)
            feedback_record_by_phone(party=responsible, answers=PHONE_ANSWERS, by=bob)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert as_bob.get(reverse("cases:detail", args=[case.pk])).status_code == 200
        return len(captured)

    add_people(1)
    few = queries()
    add_people(5)
    assert queries() == few


def test_a_facilitator_of_two_organisations_sees_them_only_in_this_one(case, bob, other_org, sian):
    """Bob also facilitates for another organisation; working there, this case is a 404."""
    from amends.core.middleware import SESSION_MEMBERSHIP_KEY
    from tests.conftest import signed_in
    from tests.factories import MembershipFactory

    rate(sian, Stage.FIRST_CONTACT, bob, 8, 2, 7, 9)
    elsewhere = MembershipFactory(user=bob, organisation=other_org, role="facilitator")
    client = signed_in(bob)

    def work_in(membership):
        session = client.session
        session[SESSION_MEMBERSHIP_KEY] = membership.pk
        session.save()

    url = reverse("outcomes:harm_measures", args=[case.pk, sian.pk])
    work_in(bob.memberships.get(organisation=case.organisation))
    assert client.get(url).status_code == 200

    work_in(elsewhere)

    assert client.get(url).status_code == 404
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    assert client.get(reverse("outcomes:victims_code", args=[case.pk, sian.pk])).status_code == 404
