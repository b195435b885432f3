"""Two people act on one meeting at the same moment: exactly one of them wins.

Each attempt runs in its own thread with its own database connection, loads
the meeting as its page did, waits for the other, then acts. On PostgreSQL
the row locks make the second wait and then see what the first saved; on
SQLite the IMMEDIATE transactions do the same. The module runs on both.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from amends.cases.models import CaseStatus
from amends.meetings import services
from amends.meetings.models import Meeting, MeetingStatus
from tests.test_meetings import arranged_meeting, make_ready

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def race(meeting: Meeting, *actions: Callable[[Meeting], object]) -> list[str]:
    """Run the actions at once, each on its own copy of the meeting; say who won and why not."""
    ready = threading.Barrier(len(actions))

    def attempt(action: Callable[[Meeting], object]) -> str:
        try:
            as_loaded = Meeting.objects.select_related("case").get(pk=meeting.pk)
            ready.wait(timeout=10)
            action(as_loaded)
            return "won"
        except ValidationError as exc:
            return exc.messages[0]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=len(actions)) as pool:
        return list(pool.map(attempt, actions))


@pytest.fixture
def meetings_to_race(case, harmed, responsible):
    make_ready(case, harmed, responsible)
    case.status = CaseStatus.MEETING_ARRANGED
    case.save()
    earlier = (timezone.now() - datetime.timedelta(hours=3)).replace(second=0, microsecond=0)
    return [
        arranged_meeting(case, harmed, responsible, scheduled_at=earlier) for _ in range(ROUNDS)
    ]


def test_marking_held_and_cancelling_at_once_only_one_wins(bob, case, meetings_to_race):
    for meeting in meetings_to_race:
        held, cancelled = race(
            meeting,
            lambda m: services.meeting_mark_held(meeting=m, by=bob, duration_minutes=60),
            lambda m: services.meeting_cancel(meeting=m, by=bob),
        )
        assert sorted([held, cancelled]).count("won") == 1, (held, cancelled)
        meeting.refresh_from_db()
        if held == "won":
            assert cancelled == "This meeting is already held."
            assert meeting.status == MeetingStatus.HELD
        else:
            assert held == "This meeting is already cancelled."
            assert meeting.status == MeetingStatus.CANCELLED
            assert meeting.held_at is None
            assert not meeting.attendees.filter(attended=True).exists()
    events = list(case.events.values_list("code", flat=True))
    assert events.count("meeting_held") + events.count("meeting_cancelled") == ROUNDS


def test_two_people_marking_one_meeting_held_record_it_once(bob, alice, case, meetings_to_race):
    meeting = meetings_to_race[0]
    first, second = race(
        meeting,
        lambda m: services.meeting_mark_held(meeting=m, by=bob, duration_minutes=60),
        lambda m: services.meeting_mark_held(meeting=m, by=alice, duration_minutes=75),
    )
    assert sorted([first, second]) == ["This meeting is already held.", "won"]
    assert case.events.filter(code="meeting_held").count() == 1
    meeting.refresh_from_db()
    assert meeting.duration_minutes == (60 if first == "won" else 75)
