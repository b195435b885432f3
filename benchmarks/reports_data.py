"""Generated data for the report benchmarks: referrals, contacts, meetings, agreements,
feedback, harm ratings and reoffending checks, written with bulk_create in batches."""

from __future__ import annotations

import datetime
import time
from typing import Any

from django.db import connection
from django.utils import timezone

from amends.agreements.models import ActionKind, ActionStatus, Agreement, AgreementAction
from amends.cases.models import (
    Case,
    CaseStatus,
    ClosureOutcome,
    ConsentDecision,
    ConsentMethod,
    ConsentRecord,
    ContactKind,
    ContactLogEntry,
    ContactOutcome,
    Party,
    PartyRole,
)
from amends.core.models import Organisation
from amends.meetings.models import Meeting, MeetingStatus
from amends.outcomes.models import FeedbackResponse, HarmMeasure, HarmRating, Stage
from amends.referrals.models import HarmType, Referral, ReferralStatus

AGENCIES = ["Northbridge Police", "Victim Support", "Youth Offending Team", "Probation", "Self"]
OUTCOMES = list(ClosureOutcome.values)
BATCH = 5000


def referrals_for(organisation: Organisation, start: int, stop: int) -> list[Referral]:
    harm_types = [
        HarmType.objects.get_or_create(organisation=organisation, name=name)[0]
        for name in ("Criminal damage", "Violence", "Theft", "Anti-social behaviour")
    ]
    today = timezone.localdate()
    made = Referral.objects.bulk_create(
        [
            Referral(
                organisation=organisation,
                source_agency=AGENCIES[n % len(AGENCIES)],
                referrer_name="Bench",
                received_on=today - datetime.timedelta(days=n % 700 + 3),
                incident_summary="Bench referral",
                harm_type=harm_types[n % len(harm_types)],
                justice_stage="out_of_court",
                sector="justice",
                status=ReferralStatus.ACCEPTED,
            )
            for n in range(start, stop)
        ]
    )
    if connection.vendor == "sqlite":
        return list(Referral.objects.filter(organisation=organisation).order_by("pk")[start:stop])
    return made


def _batches(items: list[Any]) -> Any:
    for i in range(0, len(items), BATCH):
        yield items[i : i + BATCH]


