"""Making referrals and triaging them: accept (a case opens with the referral's people) or decline."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass
from functools import reduce
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, Party, PartyRole
from amends.cases.services import case_open, party_add
from amends.core.audit import audit_record, english_display
from amends.core.models import AuditAction, Membership, Organisation
from amends.core.vocabulary import current_words
from amends.people.models import Person, PersonIdentifier, identifier_search_form
from amends.people.names import fold
from amends.people.services import person_create
from amends.referrals.models import (
    PARENT_ROLES,
    SUPPORTS,
    HarmType,
    Need,
    ProposedRole,
    Referral,
    ReferralPerson,
    ReferralSource,
    ReferralStatus,
    Risk,
    needs_advanced_training,
    referral_problems,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

# Sent inside the transaction that accepts or declines a referral, with `referral=`: the API
# records a webhook for the key that submitted it (amends/api/webhooks.py).
referral_decided = Signal()

PARTY_ROLE_FOR = {
    ProposedRole.HARMED: PartyRole.HARMED,
    ProposedRole.RESPONSIBLE: PartyRole.RESPONSIBLE,
    ProposedRole.SUPPORTER_OF_HARMED: PartyRole.SUPPORTER,
    ProposedRole.SUPPORTER_OF_RESPONSIBLE: PartyRole.SUPPORTER,
    ProposedRole.PARENT_OF_HARMED: PartyRole.PARENT_CARER,
    ProposedRole.PARENT_OF_RESPONSIBLE: PartyRole.PARENT_CARER,
    ProposedRole.COMMUNITY: PartyRole.COMMUNITY,
    ProposedRole.PROFESSIONAL: PartyRole.PROFESSIONAL,
    ProposedRole.OTHER: PartyRole.COMMUNITY,
}


def _people_problems(people: list[dict[str, Any]]) -> dict[str, str]:
    """A supporter or parent needs the person they stand beside in the same referral."""
    problems = {}
    for n, details in enumerate(people, start=1):
        role = details.get("role", "")
        if role not in SUPPORTS:
            continue
        beside = [p for p in people if p.get("role") == SUPPORTS[role]]
        label = current_words().role_label(SUPPORTS[role]).lower()
        name = f"{details.get('given_name', '')} {details.get('family_name', '')}".strip()
        if not beside:
            problems[f"person{n}-role"] = gettext(
                "Add the %(label)s that %(name)s supports, or choose another part for %(name)s"
            ) % {"label": label, "name": name}
        elif role in PARENT_ROLES and not any(
            ReferralPerson(
                date_of_birth=p.get("date_of_birth"), age_band=p.get("age_band", "")
            ).is_child()
            for p in beside
        ):
            problems[f"person{n}-role"] = gettext(
                "A parent or carer is only for someone under 18: give the date of birth or "
                "age band of the %(label)s, or choose another part for %(name)s"
            ) % {"label": label, "name": name}
    return problems


def referral_create(
    *, organisation: Organisation, by: User | None, people: list[dict[str, Any]], **fields: Any
) -> Referral:
    """Record a referral and the people it proposes, all or nothing.

    Refusals name their field: the referral's own, or `person<n>-<field>` for the n-th person.
    """
    if not people:
        raise ValidationError(_("Add at least one person: who was harmed, or who was responsible"))
    if fields.get("incident_date") and fields["incident_date"] > timezone.localdate():
        raise ValidationError({"incident_date": _("The date of the incident must be in the past")})
    if fields.get("received_on") and fields["received_on"] > timezone.localdate():
        raise ValidationError({"received_on": _("The date received must be today or in the past")})
    if fields.get("harm_type") and fields["harm_type"].organisation_id != organisation.pk:
        raise ValidationError({"harm_type": _("Choose a kind of harm from the list")})
    if organisation.sectors and fields.get("sector") not in organisation.sectors:
        raise ValidationError({"sector": _("Choose a kind of service from the list")})
    risks = list(fields.pop("risks", []))
    unknown = set(risks) - set(Risk.values)
    unknown |= {need for p in people for need in p.get("needs", [])} - set(Need.values)
    if unknown:
        raise ValidationError(_("Choose risks and needs from the lists"))
    problems = referral_problems(
        sector=fields.get("sector"),
        justice_stage=fields.get("justice_stage", ""),
        incident_reference=fields.get("incident_reference", ""),
        risks=risks,
        self_referral=fields.get("source") == ReferralSource.SELF,
    ) | _people_problems(people)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        referral = Referral(
            organisation=organisation,
            referred_by=by if fields.pop("by_referrer", False) else None,
            risks=",".join(risks),
            created_by=by,
            updated_by=by,
            **fields,
        )
        referral.full_clean()
        referral.save()
        for details in people:
            person = ReferralPerson(
                organisation=organisation,
                referral=referral,
                created_by=by,
                updated_by=by,
                **{**details, "needs": ",".join(details.get("needs", []))},
            )
            person.full_clean()
            person.save()
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=referral,
            summary=f"Made a referral proposing {len(people)} people",
            actor_label="" if by is not None else "Public website",
        )
    return referral


# Triage ----------------------------------------------------------------------------

MATCHES_PER_PERSON = 5


@dataclass(frozen=True)
class PossibleMatch:
    """Someone already recorded who may be a proposed person, and why they might be."""

    person: Person
    why: str
    strength: int


def _why_alike(proposed: ReferralPerson, person: Person) -> tuple[int, str] | None:
    if person.pk == proposed.person_id:
        return 6, gettext("Named in the referral")
    given_reference = identifier_search_form(proposed.identifier_value)
    for identifier in person.identifiers.all():
        if given_reference and identifier.value == given_reference:
            return 5, gettext("Same %(kind)s") % {"kind": identifier.get_kind_display().lower()}
    key = person.search_key
    given = fold(proposed.given_name).split()
    family = fold(proposed.family_name).split()
    given_alike = bool(given) and all(word in key for word in given)
    family_alike = bool(family) and all(word in key for word in family)
    born = proposed.date_of_birth
    same_birthday = born is not None and person.date_of_birth == born
    if given_alike and family_alike:
        if same_birthday:
            return 4, gettext("Same name and date of birth")
        if born is None or person.date_of_birth is None:
            return 3, gettext("Same name; no date of birth to compare")
        return 1, gettext("Same name, but a different date of birth")
    if same_birthday and family_alike:
        return 2, gettext("Same last name and date of birth")
    if same_birthday and given_alike:
        return 2, gettext("Same first name and date of birth")
    return None


def _alike_condition(proposed: ReferralPerson, holders: dict[str, list[int]]) -> Q | None:
    """Who might be `proposed`: the record the referral names, whoever carries the reference
    given for them, the same names, or the date of birth with one of the names. An index
    serves each branch: the primary key, or the trigram on the search key. `holders` maps
    each reference given in the referral to the people who carry it."""
    given = [Q(search_key__contains=w) for w in fold(proposed.given_name).split()[:3]]
    family = [Q(search_key__contains=w) for w in fold(proposed.family_name).split()[:3]]
    # Primary keys rather than a subquery, so PostgreSQL can OR the indexes together.
    known = list(holders.get(identifier_search_form(proposed.identifier_value), []))
    if proposed.person_id:
        known.append(proposed.person_id)
    known_q = Q(pk__in=known) if known else None
    if not given and not family:
        return known_q
    condition = reduce(operator.and_, given + family)
    if known_q is not None:
        condition |= known_q
    if proposed.date_of_birth is not None:
        born = Q(date_of_birth=proposed.date_of_birth)
        for part in (given, family):
            if part:
                condition |= born & reduce(operator.and_, part)
    return condition


def _with_case_counts(people: QuerySet[Person]) -> QuerySet[Person]:
    return people.annotate(case_count=Count("parties")).prefetch_related("identifiers")


def triage_matches(
    *, referral: Referral, member: Membership, lookups: dict[int, str] | None = None
) -> dict[int, list[PossibleMatch]]:
    """For each person the referral proposes, the people already recorded who may be them:
    found by name and date of birth, and by whatever the coordinator looked up for them
    (a name, or a reference such as a crime reference). A fixed number of queries: one for
    the references given, one for all the referral's people, and one for each lookup."""
    proposed = list(referral.people.all())
    references = {identifier_search_form(p.identifier_value) for p in proposed} - {""}
    holders: dict[str, list[int]] = {}
    if references:
        for value, person_id in PersonIdentifier.objects.filter(
            organisation_id=referral.organisation_id, value__in=references
        ).values_list("value", "person_id"):
            holders.setdefault(value, []).append(person_id)
    conditions = [c for c in (_alike_condition(p, holders) for p in proposed) if c is not None]
    people = Person.objects.visible_to(member)
    candidates = (
        list(_with_case_counts(people.filter(reduce(operator.or_, conditions)))[:200])
        if conditions
        else []
    )
    matches: dict[int, list[PossibleMatch]] = {}
    for item in proposed:
        found = []
        for person in candidates:
            alike = _why_alike(item, person)
            if alike is not None:
                found.append(PossibleMatch(person=person, why=alike[1], strength=alike[0]))
        query = (lookups or {}).get(item.pk, "").strip()
        if query:
            already = {m.person.pk for m in found}
            why = (
                "Has the reference you searched for"
                if _is_reference(query)
                else ("Found by your search")
            )
            found.extend(
                PossibleMatch(person=person, why=why, strength=0)
                for person in _with_case_counts(people.search(query))[:MATCHES_PER_PERSON]
                if person.pk not in already
            )
        found.sort(key=lambda m: (-m.strength, m.person.family_name, m.person.pk))
        matches[item.pk] = found[: MATCHES_PER_PERSON * 2]
    return matches


