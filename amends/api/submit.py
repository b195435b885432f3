"""Submitting a referral through the API: the web form's validation and the same service.

The JSON body is turned into the data the web referral form posts, and bound to the same
forms (`ReferralForm`, `ProposedPersonForm`); the referral is made by the same service
(`referral_create`), so the same rules hold whichever way a referral arrives. Refusals are
given at the JSON field they concern: `incident_summary`, `people[1].given_name`.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import QueryDict
from django.utils import translation

from amends.api.models import ApiKey, ApiSubmission
from amends.api.problems import ApiProblem, invalid
from amends.core.audit import audit_record
from amends.core.models import AuditAction
from amends.referrals.forms import MAX_PEOPLE, PERSON_FIELDS, ReferralForm, people_forms
from amends.referrals.models import HarmType, Referral
from amends.referrals.services import referral_create

REFERRAL_FIELDS = (
    "sector",
    "source_agency",
    "referrer_name",
    "referrer_contact",
    "received_on",
    "incident_date",
    "incident_reference",
    "incident_summary",
    "harm_type",
    "justice_stage",
    "risks",
    "risk_note",
)
DATE_FIELDS = {"received_on", "incident_date", "date_of_birth"}
ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MAX_IDEMPOTENCY_KEY = 100


def body_hash(body: dict[str, Any]) -> str:
    """The same body, however its keys are ordered or spaced, hashes the same."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _put(
    data: QueryDict, name: str, field: str, value: Any, errors: list[dict[str, str]], where: str
) -> None:
    if value is None:
        return
    if field in DATE_FIELDS:
        match = ISO_DATE.match(str(value))
        if not match:
            errors.append(
                {"field": where, "detail": "Write the date as YYYY-MM-DD, for example 2026-11-20"}
            )
            return
        year, month, day = match.groups()
        for n, part in enumerate((day, month, year)):
            data[f"{name}_{n}"] = part
    elif isinstance(value, list):
        data.setlist(name, [str(v) for v in value])
    else:
        data[name] = str(value)


def form_data(
    organisation_sectors: list[str], body: dict[str, Any], harm_types: dict[str, HarmType]
) -> tuple[QueryDict, list[dict[str, str]]]:
    """The web form's data for this body, and any date written the wrong way."""
    data = QueryDict(mutable=True)
    errors: list[dict[str, str]] = []
    for field in REFERRAL_FIELDS:
        value = body.get(field)
        if field == "sector" and value is None and len(organisation_sectors) == 1:
            value = organisation_sectors[0]
        if field == "harm_type" and value is not None:
            found = harm_types.get(str(value).strip().lower())
            value = found.pk if found is not None else f"unknown:{value}"
        _put(data, field, field, value, errors, field)
    people = body.get("people") or []
    data["people_count"] = str(len(people))
    for n, person in enumerate(people, start=1):
        for field in PERSON_FIELDS:
            _put(
                data,
                f"person{n}-{field}",
                field,
                person.get(field),
                errors,
                f"people[{n - 1}].{field}",
            )
    return data, errors


def _field_name(key: str) -> str | None:
    """The JSON field of a form's or the service's error key; None for the whole referral."""
    match = re.match(r"^person(\d+)-(.*)$", key)
    if match:
        return f"people[{int(match[1]) - 1}].{match[2]}"
    return None if key == "__all__" else key


def _form_errors(form: Any, prefix: str = "") -> list[dict[str, str]]:
    found = []
    for name, messages in form.errors.items():
        field = "" if name == "__all__" else f"{prefix}{name}"
        found += [{"field": field, "detail": str(message)} for message in messages]
    return found


def referral_submit(
    *, api_key: ApiKey, idempotency_key: str, body: dict[str, Any]
) -> tuple[Referral, bool]:
    """Make the referral this body describes, once per Idempotency-Key: the referral, and
    whether it was made now (False: the same request was made before)."""
    if not idempotency_key.strip() or len(idempotency_key) > MAX_IDEMPOTENCY_KEY:
        raise invalid(
            [
                {
                    "field": "Idempotency-Key",
                    "detail": f"Send an Idempotency-Key header of 1 to {MAX_IDEMPOTENCY_KEY} characters, unique to this referral",
                }
            ]
        )
    fingerprint = body_hash(body)
    organisation = api_key.organisation
    with transaction.atomic():
        # One submission at a time per key: a retry sent while the first is still being
        # made waits here, then finds it.
        ApiKey.objects.select_for_update().filter(pk=api_key.pk).first()
        earlier = (
            ApiSubmission.objects.of_key(api_key)
            .select_related("referral")
            .filter(idempotency_key=idempotency_key)
            .first()
        )
        if earlier is not None:
            if earlier.body_hash != fingerprint:
                raise ApiProblem(
                    409,
                    "idempotency-key-reused",
                    "Idempotency-Key already used",
                    "This Idempotency-Key was sent before with a different body. Send the same "
                    "body to get the referral it made, or use a new key for a new referral.",
                    errors=[
                        {
                            "field": "Idempotency-Key",
                            "detail": "Already used for a different referral",
                        }
                    ],
                )
            return earlier.referral, False
        # The form's and the service's messages go back in English, as the rest of the API.
        with translation.override(settings.LANGUAGE_CODE):
            referral = _make(api_key, body)
        ApiSubmission.objects.create(
            organisation=organisation,
            api_key=api_key,
            referral=referral,
            idempotency_key=idempotency_key,
            body_hash=fingerprint,
        )
        audit_record(
            actor=None,
            actor_label=f"API key {api_key.prefix}",
            action=AuditAction.CREATE,
            organisation=organisation,
            record=referral,
            summary=f"Referral submitted through the API by the key “{api_key.name}”",
        )
    return referral, True


def _make(api_key: ApiKey, body: dict[str, Any]) -> Referral:
    organisation = api_key.organisation
    harm_types = {h.name.lower(): h for h in HarmType.objects.for_organisation(organisation)}
    people_given = body.get("people") or []
    if len(people_given) > MAX_PEOPLE:
        raise invalid(
            [{"field": "people", "detail": f"A referral can name at most {MAX_PEOPLE} people"}]
        )
    data, errors = form_data(list(organisation.sectors), body, harm_types)
    form = ReferralForm(data, organisation=organisation)
    people = people_forms(data, len(people_given))
    form_ok = form.is_valid()
    people_ok = [p.is_valid() for p in people]
    written_wrong = {e["field"] for e in errors}
    found = _form_errors(form)
    for n, person in enumerate(people):
        found += _form_errors(person, f"people[{n}].")
    errors += [e for e in found if e["field"] not in written_wrong]
    for problem in errors:
        if problem["field"] == "harm_type":
            problem["detail"] += ": " + ", ".join(h.name for h in harm_types.values())
    if errors or not form_ok or not all(people_ok):
        raise invalid(errors)
    filled = [p for p in people if p.has_changed()]
    try:
        return referral_create(
            organisation=organisation,
            by=None,  # no user: the audit log names the key
            people=[p.details() for p in filled],
            by_referrer=False,
            **form.cleaned_data,
        )
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise invalid([{"field": "", "detail": m} for m in exc.messages]) from None
        raise invalid(
            [
                {"field": _field_name(key) or "", "detail": message}
                for key, messages in exc.message_dict.items()
                for message in messages
            ]
        ) from None
