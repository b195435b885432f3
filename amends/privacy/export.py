"""Subject access: everything held about one person, with other people's details left out.

Other people in a case appear only by their part in it ("Responsible person").
Records shared by several people (the case summary, meeting notes, messages)
are not copied in: the coordinator reviews them by hand before disclosure, as
the notes in the export say.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.agreements.models import AgreementAction
from amends.cases.models import ConsentRecord, ContactLogEntry, Party
from amends.core.models import AuditEvent
from amends.documents.models import Document
from amends.meetings.models import MeetingAttendee
from amends.people.models import Person
from amends.referrals.models import ReferralPerson

SHARED_RECORDS_NOTE = _(
    "Records about several people (the case summary, risk assessments, meeting notes and "
    "messages) are not included here. The coordinator reviews them by hand and removes other "
    "people's details before they are shared."
)


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


#: More of what is held about a person, kept by other apps (a household, where a prisoner is
#: held, a school's record of parents told): each returns its sections, {"title", "rows"},
#: and registers itself at start-up (AppConfig.ready).
MORE_HELD: list[Callable[[Person], list[dict[str, Any]]]] = []


def subject_access_data(person: Person) -> dict[str, Any]:
    parties = list(
        Party.objects.filter(person=person).select_related("case__harm_type").order_by("case_id")
    )
    cases = []
    for party in parties:
        case = party.case
        others = Party.objects.filter(case=case).exclude(pk=party.pk).order_by("pk")
        consents = ConsentRecord.objects.filter(party=party) | ConsentRecord.objects.filter(
            given_by=party
        )
        cases.append(
            {
                "reference": case.reference,
                "their_part": party.get_role_display(),
                "status": case.get_status_display(),
                "kind_of_harm": str(case.harm_type or ""),
                "opened_on": _date(case.opened_on),
                "closed_on": _date(case.closed_at.date() if case.closed_at else None),
                "outcome": case.get_closure_outcome_display(),
                "others_in_the_case": [o.get_role_display() for o in others],
                "notes_about_them": party.private_notes,
                "consent": [
                    {
                        "date": _date(c.decided_on),
                        "about": "them"
                        if c.party_id == party.pk
                        else "someone they gave consent for",
                        "given_by": "them"
                        if c.given_by_id == party.pk
                        else "their parent or carer",
                        "decision": c.get_decision_display(),
                        "how": c.get_method_display(),
                        "note": c.note,
                    }
                    for c in consents.distinct().order_by("decided_on", "pk")
                ],
                "contact_with_them": [
                    {
                        "date": _date(e.contact_on),
                        "how": e.get_kind_display(),
                        "minutes": e.minutes,
                        "note": e.note,
                    }
                    for e in ContactLogEntry.objects.filter(party=party).order_by("contact_on")
                ],
                "meetings_attended": [
                    {
                        "date": _date(a.meeting.scheduled_at.date()),
                        "kind": a.meeting.get_process_display(),
                        "status": a.meeting.get_status_display(),
                    }
                    for a in MeetingAttendee.objects.filter(party=party).select_related("meeting")
                ],
                "their_agreed_actions": [
                    {
                        "kind": a.get_kind_display(),
                        "what": a.description,
                        "due_by": _date(a.due_on),
                        "status": a.get_status_display(),
                    }
                    for a in AgreementAction.objects.filter(owner=party)
                ],
                "documents_about_them": [
                    {
                        "title": d.title,
                        "kind": d.get_kind_display(),
                        "added_on": _date(d.created_at),
                    }
                    for d in Document.objects.filter(party=party)
                ],
            }
        )
    referrals = [
        {
            "received_on": _date(r.referral.received_on),
            "from": r.referral.source_agency,
            "proposed_as": r.get_role_display(),
            "name_given": f"{r.given_name} {r.family_name}".strip(),
            "phone_given": r.phone,
            "safe_contact_given": r.safe_contact,
            "agreed_to_referral": r.get_agreed_to_referral_display(),
            "agreed_to_contact": r.get_agreed_to_contact_display(),
            "needs_given": r.need_labels(),
            "language_given": r.language,
            "needs_note": r.needs_note,
            "identifier_given": f"{r.get_identifier_kind_display()} {r.identifier_value}".strip(),
            "notes": r.notes,
        }
        for r in ReferralPerson.objects.filter(person=person).select_related("referral")
    ]
    audit = [
        {
            "when": e.at.isoformat(timespec="minutes"),
            "what": e.get_action_display(),
            "detail": e.summary,
        }
        for e in AuditEvent.objects.filter(record_type="person", record_id=str(person.pk)).order_by(
            "at", "pk"
        )
    ]
    return {
        "produced_on": timezone.localdate().isoformat(),
        "organisation": person.organisation.name,
        "person": {
            "first_name": person.given_name,
            "last_name": person.family_name,
            "known_as": person.known_as,
            "pronouns": person.pronouns,
            "date_of_birth": _date(person.date_of_birth),
            "age_band": person.get_age_band_display(),
            "child": person.is_child,
            "email": person.email,
            "phone": person.phone,
            "address": person.address,
            "preferred_contact": person.get_preferred_contact_display(),
            "voicemail_safe": person.get_voicemail_safe_display(),
            "texts_safe": person.get_text_safe_display(),
            "letters_safe": person.get_letter_safe_display(),
            "emails_safe": person.get_email_safe_display(),
            "contact_only_from": person.contact_from.isoformat() if person.contact_from else "",
            "contact_only_until": person.contact_until.isoformat() if person.contact_until else "",
            "notes_on_safe_contact": person.safe_contact_notes,
            "language": person.language,
            "needs_an_interpreter": person.interpreter_needed,
            "letters_and_messages_in": person.get_message_language_display(),
            "accessibility_needs": person.accessibility_needs,
            "year_group": person.year_group,
            "form_or_class": person.form_group,
            "identifiers": [
                {"kind": i.get_kind_display(), "value": i.value} for i in person.identifiers.all()
            ],
        },
        "more_held": [section for more in MORE_HELD for section in more(person)],
        "cases": cases,
        "referrals": referrals,
        "who_viewed_or_changed_their_record": audit,
        "not_included": str(SHARED_RECORDS_NOTE),
    }


def subject_access_pdf(data: dict[str, Any]) -> bytes:
    import weasyprint  # slow to import: only when a PDF is asked for
    from django.template.loader import render_to_string

    html = render_to_string("privacy/subject_access_pdf.html", {"data": data})
    return bytes(weasyprint.HTML(string=html, url_fetcher=_fetch_nothing).write_pdf())


def _fetch_nothing(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """The PDF is made from our template alone: nothing is fetched, whatever the text says."""
    raise ValueError(f"Refused to fetch {url[:40]} while making a PDF")