def fill_outcomes(organisation: Organisation) -> None:
    """Everything the reports count, for the organisation's cases (once only)."""
    if ContactLogEntry.objects.filter(organisation=organisation).exists():
        return
    now = timezone.now()
    cases = list(
        Case.objects.filter(organisation=organisation).values_list("pk", "opened_on", "status")
    )
    closed = [(pk, opened) for pk, opened, status in cases if status == CaseStatus.CLOSED]
    for chunk in _batches(closed):
        Case.objects.bulk_update(
            [
                Case(
                    pk=pk,
                    closed_at=datetime.datetime.combine(
                        opened + datetime.timedelta(days=pk % 200 + 10),
                        datetime.time(12),
                        datetime.UTC,
                    ),
                    closure_outcome=OUTCOMES[pk % len(OUTCOMES)],
                )
                for pk, opened in chunk
            ],
            ["closed_at", "closure_outcome"],
        )
    opened_on = {pk: opened for pk, opened, _ in cases}
    lead = dict(
        Case.objects.filter(organisation=organisation).values_list("pk", "lead_facilitator_id")
    )
    status_of = {pk: status for pk, _, status in cases}
    parties = list(
        Party.objects.filter(organisation=organisation).values_list("pk", "case_id", "role")
    )
    harmed = [(pk, case) for pk, case, role in parties if role == PartyRole.HARMED]

    def bulk(model: Any, rows: list[Any]) -> None:
        for chunk in _batches(rows):
            model.objects.bulk_create(chunk)

    bulk(
        ContactLogEntry,
        [
            ContactLogEntry(
                organisation=organisation,
                case_id=case,
                party_id=pk,
                kind=ContactKind.CALL,
                contact_on=opened_on[case] + datetime.timedelta(days=pk % 15),
                minutes=15 + pk % 90,
                outcome=ContactOutcome.REACHED,
            )
            for pk, case in harmed
        ],
    )
    bulk(
        ConsentRecord,
        [
            ConsentRecord(
                organisation=organisation,
                case_id=case,
                party_id=pk,
                given_by_id=pk,
                decision=ConsentDecision.GIVEN,
                method=ConsentMethod.PHONE,
                decided_on=opened_on[case] + datetime.timedelta(days=7),
            )
            for pk, case, role in parties
            if case % 10 < 7
        ],
    )
    later = {CaseStatus.MONITORING, CaseStatus.CLOSED}
    met = [pk for pk, _, status in cases if status in later and pk % 3]
    bulk(
        Meeting,
        [
            Meeting(
                organisation=organisation,
                case_id=case,
                facilitator_id=lead[case],
                process="conference",
                scheduled_at=now,
                status=MeetingStatus.HELD,
                held_at=datetime.datetime.combine(
                    opened_on[case] + datetime.timedelta(days=20 + case % 40),
                    datetime.time(10),
                    datetime.UTC,
                ),
            )
            for case in met
        ],
    )
    bulk(
        Agreement,
        [
            Agreement(
                organisation=organisation,
                case_id=case,
                agreed_on=opened_on[case] + datetime.timedelta(days=60),
            )
            for case in met
        ],
    )
    agreements = dict(
        Agreement.objects.filter(organisation=organisation).values_list("case_id", "pk")
    )
    responsible = {case: pk for pk, case, role in parties if role == PartyRole.RESPONSIBLE}
    statuses = list(ActionStatus.values)
    bulk(
        AgreementAction,
        [
            AgreementAction(
                organisation=organisation,
                agreement_id=agreement,
                case_id=case,
                owner_id=responsible[case],
                kind=ActionKind.APOLOGY_WRITTEN,
                description="Bench",
                due_on=opened_on[case] + datetime.timedelta(days=90),
                status=statuses[case % len(statuses)],
                resolved_on=opened_on[case] + datetime.timedelta(days=80 + case % 20),
            )
            for case, agreement in agreements.items()
        ],
    )
    closed_harmed = [(pk, case) for pk, case in harmed if status_of[case] == CaseStatus.CLOSED]
    bulk(
        FeedbackResponse,
        [
            FeedbackResponse(
                organisation=organisation,
                case_id=case,
                party_id=pk,
                answered_how="online",
                answered_on=opened_on[case] + datetime.timedelta(days=150),
                satisfied=["very_satisfied", "satisfied", "neither"][pk % 3],
                well_prepared="yes",
                listened_to="yes",
                felt_safe="partly",
                would_recommend=["yes", "not_sure"][pk % 2],
                harm_put_right=pk % 11,
            )
            for pk, case in closed_harmed
        ],
    )
    for stage in (Stage.FIRST_CONTACT, Stage.CLOSURE):
        bulk(
            HarmMeasure,
            [
                HarmMeasure(
                    organisation=organisation,
                    case_id=case,
                    party_id=pk,
                    stage=stage,
                    answered_on=opened_on[case],
                    question_set_version=1,
                )
                for pk, case in closed_harmed
            ],
        )
    measures = HarmMeasure.objects.filter(organisation=organisation).values_list(
        "pk", "case_id", "party_id", "stage"
    )
    bulk(
        HarmRating,
        [
            HarmRating(
                organisation=organisation,
                measure_id=pk,
                case_id=case,
                party_id=party,
                question_key=key,
                question=key,
                low_label="low",
                high_label="high",
                position=n,
                rating=(party + n) % 11 if stage == Stage.FIRST_CONTACT else party % 5,
            )
            for pk, case, party, stage in measures
            for n, key in enumerate(("still_affects", "feels_safe"))
        ],
    )
    try:
        from amends.outcomes.models import ReoffendingCheck
    except ImportError:  # pragma: no cover
        return
    bulk(
        ReoffendingCheck,
        [
            ReoffendingCheck(
                organisation=organisation,
                case_id=pk,
                due_on=opened + datetime.timedelta(days=400),
                answer=["yes", "no", "no", "not_known", ""][pk % 5],
                source="" if pk % 5 == 4 else "Bench",
            )
            for pk, opened in closed
        ],
    )


def plain_sql_ms(statements: list[str]) -> float:
    """The time to run the same SQL straight through the database connection."""
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for sql in statements:
            if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                continue
            cursor.execute(sql)
            cursor.fetchall()
    return (time.perf_counter() - started) * 1000