def _supported(parties: dict[str, list[Party]], role: str) -> Party | None:
    """The party a supporter or parent stands beside: for a parent, a child."""
    if role not in SUPPORTS:
        return None
    beside = parties.get(SUPPORTS[role], [])
    if role in PARENT_ROLES:
        beside = [p for p in beside if p.person.is_child]
    return beside[0] if beside else None


def _is_reference(query: str) -> bool:
    return any(c.isdigit() for c in query)


def _lock_undecided(referral: Referral) -> Referral:
    """Re-read the referral under a row lock; refuse if someone has decided it meanwhile.
    Call inside the transaction that decides it, so accept and decline cannot both win."""
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.status != ReferralStatus.NEW:
        if locked.status == ReferralStatus.ACCEPTED:
            raise ValidationError(
                _("This referral has already been accepted: someone else triaged it first.")
            )
        raise ValidationError(
            _("This referral has already been declined: someone else triaged it first.")
        )
    return locked


def referral_accept(
    *,
    referral: Referral,
    by: User,
    planned_process: str,
    people: Mapping[int, Person | None] | None = None,
) -> Case:
    """Accept a waiting referral: open a case whose parties are the referral's people.

    `people` says, for each proposed person (by ReferralPerson pk), the record they
    are: someone already recorded, or None for a new record. A proposed person not
    named there keeps the record the referral gave, or gets a new one. Each proposed
    person is then linked to their record, so subject access and erasure find the
    referral too.
    """
    chosen = dict(people or {})
    with transaction.atomic():
        locked = _lock_undecided(referral)
        proposed_people = list(locked.people.select_related("person").order_by("pk"))
        records: dict[int, Person | None] = {
            p.pk: chosen.get(p.pk, p.person) for p in proposed_people
        }
        _check_choices(locked, proposed_people, records)
        case = case_open(
            organisation=locked.organisation,
            by=by,
            sector=locked.sector,
            harm_type=locked.harm_type,
            harm_summary=locked.incident_summary,
            incident_date=locked.incident_date,
            justice_stage=locked.justice_stage,
            planned_process=planned_process,
            referral=locked,
        )
        parties: dict[str, list[Party]] = {}
        # The people at the centre first, so their supporters and parents have someone to join.
        for proposed in sorted(proposed_people, key=lambda p: p.role in SUPPORTS):
            person = records[proposed.pk] or person_create(
                organisation=locked.organisation, by=by, **proposed.person_details()
            )
            party = party_add(
                case=case,
                person=person,
                role=PARTY_ROLE_FOR[ProposedRole(proposed.role)],
                supports=_supported(parties, proposed.role),
                by=by,
            )
            parties.setdefault(proposed.role, []).append(party)
            proposed.person = person
            proposed.updated_by = by
            proposed.save(update_fields=["person", "updated_by", "updated_at"])
        linked = sum(1 for p in proposed_people if records[p.pk] is not None)
        locked.status = ReferralStatus.ACCEPTED
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.updated_by = by
        locked.save(
            update_fields=["status", "decided_at", "decided_by", "updated_by", "updated_at"]
        )
        referral_decided.send(sender=Referral, referral=locked)
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=locked.organisation,
            record=locked,
            summary=f"Accepted the referral: opened {case.reference}; "
            f"{linked} of {len(proposed_people)} people linked to existing records",
        )
    referral.refresh_from_db()
    return case


