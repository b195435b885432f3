"""Training: places and the waiting list, offers, the register, results, certificates,
the public pages, figures, and who may see what.

tess    trainer at Meadowbank (the consultancy that runs the training)
cora    coordinator at Meadowbank
charlie coordinator of another organisation: should reach nothing of Meadowbank's
"""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from amends.core.models import OrganisationKind, Role
from amends.training import services
from amends.training.models import (
    Attendance,
    Certificate,
    CohortDay,
    Enrolment,
    EnrolmentStatus,
    Level,
    normalise_code,
)
from tests.conftest import _member, signed_in
from tests.factories import (
    CaseFactory,
    CertificateFactory,
    CohortFactory,
    CourseFactory,
    EnrolmentFactory,
    OrganisationFactory,
    ProgrammeFactory,
)

TODAY = timezone.localdate


@pytest.fixture
def meadowbank(db):
    return OrganisationFactory(
        name="Meadowbank Restorative Consultancy", kind=OrganisationKind.CONSULTANCY
    )


@pytest.fixture
def tess(meadowbank):
    return _member(meadowbank, Role.TRAINER, "tess@meadowbank.example", "Tess Trainer")


@pytest.fixture
def cora(meadowbank):
    return _member(meadowbank, Role.COORDINATOR, "cora@meadowbank.example", "Cora Coordinator")


@pytest.fixture
def as_tess(tess):
    return signed_in(tess)


@pytest.fixture
def cohort(meadowbank):
    """A two-day open cohort of a published practitioner course, a fortnight ahead, 2 places."""
    return CohortFactory(organisation=meadowbank, capacity=2)


def text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")


def enrol(cohort, by, name, email=None):
    return services.enrolment_add(
        cohort=cohort,
        by=by,
        name=name,
        email=email or f"{name.split()[0].lower()}@example.org",
        organisation_name="Northbridge Police",
    )


def offer_link(message) -> str:
    return re.search(r"https?://\S+/training/offers/\S+/", message.body).group(0)


# Places and the waiting list -------------------------------------------------------------


