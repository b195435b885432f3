"""Messages and scheduled work through the queue, with django-tasks-db's own worker: the daily
commands enqueue and the worker does the work; a worker killed while sending an e-mail sends
nothing twice, not even the one it was sending."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amends.agreements.models import AgreementAction
from amends.meetings.models import MeetingStatus
from amends.notify.services import person_message
from amends.people.models import SafeToUse
from amends.tasks.deliveries import MAY_HAVE_GONE, deliveries_requeue
from amends.tasks.models import DeliveryStatus
from tests.factories import (
    AgreementActionFactory,
    AgreementFactory,
    MeetingAttendeeFactory,
    MeetingFactory,
    PartyFactory,
    PersonFactory,
)
from tests.notify_server import API_KEY, EMAIL_TEMPLATE, FakeNotify
from tests.workers import run_worker, time_passes, worker_killed_mid_send

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def notify(settings):
    fake = FakeNotify()
    settings.AMENDS_EMAIL_SERVICE = "notify"
    settings.NOTIFY_API_KEY = API_KEY
    settings.NOTIFY_BASE_URL = fake.url
    settings.NOTIFY_EMAIL_TEMPLATE_ID = EMAIL_TEMPLATE
    yield fake
    fake.close()


def emailable(case, given, family):
    person = PersonFactory(
        organisation=case.organisation,
        given_name=given,
        family_name=family,
        email=f"{given.lower()}@example.org",
        email_safe=SafeToUse.YES,
    )
    return PartyFactory(organisation=case.organisation, case=case, role="harmed", person=person)


def test_a_worker_killed_while_sending_an_email_sends_nothing_twice(case, notify, as_alice):
    """Two thank-you e-mails; the worker sends the first and is killed while sending the
    second. The second may or may not have gone, so it is not sent again: the coordinator
    sees it as possibly sent. A message made later goes as usual."""
    sian = emailable(case, "Siân", "O'Connor")
    zoe = emailable(case, "Zoë", "Ní Bhriain")
    first = person_message(person=sian.person, kind="thank_you")
    second = person_message(person=zoe.person, kind="thank_you")
    notify.hold_on = 2
    worker_killed_mid_send(
        {
            # The worker takes its choice of service from the environment, as in production.
            "AMENDS_EMAIL_SERVICE": "notify",
            "NOTIFY_API_KEY": API_KEY,
            "NOTIFY_BASE_URL": notify.url,
            "NOTIFY_EMAIL_TEMPLATE_ID": EMAIL_TEMPLATE,
        },
        notify.holding,
        "the second e-mail",
    )
    notify.release.set()
    assert [r["reference"] for r in notify.requests] == [str(first.pk), str(second.pk)]
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == DeliveryStatus.DELIVERED
    assert (second.status, second.attempts) == (DeliveryStatus.PENDING, 1)

    assert deliveries_requeue() == 0  # still claimed by the killed worker
    time_passes(600)
    assert deliveries_requeue() == 1
    rhodri = emailable(case, "Rhodri", "Ap Iorwerth")
    third = person_message(person=rhodri.person, kind="thank_you")
    DBTaskResult.objects.filter(status="RUNNING").update(status="READY")  # as on restart
    run_worker()

    assert [r["reference"] for r in notify.requests] == [
        str(first.pk),
        str(second.pk),
        str(third.pk),
    ]
    second.refresh_from_db()
    assert (second.status, second.last_error) == (DeliveryStatus.FAILED, MAY_HAVE_GONE)
    page = as_alice.get(reverse("deliveries:list")).content.decode()
    assert "Zoë Ní Bhriain" in page and "it may have gone" in page


def test_the_daily_digest_is_queued_by_its_command_and_sent_by_the_worker(case, bob, org, settings):
    settings.AMENDS_EMAIL_SERVICE = "smtp"
    today = timezone.localdate()
    sian = emailable(case, "Siân", "O'Connor")
    meeting = MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        scheduled_at=timezone.localtime().replace(hour=23, minute=30, second=0, microsecond=0)
        if timezone.localtime().hour < 23
        else timezone.now(),
        status=MeetingStatus.ARRANGED,
    )
    MeetingAttendeeFactory(organisation=org, meeting=meeting, party=sian)
    case.next_step = "Call the school"
    case.next_step_due = today - datetime.timedelta(days=1)
    case.save()
    agreement = AgreementFactory(organisation=org, case=case, agreed_on=today)
    action = AgreementActionFactory(organisation=org, agreement=agreement)
    AgreementAction.objects.filter(pk=action.pk).update(due_on=today - datetime.timedelta(days=3))

    call_command("send_digests", stdout=io.StringIO())
    assert mail.outbox == []  # queued, not sent by the command
    run_worker()

    (digest,) = [m for m in mail.outbox if "what is due today" in m.subject]
    assert digest.to == [bob.email]
    assert "Meetings today:" in digest.body and case.reference in digest.body
    assert "Call the school" in digest.body
    assert "Agreement actions overdue:" in digest.body
    for name in ("Siân", "O'Connor", action.owner.person.family_name):
        assert name not in digest.body

    call_command("send_digests", stdout=io.StringIO())  # run twice the same day
    run_worker()
    assert len([m for m in mail.outbox if "what is due today" in m.subject]) == 1


def test_meeting_reminders_go_once_the_day_before(case, bob, org, settings):
    settings.AMENDS_EMAIL_SERVICE = "smtp"
    sian = emailable(case, "Siân", "O'Connor")
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = MeetingFactory(
        organisation=org,
        case=case,
        facilitator=bob,
        scheduled_at=timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time(11))),
    )
    MeetingAttendeeFactory(organisation=org, meeting=meeting, party=sian)

    call_command("send_reminders", stdout=io.StringIO())
    call_command("send_reminders", stdout=io.StringIO())
    run_worker()

    reminders = [m for m in mail.outbox if m.to == ["siân@example.org"]]
    assert len(reminders) == 1
    assert reminders[0].subject.startswith("Reminder: your meeting on")
    assert "at 11:00" in reminders[0].body


def test_retention_is_queued_by_its_command(settings):
    call_command("apply_retention", stdout=io.StringIO())
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    run_worker()
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