def _check_choices(
    referral: Referral, proposed_people: list[ReferralPerson], records: dict[int, Person | None]
) -> None:
    errors: dict[str, str] = {}
    seen: dict[int, ReferralPerson] = {}
    for proposed in proposed_people:
        person = records[proposed.pk]
        if person is None:
            continue
        field = f"person_{proposed.pk}"
        if person.organisation_id != referral.organisation_id:
            errors[field] = "Choose someone from this service's records"
        elif person.pk in seen:
            first = seen[person.pk]
            errors[field] = (
                f"{first.given_name} {first.family_name} is already linked to "
                f"{person.full_name}: choose someone else, or someone new"
            )
        else:
            seen[person.pk] = proposed
    unknown = set(records) - {p.pk for p in proposed_people}
    if unknown:
        errors["__all__"] = "The referral's people have changed: check them and try again"
    if errors:
        raise ValidationError(errors)


def referral_decline(*, referral: Referral, by: User, reason: str, note: str) -> Referral:
    with transaction.atomic():
        locked = _lock_undecided(referral)
        locked.status = ReferralStatus.DECLINED
        locked.decline_reason = reason
        locked.decline_note = note
        locked.decided_at = timezone.now()
        locked.decided_by = by
        locked.updated_by = by
        locked.full_clean()
        locked.save()
        referral_decided.send(sender=Referral, referral=locked)
        reason_label = english_display(locked, "decline_reason").lower()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=locked.organisation,
            record=locked,
            summary=f"Declined the referral: {reason_label}",
        )
    referral.refresh_from_db()
    return referral


