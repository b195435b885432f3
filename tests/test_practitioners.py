"""Practitioners' records, and allocation that follows them.

Bob and Alice (conftest) hold practitioner-level training for Northbridge's sector,
criminal and civil justice, as every facilitator the factories make does; the
people without it here are made so on purpose.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from amends.cases import services as case_services
from amends.core.concurrency import version_of
from amends.core.models import AuditEvent, Membership, Role
from amends.practitioners.models import (
    DevelopmentActivity,
    PracticeSettings,
    Registration,
    SupervisionSession,
    TrainingLevel,
    TrainingRecord,
)
from amends.practitioners.standing import development_progress, standing_of
from amends.referrals.models import HarmType
from tests.conftest import _member, signed_in
from tests.factories import (
    SMALL_PDF,
    CaseFactory,
    DevelopmentActivityFactory,
    HarmTypeFactory,
    MembershipFactory,
    RegistrationFactory,
    SupervisionSessionFactory,
    TrainingRecordFactory,
    UserFactory,
)

TODAY = timezone.localdate


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())).replace(
        "&#x27;", "'"
    )


def date_fields(name, day):
    return {f"{name}_0": day.day, f"{name}_1": day.month, f"{name}_2": day.year}


def membership(user, org) -> Membership:
    return Membership.objects.get(user=user, organisation=org)


@pytest.fixture
def ursula(org):
    """A facilitator of Northbridge with no training recorded."""
    user = UserFactory(email="ursula@northbridge.example", full_name="Ursula Underwood")
    MembershipFactory(user=user, organisation=org, role=Role.FACILITATOR, trained=False)
    return user


@pytest.fixture
def school_case(org):
    return CaseFactory(organisation=org, sector="schools")


@pytest.fixture
def domestic_abuse(org):
    return HarmTypeFactory(organisation=org, name="Domestic abuse", needs_advanced_training=True)


# Allocation ----------------------------------------------------------------------------


def test_allocation_is_refused_naming_the_sector_training_that_is_missing(
    as_alice, org, bob, school_case
):
    response = as_alice.post(
        reverse("cases:allocate", args=[school_case.pk]), {"lead_facilitator": bob.pk}
    )
    page = text(response)
    message = (
        "Bob Barraclough has no practitioner-level training for schools. "
        "Record their training, or give a reason to allocate anyway."
    )
    assert response.status_code == 200
    assert page.count(message) == 2  # in the summary and at the field
    assert "Reason to allocate anyway" in page
    assert "Reason to allocate anyway (optional)" not in page
    school_case.refresh_from_db()
    assert school_case.lead_facilitator is None
    assert not school_case.events.filter(code="allocated").exists()


def test_a_sensitive_kind_of_harm_needs_advanced_training(org, alice, bob, domestic_abuse):
    case = CaseFactory(organisation=org, harm_type=domestic_abuse)
    with pytest.raises(ValidationError) as refused:
        case_services.case_allocate(case=case, lead=bob, co=None, by=alice)
    assert refused.value.message_dict["lead_facilitator"] == [
        "Bob Barraclough has no advanced training for criminal and civil justice, which a case "
        "of domestic abuse needs. Record their training, or give a reason to allocate anyway."
    ]
    # Advanced training for another sector does not count; for this one it does.
    TrainingRecordFactory(organisation=org, practitioner=bob, sector="schools")
    with pytest.raises(ValidationError):
        case_services.case_allocate(case=case, lead=bob, co=None, by=alice)
    TrainingRecordFactory(organisation=org, practitioner=bob, sector="justice")
    case_services.case_allocate(case=case, lead=bob, co=None, by=alice)
    case.refresh_from_db()
    assert case.lead_facilitator == bob


def test_a_trainer_level_course_covers_advanced_cases(org, alice, ursula, domestic_abuse):
    TrainingRecordFactory(
        organisation=org, practitioner=ursula, sector="justice", level=TrainingLevel.TRAINER
    )
    case = CaseFactory(organisation=org, harm_type=domestic_abuse)
    case_services.case_allocate(case=case, lead=ursula, co=None, by=alice)
    assert not case.events.filter(code="allocation_override").exists()


def test_a_course_completed_in_amends_training_counts_and_a_revoked_one_does_not(
    org, alice, ursula
):
    from tests.factories import CertificateFactory, EnrolmentFactory

    case = CaseFactory(organisation=org, sector="schools")
    enrolment = EnrolmentFactory(email="  Ursula@Northbridge.example ", status="completed")
    certificate = CertificateFactory(
        organisation=enrolment.organisation,
        enrolment=enrolment,
        sector="schools",
        level=TrainingLevel.PRACTITIONER,
    )
    certificate.revoked_at = timezone.now()
    certificate.save()
    with pytest.raises(ValidationError):
        case_services.case_allocate(case=case, lead=ursula, co=None, by=alice)
    certificate.revoked_at = None
    certificate.save()
    case_services.case_allocate(case=case, lead=ursula, co=None, by=alice)
    case.refresh_from_db()
    assert case.lead_facilitator == ursula
    assert not case.events.filter(code="allocation_override").exists()


def test_awareness_is_not_enough_and_the_co_facilitator_needs_no_training(org, alice, bob, ursula):
    TrainingRecordFactory(
        organisation=org, practitioner=ursula, sector="justice", level=TrainingLevel.AWARENESS
    )
    case = CaseFactory(organisation=org)
    with pytest.raises(ValidationError, match="Ursula Underwood has no practitioner-level"):
        case_services.case_allocate(case=case, lead=ursula, co=None, by=alice)
    # Co-facilitating is how a practitioner in training gains experience.
    case_services.case_allocate(case=case, lead=bob, co=ursula, by=alice)
    case.refresh_from_db()
    assert case.co_facilitator == ursula


def test_a_coordinator_overrides_with_a_reason_shown_on_the_case_and_in_the_audit_log(
    as_alice, org, alice, bob, school_case
):
    reason = "Only facilitator free this month; Alice co-works the first meeting."
    url = reverse("cases:allocate", args=[school_case.pk])
    response = as_alice.post(url, {"lead_facilitator": bob.pk, "override_reason": reason})
    assert response.status_code == 302
    school_case.refresh_from_db()
    assert school_case.lead_facilitator == bob

    summary = text(as_alice.get(reverse("cases:detail", args=[school_case.pk])))
    assert "Allocated without the training the case needs" in summary
    assert "Bob Barraclough has no practitioner-level training for schools." in summary
    assert f"Reason given by Alice Ashworth on {TODAY():%-d %B %Y}: “{reason}”" in summary
    timeline = text(as_alice.get(reverse("cases:timeline", args=[school_case.pk])))
    assert f"Reason: {reason}" in timeline
    # Bob sees why too, on his case.
    assert reason in text(signed_in(bob).get(reverse("cases:detail", args=[school_case.pk])))
    event = AuditEvent.objects.get(record_type="case", summary__contains="Reason:")
    assert event.actor == alice and reason in event.summary
    assert reason in text(as_alice.get(reverse("core:audit_log")))


def test_a_blank_reason_is_no_reason(org, alice, bob, school_case):
    with pytest.raises(ValidationError, match="give a reason to allocate anyway"):
        case_services.case_allocate(
            case=school_case, lead=bob, co=None, by=alice, override_reason="   \n "
        )


def test_the_override_shows_only_while_that_facilitator_leads(
    as_alice, org, alice, bob, school_case
):
    case_services.case_allocate(
        case=school_case, lead=bob, co=None, by=alice, override_reason="No one else is free."
    )
    TrainingRecordFactory(
        organisation=org, practitioner=alice, sector="schools", level=TrainingLevel.PRACTITIONER
    )
    case_services.case_allocate(case=school_case, lead=alice, co=None, by=alice)
    page = text(as_alice.get(reverse("cases:detail", args=[school_case.pk])))
    assert "Allocated without the training" not in page.split("Recent changes")[0]


def test_the_choice_list_shows_each_facilitators_standing(
    as_alice, org, bob, ursula, domestic_abuse
):
    TrainingRecordFactory(
        organisation=org, practitioner=ursula, sector="schools", level=TrainingLevel.AWARENESS
    )
    school_case = CaseFactory(organisation=org, sector="schools")
    page = text(as_alice.get(reverse("cases:allocate", args=[school_case.pk])))
    assert "The lead facilitator needs practitioner-level training for schools." in page
    assert "Bob Barraclough (no schools training) (no open cases)" in page
    assert "Ursula Underwood (no practitioner-level training for schools) (no open cases)" in page
    assert "Reason to allocate anyway" not in page

    sensitive = CaseFactory(organisation=org, harm_type=domestic_abuse)
    page = text(as_alice.get(reverse("cases:allocate", args=[sensitive.pk])))
    assert "needs advanced training for criminal and civil justice" in page
    assert "Bob Barraclough (no advanced training for criminal" in page
    justice = CaseFactory(organisation=org)
    page = text(as_alice.get(reverse("cases:allocate", args=[justice.pk])))
    # Trained for justice: Bob's choice carries no note; untrained Ursula's still does.
    assert "Bob Barraclough (no open cases)" in page
    assert not re.search(r"Bob Barraclough \(no [^)]*training", page)
    assert re.search(r"Ursula Underwood \(no [^)]*training\) \(no open cases\)", page)


def test_the_choice_list_reads_training_in_one_query_whatever_the_team(as_alice, org):
    case = CaseFactory(organisation=org, sector="schools")
    url = reverse("cases:allocate", args=[case.pk])

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_alice.get(url).status_code == 200
        return len(ctx.captured_queries)

    MembershipFactory(organisation=org)
    small = count()
    for _ in range(5):
        TrainingRecordFactory(
            organisation=org, practitioner=MembershipFactory(organisation=org).user
        )
    assert count() == small


# Harm types ------------------------------------------------------------------------------


def test_the_kinds_that_need_extra_care_are_flagged_from_the_start(org):
    flagged = set(
        HarmType.objects.for_organisation(org)
        .filter(needs_advanced_training=True)
        .values_list("name", flat=True)
    )
    assert flagged == {
        "Domestic abuse",
        "Sexual harm",
        "Stalking",
        "Serious violence",
        "Hate incident",
    }
    assert not HarmType.objects.get(organisation=org, name="Theft").needs_advanced_training


def test_a_coordinator_sets_which_kinds_need_advanced_training(as_alice, as_bob, org):
    HarmType.objects.for_organisation(org)
    theft = HarmType.objects.get(organisation=org, name="Theft")
    url = reverse("referrals:harm_type_advanced", args=[theft.pk])
    assert as_bob.post(url).status_code == 404
    as_alice.post(url)
    theft.refresh_from_db()
    assert theft.needs_advanced_training
    assert AuditEvent.objects.filter(
        record_type="harmtype", summary="“Theft” needs advanced training"
    ).exists()
    page = text(as_alice.get(reverse("referrals:harm_types")))
    assert "Do not require it for Theft" in page
    as_alice.post(reverse("referrals:harm_types"), {"name": "Hate crime"})
    assert HarmType.objects.get(organisation=org, name="Hate crime").needs_advanced_training


# Warnings ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("days_ago", "overdue"), [(84, False), (85, True)])
def test_supervision_is_overdue_after_twelve_weeks(org, bob, days_ago, overdue):
    SupervisionSessionFactory(
        organisation=org,
        practitioner=bob,
        held_on=TODAY() - datetime.timedelta(days=days_ago),
    )
    warnings = standing_of(bob, org).warnings
    assert any(w.startswith("Supervision overdue") for w in warnings) is overdue


def test_supervision_never_recorded_is_a_warning(org, bob):
    assert "No supervision recorded" in standing_of(bob, org).warnings


@pytest.mark.parametrize(
    ("days", "warning"),
    [
        (-1, "Restorative Justice Council registration expired on"),
        (0, "Restorative Justice Council registration expires on"),
        (60, "Restorative Justice Council registration expires on"),
        (61, None),
    ],
)
def test_registration_warns_when_expired_or_expiring_within_60_days(org, bob, days, warning):
    expires = TODAY() + datetime.timedelta(days=days)
    RegistrationFactory(organisation=org, practitioner=bob, expires_on=expires)
    found = [w for w in standing_of(bob, org).warnings if "registration" in w]
    if warning is None:
        assert found == []
    else:
        assert found == [f"{warning} {expires:%-d %B %Y}"]


def test_development_progress_against_the_yearly_target(org):
    settings = PracticeSettings(organisation=org, development_hours_target=30, year_starts_month=4)
    # Half-way through the year (1 April to 31 March), 12 hours is behind, 16 is on track.
    middle = datetime.date(2026, 9, 30)
    behind = development_progress(settings, Decimal(12), middle)
    assert behind.year_start == datetime.date(2026, 4, 1)
    assert behind.year_end == datetime.date(2027, 3, 31)
    assert behind.expected_by_now == Decimal("15.0")
    assert behind.behind and behind.percent == 40
    assert not development_progress(settings, Decimal(16), middle).behind
    # In February the year began the April before.
    assert development_progress(settings, None, datetime.date(2027, 2, 1)).year_start == (
        datetime.date(2026, 4, 1)
    )
    assert development_progress(settings, Decimal(45), middle).percent == 100


def test_development_counts_only_this_years_hours(org, bob):
    PracticeSettings.objects.create(organisation=org, development_hours_target=10)
    today = TODAY()
    year_start = standing_of(bob, org).development.year_start
    DevelopmentActivityFactory(organisation=org, practitioner=bob, hours=4, done_on=today)
    DevelopmentActivityFactory(
        organisation=org,
        practitioner=bob,
        hours=50,
        done_on=year_start - datetime.timedelta(days=1),
    )
    progress = standing_of(bob, org).development
    assert progress.hours == Decimal(4) and progress.target == 10


# Pages --------------------------------------------------------------------------------------


def test_the_list_shows_each_practitioners_warnings(as_alice, org, bob, ursula, rita):
    SupervisionSessionFactory(
        organisation=org, practitioner=bob, held_on=TODAY() - datetime.timedelta(days=100)
    )
    RegistrationFactory(
        organisation=org, practitioner=bob, expires_on=TODAY() - datetime.timedelta(days=3)
    )
    page = text(as_alice.get(reverse("practitioners:list")))
    assert "Bob Barraclough" in page and "Ursula Underwood" in page and "Alice Ashworth" in page
    assert "Rita Rhodes" not in page  # a referrer takes no cases
    assert "Restorative Justice Council registration expired on" in page
    assert "Supervision overdue" in page
    assert "Continuing development behind target" in page
    assert "Practitioner or facilitator: criminal and civil justice" in page


def test_the_list_runs_the_same_queries_for_two_practitioners_or_ten(as_alice, org, bob):
    url = reverse("practitioners:list")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_alice.get(url).status_code == 200
        return len(ctx.captured_queries)

    def practitioner():
        user = MembershipFactory(organisation=org).user
        TrainingRecordFactory(organisation=org, practitioner=user)
        RegistrationFactory(organisation=org, practitioner=user)
        SupervisionSessionFactory(organisation=org, practitioner=user)
        DevelopmentActivityFactory(organisation=org, practitioner=user)

    practitioner()
    small = count()
    for _ in range(8):
        practitioner()
    assert count() == small


def test_a_coordinator_records_training_with_its_certificate(as_alice, org, alice, ursula):
    page = membership(ursula, org)
    url = reverse("practitioners:training_add", args=[page.pk])
    response = as_alice.post(
        url,
        {
            "title": "Restorative practice in schools",
            "provider": "Kingsmead Teaching School Hub",
            "sector": "schools",
            "level": "practitioner",
            **date_fields("completed_on", TODAY() - datetime.timedelta(days=30)),
            "evidence": SimpleUploadedFile("cert.pdf", SMALL_PDF),
        },
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get(practitioner=ursula)
    assert record.evidence_path.read_bytes() == SMALL_PDF
    assert record.organisation == org and record.created_by == alice
    assert AuditEvent.objects.filter(
        record_type="trainingrecord",
        record_id=str(record.pk),
        action="create",
        summary="Recorded training for Ursula Underwood",
    ).exists()
    detail = text(as_alice.get(reverse("practitioners:detail", args=[page.pk])))
    assert "Restorative practice in schools" in detail and "Kingsmead Teaching School Hub" in detail
    log = text(as_alice.get(reverse("core:audit_log"), {"record_type": "trainingrecord"}))
    assert "Ursula Underwood: Restorative practice in schools" in log
    download = as_alice.get(reverse("practitioners:training_evidence", args=[record.pk]))
    assert b"".join(download.streaming_content) == SMALL_PDF
    assert download["Content-Type"] == "application/pdf"
    # Ursula may now lead a schools case.
    case = CaseFactory(organisation=org, sector="schools")
    case_services.case_allocate(case=case, lead=ursula, co=None, by=alice)


def test_a_certificate_that_is_not_a_pdf_or_image_is_refused_at_the_field(as_alice, org, ursula):
    response = as_alice.post(
        reverse("practitioners:training_add", args=[membership(ursula, org).pk]),
        {
            "title": "Restorative practice",
            "provider": "Somewhere",
            "sector": "justice",
            "level": "practitioner",
            **date_fields("completed_on", TODAY()),
            "evidence": SimpleUploadedFile("cert.pdf", b"MZ\x90\x00 not a certificate"),
        },
    )
    assert response.status_code == 200
    assert text(response).count("The selected file must be a PDF, PNG or JPEG") == 2
    assert not TrainingRecord.objects.filter(practitioner=ursula).exists()


def test_bad_dates_and_missing_answers_change_nothing(as_alice, org, bob):
    url = reverse("practitioners:supervision_add", args=[membership(bob, org).pk])
    response = as_alice.post(
        url, {"supervisor": "", **date_fields("held_on", TODAY() + datetime.timedelta(days=3))}
    )
    page = text(response)
    assert "Date of supervision must be today or in the past" in page
    assert "Enter the supervisor's name" in page
    assert not SupervisionSession.objects.exists()
    response = as_alice.post(
        reverse("practitioners:development_add", args=[membership(bob, org).pk]),
        {"activity": "Reading", "hours": "0.25", **date_fields("done_on", TODAY())},
    )
    assert "Hours must be 0.5 or more" in text(response)
    assert not DevelopmentActivity.objects.exists()


def test_recording_registration_supervision_and_development(as_alice, org, alice, bob):
    page = membership(bob, org).pk
    as_alice.post(
        reverse("practitioners:registration_add", args=[page]),
        {
            "body": "Restorative Justice Council",
            "number": "RJC-10443",
            **date_fields("expires_on", TODAY() + datetime.timedelta(days=30)),
        },
    )
    as_alice.post(
        reverse("practitioners:supervision_add", args=[page]),
        {
            "supervisor": "Dr Helen Marsh",
            "notes": "Reflected on endings.",
            **date_fields("held_on", TODAY()),
        },
    )
    as_alice.post(
        reverse("practitioners:development_add", args=[page]),
        {"activity": "RJC webinar on circles", "hours": "1.5", **date_fields("done_on", TODAY())},
    )
    detail = text(as_alice.get(reverse("practitioners:detail", args=[page])))
    assert "Number RJC-10443" in detail
    assert "Restorative Justice Council registration expires on" in detail
    assert f"Last supervised on {TODAY():%-d %B %Y}" in detail
    assert "Reflected on endings." in detail
    assert "1.5 of 30 hours this year" in detail
    assert set(
        AuditEvent.objects.filter(actor=alice, action="create").values_list(
            "record_type", flat=True
        )
    ) >= {"registration", "supervisionsession", "developmentactivity"}


def test_an_edit_made_on_an_out_of_date_page_is_refused(as_alice, org, bob):
    registration = RegistrationFactory(organisation=org, practitioner=bob, number="RJC-1")
    url = reverse("practitioners:registration_edit", args=[registration.pk])
    assert 'value="RJC-1"' in as_alice.get(url).content.decode()
    loaded = version_of(registration)
    Registration.objects.filter(pk=registration.pk).update(
        number="RJC-2", updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )
    response = as_alice.post(
        url,
        {
            "body": "Restorative Justice Council",
            "number": "RJC-3",
            "version": loaded,
            **date_fields("expires_on", TODAY()),
        },
    )
    assert "Someone else saved changes to this record" in text(response)
    registration.refresh_from_db()
    assert registration.number == "RJC-2"
    # Saved from the page as it now stands, it goes through, and is audited.
    response = as_alice.post(
        url,
        {
            "body": "Restorative Justice Council",
            "number": "RJC-3",
            "version": version_of(registration),
            **date_fields("expires_on", TODAY()),
        },
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.number == "RJC-3"
    assert AuditEvent.objects.filter(
        record_type="registration", record_id=str(registration.pk), action="update"
    ).exists()


def test_removing_training_removes_its_certificate(
    as_alice, org, bob, django_capture_on_commit_callbacks
):
    record = TrainingRecordFactory(organisation=org, practitioner=bob)
    path = record.evidence_path
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("practitioners:training_remove", args=[record.pk]))
    assert response.status_code == 302
    assert not TrainingRecord.objects.filter(pk=record.pk).exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(
        record_type="trainingrecord", record_id=str(record.pk), action="delete"
    ).exists()


def test_the_cpd_target_is_an_organisation_setting(as_alice, org, bob):
    url = reverse("practitioners:settings")
    assert as_alice.get(url).status_code == 200
    saved = PracticeSettings.objects.get(organisation=org)
    response = as_alice.post(
        url,
        {
            "development_hours_target": "12",
            "year_starts_month": "1",
            "version": version_of(saved),
        },
    )
    assert response.status_code == 302
    saved.refresh_from_db()
    assert (saved.development_hours_target, saved.year_starts_month) == (12, 1)
    DevelopmentActivityFactory(organisation=org, practitioner=bob, hours=6)
    page = text(signed_in(bob).get(reverse("practitioners:mine")))
    assert "6 of 12 hours this year (50%)" in page
    assert AuditEvent.objects.filter(
        summary="Changed the expectations of practitioners", action="update"
    ).exists()


# A facilitator's own record ---------------------------------------------------------------------


def test_a_facilitator_sees_their_own_record_from_their_home_page(as_bob, org, bob):
    home = as_bob.get(reverse("core:dashboard"))
    assert reverse("practitioners:mine") in home.content.decode()
    assert "No supervision recorded" in text(home)
    page = text(as_bob.get(reverse("practitioners:mine")))
    assert "My practice" in page and "Practitioner or facilitator" in page
    assert "Record training" not in page  # a coordinator records training, with its evidence


def test_a_facilitator_records_and_corrects_their_own_development(as_bob, org, bob):
    as_bob.post(
        reverse("practitioners:mine_development_add"),
        {"activity": "Read the RJC guidance", "hours": "2", **date_fields("done_on", TODAY())},
    )
    activity = DevelopmentActivity.objects.get(practitioner=bob)
    url = reverse("practitioners:development_edit", args=[activity.pk])
    response = as_bob.post(
        url,
        {
            "activity": "Read the RJC guidance",
            "hours": "2.5",
            "version": version_of(activity),
            **date_fields("done_on", TODAY()),
        },
    )
    assert response["Location"] == reverse("practitioners:mine")
    activity.refresh_from_db()
    assert activity.hours == Decimal("2.5")


def test_one_record_for_someone_who_works_for_two_services(org, other_org, bob, alice, charlie):
    MembershipFactory(organisation=other_org, user=bob, role=Role.FACILITATOR)
    TrainingRecordFactory(organisation=org, practitioner=bob, title="Facilitating conferences")
    for coordinator, organisation in ((alice, org), (charlie, other_org)):
        page = text(
            signed_in(coordinator).get(
                reverse("practitioners:detail", args=[membership(bob, organisation).pk])
            )
        )
        assert "Facilitating conferences" in page


# Privacy ------------------------------------------------------------------------------------


def test_another_organisations_practitioner_is_a_404(as_charlie, org, bob):
    record = TrainingRecordFactory(organisation=org, practitioner=bob)
    activity = DevelopmentActivityFactory(organisation=org, practitioner=bob)
    for url in (
        reverse("practitioners:detail", args=[membership(bob, org).pk]),
        reverse("practitioners:training_add", args=[membership(bob, org).pk]),
        reverse("practitioners:training_edit", args=[record.pk]),
        reverse("practitioners:training_evidence", args=[record.pk]),
        reverse("practitioners:development_edit", args=[activity.pk]),
    ):
        assert as_charlie.get(url).status_code == 404, url
    assert "Bob Barraclough" not in text(as_charlie.get(reverse("practitioners:list")))


def test_a_facilitator_cannot_see_another_facilitators_record(as_dee, org, bob):
    record = TrainingRecordFactory(organisation=org, practitioner=bob)
    activity = DevelopmentActivityFactory(organisation=org, practitioner=bob)
    assert (
        as_dee.get(reverse("practitioners:detail", args=[membership(bob, org).pk])).status_code
        == 404
    )
    assert (
        as_dee.get(reverse("practitioners:training_evidence", args=[record.pk])).status_code == 404
    )
    assert (
        as_dee.post(reverse("practitioners:development_remove", args=[activity.pk])).status_code
        == 404
    )
    assert DevelopmentActivity.objects.filter(pk=activity.pk).exists()
    assert as_dee.get(reverse("practitioners:list")).status_code == 403
    assert record.title not in text(as_dee.get(reverse("practitioners:mine")))


@pytest.mark.parametrize("role", [Role.REFERRER, Role.VIEWER, Role.TRAINER])
def test_referrers_viewers_and_trainers_see_nothing_of_it(org, bob, role):
    someone = _member(org, role, f"{role}@northbridge.example", "Sam Somebody")
    client = signed_in(someone)
    record = TrainingRecordFactory(organisation=org, practitioner=bob)
    assert client.get(reverse("practitioners:list")).status_code == 403
    assert client.get(reverse("practitioners:mine")).status_code == 403
    assert (
        client.get(reverse("practitioners:detail", args=[membership(bob, org).pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("practitioners:training_evidence", args=[record.pk])).status_code == 404
    )
    assert "/practitioners/" not in client.get(reverse("core:dashboard")).content.decode()
    assert TrainingRecord.objects.filter(practitioner=someone).count() == 0  # none made for them