def test_a_full_cohort_puts_people_on_the_waiting_list_and_a_freed_place_is_offered_in_order(
    cohort, tess, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = enrol(cohort, tess, "Amara Okafor")
        enrol(cohort, tess, "Bryn Jones")
        waiting_1 = enrol(cohort, tess, "Ceri Evans")
        waiting_2 = enrol(cohort, tess, "Dafydd Hughes")
    assert first.status == EnrolmentStatus.ENROLLED
    assert (waiting_1.status, waiting_2.status) == (EnrolmentStatus.WAITING,) * 2
    # Joining instructions went to the two with places, nobody else.
    assert sorted(m.to[0] for m in mail.outbox) == ["amara@example.org", "bryn@example.org"]
    assert "Joining instructions" in mail.outbox[0].subject
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == EnrolmentStatus.OFFERED
    assert waiting_2.status == EnrolmentStatus.WAITING
    assert [m.to for m in mail.outbox] == [["ceri@example.org"]]
    expires = waiting_1.offer_expires_at - waiting_1.offered_at
    assert expires == datetime.timedelta(days=5)
    # A fresh enrolment cannot jump the queue while an offer is out.
    late = enrol(cohort, tess, "Eira Morgan")
    assert late.status == EnrolmentStatus.WAITING


def test_a_place_on_one_cohort_is_never_offered_to_someone_waiting_for_another(
    cohort, meadowbank, tess
):
    enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    waiting = enrol(cohort, tess, "Ceri Evans")
    roomy = CohortFactory(organisation=meadowbank, capacity=10)
    enrol(roomy, tess, "Dafydd Hughes")
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.WAITING
    assert services.places_taken(cohort) == cohort.capacity


def test_the_offered_person_accepts_by_a_one_time_link_without_signing_in(
    cohort, tess, django_capture_on_commit_callbacks
):
    first = enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    waiting = enrol(cohort, tess, "Ceri Evans")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    link = offer_link(mail.outbox[-1])
    visitor = Client()
    page = visitor.get(link)
    assert page.status_code == 200
    assert "A place on Restorative justice facilitator" in text(page)
    assert page["Cache-Control"] == "no-store"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answered = visitor.post(link, {"answer": "accept"})
    assert "Your place is booked" in text(answered)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert [m.subject for m in mail.outbox] == [
        "Joining instructions: Restorative justice facilitator: conferencing and mediation"
    ]
    # The link works once.
    again = visitor.post(link, {"answer": "decline"})
    assert "You have already answered" in text(again)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert Client().get(reverse("training:offer", args=["not-a-real-token"])).status_code == 410


def test_turning_the_offer_down_passes_the_place_to_the_next(
    cohort, tess, django_capture_on_commit_callbacks
):
    first = enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    waiting_1 = enrol(cohort, tess, "Ceri Evans")
    waiting_2 = enrol(cohort, tess, "Dafydd Hughes")
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(offer_link(mail.outbox[-1]), {"answer": "decline"})
    waiting_1.refresh_from_db()
    waiting_2.refresh_from_db()
    assert waiting_1.status == EnrolmentStatus.WITHDRAWN
    assert waiting_2.status == EnrolmentStatus.OFFERED
    assert mail.outbox[-1].to == ["dafydd@example.org"]


def test_an_offer_not_taken_in_time_lapses_and_passes_on_in_order(
    cohort, tess, django_capture_on_commit_callbacks
):
    first = enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    waiting = [enrol(cohort, tess, name) for name in ("Ceri Evans", "Dafydd Hughes", "Eira Morgan")]
    with django_capture_on_commit_callbacks(execute=True):
        services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    stale_link = offer_link(mail.outbox[-1])
    Enrolment.objects.filter(pk=waiting[0].pk).update(
        offer_expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("expire_training_offers", stdout=out)
    assert "1 offer lapsed" in out.getvalue()
    for e in waiting:
        e.refresh_from_db()
    assert [e.status for e in waiting] == [
        EnrolmentStatus.WITHDRAWN,
        EnrolmentStatus.OFFERED,
        EnrolmentStatus.WAITING,
    ]
    assert waiting[0].withdrawn_reason == "The offer of a place expired"
    assert mail.outbox[-1].to == ["dafydd@example.org"]
    expired = Client().get(stale_link)
    assert expired.status_code == 410
    assert "This offer has ended" in text(expired)


def test_an_offer_past_its_date_lapses_on_the_next_change_too(cohort, tess):
    first = enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    ceri = enrol(cohort, tess, "Ceri Evans")
    dafydd = enrol(cohort, tess, "Dafydd Hughes")
    services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    Enrolment.objects.filter(pk=ceri.pk).update(offer_expires_at=timezone.now())
    enrol(cohort, tess, "Eira Morgan")  # any change to the cohort
    ceri.refresh_from_db()
    dafydd.refresh_from_db()
    assert (ceri.status, dafydd.status) == (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.OFFERED)


def test_the_same_address_cannot_be_on_a_cohort_twice(cohort, tess, as_tess):
    enrol(cohort, tess, "Amara Okafor", "amara@example.org")
    response = as_tess.post(
        reverse("training:enrol", args=[cohort.pk]),
        {"name": "Amara Okafor", "email": "AMARA@example.org"},
    )
    assert "amara@example.org is already on this cohort" in text(response)
    assert Enrolment.objects.filter(cohort=cohort).count() == 1


def test_bad_input_is_answered_at_the_field_and_saves_nothing(cohort, as_tess):
    response = as_tess.post(reverse("training:enrol", args=[cohort.pk]), {"name": "", "email": "x"})
    page = text(response)
    assert "Enter their full name" in page
    assert "Enter an e-mail address in the correct format" in page
    assert not Enrolment.objects.exists()


# The register and results -------------------------------------------------------------------


@pytest.fixture
def running(meadowbank, tess):
    """A three-day cohort that started yesterday, with three people enrolled."""
    cohort = CohortFactory(
        organisation=meadowbank,
        course__days=3,
        starts_on=TODAY() - datetime.timedelta(days=1),
        capacity=10,
    )
    people = [enrol(cohort, tess, n) for n in ("Amara Okafor", "Bryn Jones", "Ceri Evans")]
    return cohort, people


def register_form(client, day):
    response = client.get(reverse("training:register", args=[day.pk]))
    return response.context["form"]["shown"].value()


def test_two_devices_marking_one_register_keep_each_others_ticks(running, tess, as_tess):
    cohort, (amara, bryn, _ceri) = running
    day = CohortDay.objects.get(cohort=cohort, number=1)
    url = reverse("training:register", args=[day.pk])
    phone = signed_in(tess)
    tablet_shown = register_form(as_tess, day)
    phone_shown = register_form(phone, day)
    as_tess.post(url, {"shown": tablet_shown, "present": [amara.pk]})
    phone.post(url, {"shown": phone_shown, "present": [bryn.pk]})
    marks = dict(Attendance.objects.filter(day=day).values_list("enrolment_id", "present"))
    assert marks == {amara.pk: True, bryn.pk: True}
    page = text(as_tess.get(url))
    assert "Register: day 1" in page


def test_the_register_cannot_be_marked_before_the_day(cohort, tess, as_tess):
    amara = enrol(cohort, tess, "Amara Okafor")
    day = CohortDay.objects.get(cohort=cohort, number=1)
    url = reverse("training:register", args=[day.pk])
    assert "This day is still to come" in text(as_tess.get(url))
    response = as_tess.post(url, {"shown": f"{amara.pk}:0", "present": [amara.pk]})
    assert "mark the register on the day" in text(response)
    assert not Attendance.objects.exists()


def mark_all(cohort, people, tess, *, except_day2=()):
    for day in CohortDay.objects.filter(cohort=cohort):
        present = {p.pk for p in people if not (day.number == 2 and p in except_day2)}
        services.attendance_record(
            cohort=cohort, day=day, by=tess, present=present, shown={p.pk: False for p in people}
        )


def test_results_issue_certificates_only_to_those_who_attended_every_day(meadowbank, tess, as_tess):
    cohort = CohortFactory(
        organisation=meadowbank, starts_on=TODAY() - datetime.timedelta(days=1), capacity=10
    )
    amara, bryn = enrol(cohort, tess, "Amara Okafor"), enrol(cohort, tess, "Bryn Jones")
    mark_all(cohort, [amara, bryn], tess, except_day2=[bryn])
    response = as_tess.post(reverse("training:results", args=[cohort.pk]), follow=True)
    assert "1 completed and has a certificate; 1 did not complete" in text(response)
    amara.refresh_from_db()
    bryn.refresh_from_db()
    assert amara.status == EnrolmentStatus.COMPLETED and amara.completed_on == cohort.ends_on
    assert bryn.status == EnrolmentStatus.NOT_COMPLETED
    assert Certificate.objects.filter(enrolment=amara).exists()
    assert not Certificate.objects.filter(enrolment=bryn).exists()
    # One person cannot be marked complete without the days.
    page = as_tess.get(reverse("training:enrolment_detail", args=[bryn.pk]))
    version = page.context["result_form"]["version"].value()
    refused = as_tess.post(
        reverse("training:enrolment_result", args=[bryn.pk]),
        {"version": version, "status": "completed", "assessment": "passed"},
    )
    assert "Bryn Jones cannot complete: they attended 1 of 2 days" in text(refused)
    assert not Certificate.objects.filter(enrolment=bryn).exists()


def test_results_wait_for_the_last_day(running, tess, as_tess):
    cohort, _people = running
    response = as_tess.post(reverse("training:results", args=[cohort.pk]))
    assert "Results can be recorded from the cohort's last day" in text(response)
    assert not Certificate.objects.exists()


# Certificates -------------------------------------------------------------------------------


def test_a_certificate_code_is_readable_and_typed_any_way(meadowbank):
    certificate = CertificateFactory(organisation=meadowbank)
    assert re.fullmatch(
        r"[ACDEFGHJKMNPQRTUVWXY]{4}(-[ACDEFGHJKMNPQRTUVWXY]{4}){3}", certificate.code
    )
    assert normalise_code(certificate.code.lower().replace("-", " ")) == certificate.code
    assert normalise_code("0000-1111-IIII-OOOO") == ""


def test_the_certificate_pdf_says_who_what_when_and_its_code(meadowbank, as_tess):
    certificate = CertificateFactory(
        organisation=meadowbank, enrolment__name="Siân O'Brien", accredited_hours=14
    )
    response = as_tess.get(reverse("training:certificate_pdf", args=[certificate.pk]))
    assert response["Content-Type"] == "application/pdf"
    words = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    words = re.sub(r"\s+", " ", words)
    assert "Siân O'Brien" in words or "Siân O’Brien" in words
    assert "Restorative justice facilitator: conferencing and mediation" in words
    assert "Practitioner (facilitator) level" in words
    assert f"Verification code: {certificate.code}" in words
    assert "/certificates/check/" in words
    assert "trainee" not in words  # no e-mail address


def test_the_public_check_shows_name_course_level_and_date_and_nothing_else(meadowbank):
    certificate = CertificateFactory(
        organisation=meadowbank,
        enrolment__name="Amara Okafor",
        enrolment__email="amara.private@example.org",
        enrolment__organisation_name="Secret Employer Ltd",
        enrolment__notes="Needed extra support",
        completed_on=datetime.date(2026, 6, 12),
    )
    page = text(
        Client().get(reverse("training:certificate_check"), {"code": certificate.code.lower()})
    )
    assert "This certificate is valid" in page
    for shown in (
        "Amara Okafor",
        "Restorative justice facilitator",
        "Practitioner",
        "12 June 2026",
    ):
        assert shown in page
    for hidden in ("amara.private", "Secret Employer", "extra support", "Meadowbank"):
        assert hidden not in page


def test_a_revoked_certificate_shows_as_revoked_and_an_unknown_code_is_a_kind_page(
    meadowbank, tess, as_tess
):
    certificate = CertificateFactory(organisation=meadowbank)
    as_tess.post(
        reverse("training:certificate_revoke", args=[certificate.pk]),
        {"reason": "Issued in error"},
    )
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoked_by == tess
    page = text(Client().get(reverse("training:certificate_check"), {"code": certificate.code}))
    assert "This certificate has been revoked" in page
    assert "Issued in error" not in page
    unknown = Client().get(reverse("training:certificate_check"), {"code": "ACDE-FGHJ-KMNP-QRTU"})
    assert unknown.status_code == 200
    assert "We could not find that certificate" in text(unknown)
    empty = Client().get(reverse("training:certificate_check"), {"code": ""})
    assert "Enter the verification code from the certificate" in text(empty)


def test_revoking_needs_a_reason(meadowbank, as_tess):
    certificate = CertificateFactory(organisation=meadowbank)
    response = as_tess.post(reverse("training:certificate_revoke", args=[certificate.pk]), {})
    assert "Enter why the certificate is revoked" in text(response)
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_completed_training_for_an_address_leaves_out_revoked_certificates(meadowbank, tess):
    kept = CertificateFactory(
        organisation=meadowbank, enrolment__email="gareth@example.org", level=Level.PRACTITIONER
    )
    gone = CertificateFactory(
        organisation=meadowbank, enrolment__email="gareth@example.org", level=Level.ADVANCED
    )
    services.certificate_revoke(certificate=gone, by=tess, reason="Issued in error")
    found = services.completed_training_for("Gareth@Example.org ")
    assert found == [("justice", "practitioner", kept.course_title, kept.completed_on, kept.code)]
    assert (found[0].sector, found[0].level, found[0].certificate_code) == (
        "justice",
        "practitioner",
        kept.code,
    )


# E-mail --------------------------------------------------------------------------------------


def test_a_failed_send_loses_nothing_and_the_daily_run_sends_it(
    cohort, tess, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.test_training.BrokenBackend"
    with django_capture_on_commit_callbacks(execute=True):
        amara = enrol(cohort, tess, "Amara Okafor")
    amara.refresh_from_db()
    assert amara.status == EnrolmentStatus.ENROLLED and amara.joining_sent_at is None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    out = io.StringIO()
    call_command("send_training_reminders", stdout=out)
    amara.refresh_from_db()
    assert amara.joining_sent_at is not None
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["Joining instructions"]
    # The cohort starts in a fortnight: no reminder yet. A week before, one.
    services.reminders_send(today=cohort.starts_on - datetime.timedelta(days=7))
    assert mail.outbox[-1].subject.startswith("Reminder:")
    services.reminders_send(today=cohort.starts_on - datetime.timedelta(days=6))
    assert len(mail.outbox) == 2


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


# Public pages --------------------------------------------------------------------------------


def test_the_programme_page_shows_published_courses_and_open_dates_with_places_left(
    meadowbank, tess
):
    course = CourseFactory(organisation=meadowbank, title="Facilitator training")
    CourseFactory(
        organisation=meadowbank,
        programme=course.programme,
        title="Draft course nobody sees",
        is_published=False,
    )
    open_cohort = CohortFactory(organisation=meadowbank, course=course, capacity=3)
    enrol(open_cohort, tess, "Amara Okafor")
    full = CohortFactory(
        organisation=meadowbank,
        course=course,
        capacity=1,
        starts_on=TODAY() + datetime.timedelta(days=40),
    )
    enrol(full, tess, "Bryn Jones")
    CohortFactory(
        organisation=meadowbank,
        course=course,
        audience="in_house",
        client_organisation="Private Client School",
    )
    response = Client().get(reverse("training:programme_public", args=["justice"]))
    page = text(response)
    assert response.status_code == 200
    assert "Facilitator training" in page and "Assess whether a case is suitable" in page
    assert "Draft course nobody sees" not in page
    assert "Private Client School" not in page
    assert re.search(r"Meadowbank Training Centre, Harrogate [^ ]* ?Ask us 2 ", page)
    assert "Full: waiting list" in page
    assert "Amara" not in page
    assert Client().get("/programmes/nowhere/").status_code == 404


def test_the_programme_page_runs_a_fixed_number_of_queries(meadowbank, tess):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    course = CourseFactory(organisation=meadowbank)
    url = reverse("training:programme_public", args=["justice"])
    CohortFactory(organisation=meadowbank, course=course)
    with CaptureQueriesContext(connection) as one_course:
        Client().get(url)
    for n in range(4):
        other = CourseFactory(organisation=meadowbank, programme=course.programme, title=f"C{n}")
        CohortFactory(organisation=meadowbank, course=other)
    with CaptureQueriesContext(connection) as five_courses:
        assert "C3" in Client().get(url).content.decode()
    assert len(five_courses) == len(one_course) <= 8


# Who may see what ------------------------------------------------------------------------------


def test_a_trainer_sees_no_case_referral_or_person(meadowbank, tess, as_tess):
    case = CaseFactory(organisation=meadowbank)
    assert as_tess.get(reverse("cases:detail", args=[case.pk])).status_code == 404
    for name in ("cases:list", "referrals:list", "people:list", "core:members"):
        assert as_tess.get(reverse(name)).status_code == 403, name


def test_another_organisations_cohort_is_a_404(cohort, as_charlie):
    enrolment = EnrolmentFactory(organisation=cohort.organisation, cohort=cohort)
    for url in (
        reverse("training:cohort_detail", args=[cohort.pk]),
        reverse("training:enrolment_detail", args=[enrolment.pk]),
    ):
        assert as_charlie.get(url).status_code == 404
    assert (
        as_charlie.post(
            reverse("training:enrol", args=[cohort.pk]),
            {"name": "Intruder", "email": "intruder@example.org"},
        ).status_code
        == 404
    )
    assert not Enrolment.objects.filter(name="Intruder").exists()


def test_navigation_shows_training_to_trainers_and_the_consultancys_coordinators(
    tess, cora, as_alice
):
    assert "Training" in text(signed_in(tess).get(reverse("core:dashboard")))
    nav = signed_in(cora).get(reverse("core:dashboard")).context["navigation"]
    assert "Training" in [item["label"] for item in nav]
    nav = as_alice.get(reverse("core:dashboard")).context["navigation"]
    assert "Training" not in [item["label"] for item in nav]


def test_the_trainers_home_lists_next_cohorts_offers_ending_and_results_due(
    meadowbank, tess, as_tess, django_assert_max_num_queries
):
    ProgrammeFactory(organisation=meadowbank)
    cohort = CohortFactory(organisation=meadowbank, capacity=1)
    first = enrol(cohort, tess, "Amara Okafor")
    enrol(cohort, tess, "Bryn Jones")
    services.enrolment_withdraw(enrolment=first, by=tess, reason="Off sick")
    Enrolment.objects.filter(status="offered").update(
        offer_expires_at=timezone.now() + datetime.timedelta(hours=20)
    )
    ended = CohortFactory(organisation=meadowbank, starts_on=TODAY() - datetime.timedelta(days=5))
    enrol(ended, tess, "Ceri Evans")
    with django_assert_max_num_queries(14):
        page = text(as_tess.get(reverse("core:dashboard")))
    assert "Offers ending soon" in page and "Bryn Jones" in page
    assert "Record results: the course has ended" in page
    assert "0 of 1" in page  # places left on the next cohort


# Figures -----------------------------------------------------------------------------------------


def finished(
    meadowbank, count, status=EnrolmentStatus.COMPLETED, organisation_name="Northbridge Police"
):
    cohort = CohortFactory(organisation=meadowbank, starts_on=datetime.date(2026, 5, 4))
    for _ in range(count):
        EnrolmentFactory(
            organisation=meadowbank,
            cohort=cohort,
            status=status,
            organisation_name=organisation_name,
        )


def test_figures_count_in_the_database_and_show_small_numbers_as_fewer_than_5(
    meadowbank, as_tess, django_assert_max_num_queries
):
    finished(meadowbank, 6)
    finished(meadowbank, 2, status=EnrolmentStatus.NOT_COMPLETED)
    finished(meadowbank, 3, organisation_name="Kingsmead Academy")
    url = reverse("training:figures")
    with django_assert_max_num_queries(10):
        page = text(as_tess.get(url))
    assert "2026 Q2 Criminal and civil justice Practitioner (facilitator) 9 11 82%" in page
    assert (
        "Kingsmead Academy Criminal and civil justice: practitioner (facilitator) fewer than 5 not shown"
        in page
    )
    finished(meadowbank, 20)
    with django_assert_max_num_queries(10):
        as_tess.get(url)
    csv_text = as_tess.get(reverse("training:figures_csv")).content.decode()
    assert "Kingsmead Academy,fewer than 5,fewer than 5,not shown" in csv_text
    assert "Definition" in csv_text


def test_programmes_are_set_up_once(meadowbank, as_tess):
    as_tess.post(reverse("training:programmes_set_up"))
    as_tess.post(reverse("training:programmes_set_up"))
    page = text(as_tess.get(reverse("training:overview")))
    assert meadowbank and page.count("Add a course") == 4
    assert "Restorative practice in schools" in page


def test_a_cohort_needs_a_date_for_each_day_and_a_place(meadowbank, tess, as_tess):
    course = CourseFactory(organisation=meadowbank, days=2)
    response = as_tess.post(
        reverse("training:cohort_add", args=[course.pk]),
        {
            "day_1_0": "3",
            "day_1_1": "3",
            "day_1_2": "2027",
            "day_2_0": "1",
            "day_2_1": "3",
            "day_2_2": "2027",
            "audience": "in_house",
            "capacity": "12",
            "trainers": [tess.pk],
        },
    )
    page = text(response)
    assert "Enter the days in order" in page
    assert not course.cohorts.exists()
    with pytest.raises(ValidationError):
        services.cohort_create(
            course=course, by=tess, dates=[TODAY()], trainers=[tess], capacity=4, venue="Leeds"
        )


def test_staff_reword_a_programme_for_its_public_page(meadowbank, as_tess):
    programme = ProgrammeFactory(organisation=meadowbank)
    url = reverse("training:programme_edit", args=[programme.pk])
    version = as_tess.get(url).context["form"]["version"].value()
    as_tess.post(url, {"version": version, "title": "Justice programme", "summary": "New words."})
    page = text(Client().get(reverse("training:programme_public", args=["justice"])))
    assert "Justice programme" in page and "New words." in page
    stale = as_tess.post(url, {"version": version, "title": "Older", "summary": ""})
    assert "Someone else saved changes" in text(stale)
    programme.refresh_from_db()
    assert programme.title == "Justice programme"


def test_staff_pages_run_the_same_queries_for_few_or_many_people(meadowbank, tess, as_tess):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort = CohortFactory(organisation=meadowbank, capacity=40)
    ProgrammeFactory(organisation=meadowbank)
    enrol(cohort, tess, "Amara Okafor")
    urls = [
        reverse("training:overview"),
        reverse("training:cohort_detail", args=[cohort.pk]),
        reverse("training:course_detail", args=[cohort.course_id]),
        reverse("training:register", args=[cohort.days.first().pk]),
        reverse("core:dashboard"),
    ]

    def counts():
        found = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert as_tess.get(url).status_code == 200
            found.append(len(queries))
        return found

    few = counts()
    for n in range(12):
        enrol(cohort, tess, f"Person {n}", f"person{n}@example.org")
        CohortFactory(organisation=meadowbank, course=cohort.course)
    assert counts() == few