def harm_type_add(*, organisation: Organisation, name: str, by: User) -> HarmType:
    name = " ".join(name.split())
    if HarmType.objects.filter(organisation=organisation, name__iexact=name).exists():
        raise ValidationError({"name": _("“%(name)s” is already in the list") % {"name": name}})
    with transaction.atomic():
        last = HarmType.objects.filter(organisation=organisation).order_by("-position").first()
        harm_type = HarmType.objects.create(
            organisation=organisation,
            name=name,
            position=(last.position + 1) if last else 0,
            needs_advanced_training=needs_advanced_training(name),
            created_by=by,
            updated_by=by,
        )
        audit_record(
            actor=by,
            action=AuditAction.CREATE,
            organisation=organisation,
            record=harm_type,
            summary=f"Added the harm type “{name}”",
        )
    return harm_type


def harm_type_set_active(*, harm_type: HarmType, active: bool, by: User) -> HarmType:
    with transaction.atomic():
        harm_type.is_active = active
        harm_type.updated_by = by
        harm_type.save(update_fields=["is_active", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=harm_type.organisation,
            record=harm_type,
            summary=("Restored" if active else "Retired") + f" the harm type “{harm_type.name}”",
        )
    return harm_type


def harm_type_set_needs_advanced(*, harm_type: HarmType, needed: bool, by: User) -> HarmType:
    """Say whether a lead facilitator needs advanced training for this kind of harm."""
    with transaction.atomic():
        harm_type.needs_advanced_training = needed
        harm_type.updated_by = by
        harm_type.save(update_fields=["needs_advanced_training", "updated_by", "updated_at"])
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=harm_type.organisation,
            record=harm_type,
            summary=f"“{harm_type.name}” "
            + ("needs advanced training" if needed else "no longer needs advanced training"),
        )
    return harm_type


def referral_progress(referral: Referral) -> str:
    """What a referrer may know of a referral's progress: a stage, never the content of the work."""
    if referral.status == ReferralStatus.DECLINED:
        return gettext("Declined")
    if referral.status == ReferralStatus.NEW:
        return gettext("Waiting for triage")
    case = getattr(referral, "case", None)
    if case is None:
        return gettext("Accepted")
    return {
        "open": gettext("Accepted: a facilitator is being allocated"),
        "preparing": gettext("In progress: preparing the people involved"),
        "meeting_arranged": gettext("In progress: a meeting is arranged"),
        "monitoring": gettext("In progress: an agreement is being followed up"),
        "closed": gettext("Finished"),
    }[case.status]
