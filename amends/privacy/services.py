"""Retention and erasure: anonymising a case, a person, and what names them.

Anonymising keeps the shape of the record (dates, statuses, outcomes, counts)
for the service's reports and blanks or replaces everything that says who or
what: free text, names, contact details, identifiers, files. Timeline entries
and audit summaries that named someone are rewritten without the name.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.agreements.models import AgreementAction
from amends.cases.models import (
    Case,
    CaseEvent,
    CaseStatus,
    ConsentRecord,
    ContactLogEntry,
    Party,
    RiskAssessment,
)
from amends.core.audit import audit_record, audit_summaries_rewrite, english
from amends.core.models import AuditAction, AuditEvent, Organisation
from amends.documents.models import Document
from amends.exports.services import exports_expire
from amends.meetings.models import IndirectMessage, Meeting
from amends.people.models import Person, PersonIdentifier
from amends.people.names import name_search_key
from amends.privacy.models import Anonymisation, AnonymisationReason
from amends.referrals.models import Referral, ReferralPerson
from amends.tasks.models import Delivery

if TYPE_CHECKING:
    from amends.accounts.models import User

REMOVED = "Removed when the record was anonymised"

#: What other apps keep about a person or a case, cleared with the rest when a person is
#: erased or a case anonymised. Each app registers its own at start-up (AppConfig.ready), so
#: this module names none of them.
PERSON_CLEARERS: list[Callable[[Person, Counter[str]], None]] = []
CASE_CLEARERS: list[Callable[[Case, Counter[str]], None]] = []
ANONYMISED_NAME = "Anonymised"
SOMEONE = "someone"
REFERRAL_PERSON_BLANK = {
    "given_name": ANONYMISED_NAME,
    "family_name": "",
    "date_of_birth": None,
    "age_band": "",
    "phone": "",
    "safe_contact": "",
    "needs": "",
    "language": "",
    "needs_note": "",
    "notes": "",
    "identifier_kind": "",
    "identifier_value": "",
}
MEETING_NOTES = ("what_happened", "thoughts_feelings", "who_affected", "put_right", "outcome_notes")


# Names -----------------------------------------------------------------------------


def _names_pattern(names: Iterable[str]) -> re.Pattern[str] | None:
    wanted = sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True)
    if not wanted:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(n) for n in wanted) + r")\b", re.IGNORECASE)


def scrub(text: str, pattern: re.Pattern[str] | None) -> str:
    return pattern.sub(SOMEONE, text) if pattern and text else text


def _rewrite_summaries(
    rows: QuerySet[AuditEvent] | QuerySet[CaseEvent], pattern: re.Pattern[str]
) -> int:
    changed = 0
    for row in rows.only("pk", "summary"):
        new = scrub(row.summary, pattern)
        if new != row.summary:
            type(row).objects.filter(pk=row.pk).update(summary=new[:300])
            changed += 1
    return changed


def _rewrite_audit(rows: QuerySet[AuditEvent], pattern: re.Pattern[str]) -> int:
    # The audit log is append-only; retention and erasure are the one reason to rewrite it.
    return audit_summaries_rewrite(rows, lambda summary: scrub(summary, pattern))


# A person ------------------------------------------------------------------------


def _person_clear(person: Person, counts: Counter[str]) -> None:
    pattern = _names_pattern([person.full_name])
    Person.objects.filter(pk=person.pk).update(
        given_name=ANONYMISED_NAME,
        family_name=f"person {person.pk}",
        known_as="",
        search_key=name_search_key(ANONYMISED_NAME, f"person {person.pk}"),
        pronouns="",
        date_of_birth=None,
        email="",
        phone="",
        address="",
        preferred_contact="",
        contact_from=None,
        contact_until=None,
        safe_contact_notes="",
        language="",
        interpreter_needed=False,
        accessibility_needs="",
        year_group="",
        form_group="",
    )
    counts["identifiers removed"] += PersonIdentifier.objects.filter(person=person).delete()[0]
    ReferralPerson.objects.filter(person=person).update(**REFERRAL_PERSON_BLANK)
    # Messages to them keep their date and outcome in the delivery log, not their name or words.
    cleared = Delivery.objects.filter(subject_type="person", subject_id=str(person.pk)).update(
        destination=f"{ANONYMISED_NAME} (person {person.pk})", payload={}
    )
    if cleared:
        counts["messages cleared"] += cleared
    for clear_more in PERSON_CLEARERS:
        clear_more(person, counts)
    if pattern is not None:
        org_events = CaseEvent.objects.filter(organisation_id=person.organisation_id)
        counts["timeline entries rewritten"] += _rewrite_summaries(
            org_events.filter(summary__icontains=person.full_name), pattern
        )
        counts["audit entries rewritten"] += _rewrite_audit(
            AuditEvent.objects.filter(
                organisation_id=person.organisation_id, summary__icontains=person.full_name
            ),
            pattern,
        )
    counts["people anonymised"] += 1


def _in_a_live_case(person: Person, *, besides: Case) -> bool:
    done = Anonymisation.objects.filter(case__isnull=False).values("case_id")
    return (
        Party.objects.filter(person=person).exclude(case=besides).exclude(case_id__in=done).exists()
    )


# A case --------------------------------------------------------------------------


def _remove_documents(documents: QuerySet[Document], counts: Counter[str]) -> None:
    for document in documents:
        document.delete()  # the file goes on commit (documents/receivers.py)
        counts["documents removed"] += 1


def case_anonymise(*, case: Case, reason: str, by: User | None = None) -> Counter[str]:
    """Blank every free text of the case and its records; anonymise people in no live case."""
    counts: Counter[str] = Counter()
    with transaction.atomic():
        parties = list(case.parties.select_related("person"))
        pattern = _names_pattern(p.person.full_name for p in parties)
        Case.objects.filter(pk=case.pk).update(
            harm_summary=REMOVED, closure_note="", next_step="", next_step_due=None
        )
        Party.objects.filter(case=case).update(private_notes="")
        ConsentRecord.objects.filter(case=case).update(note="")
        ContactLogEntry.objects.filter(case=case).update(note="")
        RiskAssessment.objects.filter(case=case).update(narrative=REMOVED, mitigations="")
        Meeting.objects.filter(case=case).update(venue="", **dict.fromkeys(MEETING_NOTES, ""))
        IndirectMessage.objects.filter(case=case).update(summary=REMOVED)
        AgreementAction.objects.filter(case=case).update(description=REMOVED, verification_note="")
        for clear_more in CASE_CLEARERS:
            clear_more(case, counts)
        if case.referral_id:
            Referral.objects.filter(pk=case.referral_id).update(
                referrer_name=ANONYMISED_NAME,
                referrer_contact="",
                incident_summary=REMOVED,
                incident_reference="",
                risk_note="",
                decline_note="",
            )
            ReferralPerson.objects.filter(referral_id=case.referral_id).update(
                **REFERRAL_PERSON_BLANK
            )
        _remove_documents(Document.objects.filter(case=case), counts)
        if pattern is not None:
            counts["timeline entries rewritten"] += _rewrite_summaries(
                CaseEvent.objects.filter(case=case), pattern
            )
            counts["audit entries rewritten"] += _rewrite_audit(
                AuditEvent.objects.filter(record_type="case", record_id=str(case.pk)), pattern
            )
        Anonymisation.objects.create(
            organisation_id=case.organisation_id, case=case, reason=reason, by=by
        )
        audit_record(
            actor=by,
            actor_label="" if by else "retention",
            action=AuditAction.DELETE,
            organisation=case.organisation,
            record=case,
            summary=f"Anonymised: {english(AnonymisationReason(reason).label).lower()}",
        )
        counts["cases anonymised"] += 1
        for party in parties:
            if not _in_a_live_case(party.person, besides=case):
                _person_clear(party.person, counts)
                Anonymisation.objects.create(
                    organisation_id=case.organisation_id,
                    person=party.person,
                    reason=reason,
                    by=by,
                )
    return counts


# Retention -----------------------------------------------------------------------


def years_before(moment: datetime.datetime, years: int) -> datetime.datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def expired_cases(organisation: Organisation, *, now: datetime.datetime) -> QuerySet[Case]:
    cutoff = years_before(now, organisation.retention_years)
    return (
        Case.objects.filter(
            organisation=organisation, status=CaseStatus.CLOSED, closed_at__lt=cutoff
        )
        .exclude(pk__in=Anonymisation.objects.filter(case__isnull=False).values("case_id"))
        .order_by("closed_at", "pk")
    )


def retention_apply(*, now: datetime.datetime | None = None) -> Counter[str]:
    """Anonymise every case closed longer ago than its organisation keeps them; delete the
    files of large exports past their time."""
    now = now or timezone.now()
    counts: Counter[str] = Counter()
    for organisation in Organisation.objects.order_by("pk"):
        for case in expired_cases(organisation, now=now):
            counts.update(case_anonymise(case=case, reason=AnonymisationReason.RETENTION))
    # Large exports' files are kept for days, not years (amends/exports).
    if deleted := exports_expire(now=now):
        counts["exports deleted"] += deleted
    return counts


# Erasure on request -----------------------------------------------------------------


def erasure_refusals(person: Person) -> list[str]:
    """Plain-English reasons the law lets (or makes) the service keep this person's data."""
    reasons = []
    done = Anonymisation.objects.filter(case__isnull=False).values("case_id")
    open_refs = sorted(
        Case.objects.filter(parties__person=person)
        .exclude(status=CaseStatus.CLOSED)
        .values_list("reference", flat=True)
    )
    if open_refs:
        reasons.append(
            _(
                "%(name)s is in an open case (%(references)s). Their records are needed while the "
                "case runs: close the case or take them out of it first."
            )
            % {"name": person.full_name, "references": ", ".join(open_refs)}
        )
    guarded = sorted(
        Case.objects.filter(parties__person=person, risk_assessments__safeguarding=True)
        .exclude(pk__in=done)
        .distinct()
        .values_list("reference", flat=True)
    )
    if guarded:
        reasons.append(
            _(
                "A safeguarding concern was recorded in %(references)s. The service must keep "
                "safeguarding records until the retention period ends, so they cannot be erased now."
            )
            % {"references": ", ".join(guarded)}
        )
    return reasons


def person_erase(*, person: Person, by: User, reason: str, note: str = "") -> Counter[str]:
    """Anonymise a person at their request, where the law allows, and say why it was done."""
    if reason not in AnonymisationReason.values or reason == AnonymisationReason.RETENTION:
        raise ValidationError({"reason": _("Select why their data is being erased")})
    refusals = erasure_refusals(person)
    if refusals:
        raise ValidationError(refusals)
    counts: Counter[str] = Counter()
    pattern = _names_pattern(
        [person.full_name, person.given_name, person.family_name, person.known_as]
    )
    with transaction.atomic():
        parties = list(Party.objects.filter(person=person).select_related("case"))
        for party in parties:
            party_records_clear(party, pattern, counts)
        _person_clear(person, counts)
        Anonymisation.objects.create(
            organisation_id=person.organisation_id, person=person, reason=reason, note=note, by=by
        )
        audit_record(
            actor=by,
            action=AuditAction.DELETE,
            organisation=person.organisation,
            record=person,
            summary=f"Erased on request: {english(AnonymisationReason(reason).label).lower()}",
        )
    return counts


def party_records_clear(
    party: Party, pattern: re.Pattern[str] | None, counts: Counter[str]
) -> None:
    """What is about one party in their case: notes, consent and contact notes, files;
    and their name wherever the case's shared text mentions it."""
    case = party.case
    Party.objects.filter(pk=party.pk).update(private_notes="")
    ConsentRecord.objects.filter(case=case, party=party).update(note="")
    ConsentRecord.objects.filter(case=case, given_by=party).update(note="")
    ContactLogEntry.objects.filter(case=case, party=party).update(note="")
    _remove_documents(Document.objects.filter(party=party), counts)
    if pattern is None:
        return
    _scrub_fields(Case.objects.filter(pk=case.pk), ["harm_summary", "closure_note"], pattern)
    _scrub_fields(RiskAssessment.objects.filter(case=case), ["narrative", "mitigations"], pattern)
    _scrub_fields(Meeting.objects.filter(case=case), [*MEETING_NOTES, "venue"], pattern)
    _scrub_fields(IndirectMessage.objects.filter(case=case), ["summary"], pattern)
    _scrub_fields(
        AgreementAction.objects.filter(case=case), ["description", "verification_note"], pattern
    )
    _scrub_fields(ContactLogEntry.objects.filter(case=case), ["note"], pattern)
    counts["timeline entries rewritten"] += _rewrite_summaries(
        CaseEvent.objects.filter(case=case), pattern
    )
    counts["audit entries rewritten"] += _rewrite_audit(
        AuditEvent.objects.filter(record_type="case", record_id=str(case.pk)), pattern
    )


def _scrub_fields(rows: QuerySet, fields: list[str], pattern: re.Pattern[str]) -> None:
    """Encrypted text cannot be searched in the database, so each row is read and checked."""
    for row in rows.only("pk", *fields):
        changes = {f: scrub(getattr(row, f), pattern) for f in fields}
        changes = {f: v for f, v in changes.items() if v != getattr(row, f)}
        if changes:
            type(row).objects.filter(pk=row.pk).update(**changes)
