"""The API for agency systems, version 1: /api/v1/ (documentation at /api/v1/docs).

Every call names its key (`Authorization: Bearer <key>`); the key belongs to one organisation
and acts as a referrer or a viewer, never more. Errors are problem details (RFC 9457).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import threading
import time
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from ninja import Header, NinjaAPI, Query, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.security import HttpBearer
from ninja.throttling import BaseThrottle

from amends.api.models import ApiCallCount, ApiKey, ApiSubmission, Scope
from amends.api.problems import ApiProblem, Problem, invalid, problem_response
from amends.api.status import referral_status
from amends.api.submit import referral_submit
from amends.api.webhooks import RECEIVER_GUIDE
from amends.referrals.models import HarmType

DESCRIPTION = f"""
The API for the systems of the agencies that refer to a restorative justice or restorative
practice service: a police force's crime system, a school's or a housing provider's case system.

## Keys

A coordinator of the service makes a key under **Organisation → API keys**, choosing what it
may do (its scopes) and when it expires. The key is shown once. Send it with every call:

    Authorization: Bearer amends_…

A key reads only what it submitted. Another organisation's record, or a referral the key did
not submit, is answered 404, as if it did not exist.

## Limits

Each key may make {settings.AMENDS_API_RATE.replace("/min", " calls a minute")}. Past that the
answer is 429 with a `Retry-After` header saying how many seconds to wait.

## Submitting a referral once

Send an `Idempotency-Key` header (up to 100 characters, unique to the referral: a UUID your
system makes for it is best; put no personal details in it) with each `POST /referrals`. If the answer does
not reach you, send the same request again with the same key: you get the referral the first
request made (200, `Idempotent-Replayed: true`), never a second one. The same key with a
different body is refused with 409.

## Reading status

`GET /referrals` lists the referrals the key submitted, newest first, a page at a time: follow
`next_cursor` until it is null. Each answer has an `ETag`; send it back as `If-None-Match` and
an unchanged answer is 304 with no body.

## Errors

Errors are `application/problem+json` (RFC 9457): `type`, `title`, `status`, `detail`,
`instance`, and `errors`, a list of the fields with problems, for example
`{{"field": "people[0].given_name", "detail": "Enter the first name of person 1"}}`.

{RECEIVER_GUIDE}
""".strip()

BIGGEST_ID = 2**63 - 1
ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 429: Problem}


class KeyAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> ApiKey:
        key = (
            ApiKey.objects.select_related("organisation")
            .filter(key_hash=ApiKey.hash_key(token.strip()))
            .first()
        )
        if key is None:
            raise ApiProblem(401, "unknown-key", "API key not recognised", "Check the API key.")
        request.api_key = key  # type: ignore[attr-defined]  # for the call's audit
        if key.is_revoked:
            raise ApiProblem(401, "revoked-key", "API key revoked", "This API key was revoked.")
        if key.is_expired:
            raise ApiProblem(
                401,
                "expired-key",
                "API key expired",
                f"This API key expired on {timezone.localtime(key.expires_at):%d %B %Y}.",
            )
        now = timezone.now()
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
        return key


RATE_PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400}


class PerKeyThrottle(BaseThrottle):
    """So many calls a minute for each key (settings.AMENDS_API_RATE), counted in the database
    so the limit holds across every server process and thread, not for each one alone."""

    def __init__(self) -> None:
        self._local = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        key = getattr(request, "auth", None)
        if not isinstance(key, ApiKey):
            return True
        calls_allowed, per = settings.AMENDS_API_RATE.split("/")
        limit, duration = int(calls_allowed), RATE_PERIODS[per]
        now = time.time()
        window = int(now // duration)
        calls = count_call(key, window)
        self._local.wait = duration - (now % duration)
        return calls <= limit

    def wait(self) -> float | None:
        wait = getattr(self._local, "wait", None)
        return None if wait is None else max(wait, 1)


def count_call(key: ApiKey, window: int) -> int:
    """Add one call to the key's count for the window, and return the count. The increment is
    one UPDATE, so concurrent calls never lose a count; counts of past windows are dropped."""
    counts = ApiCallCount.objects.filter(organisation_id=key.organisation_id, api_key=key)
    with transaction.atomic():
        if not counts.filter(window=window).update(calls=F("calls") + 1):
            counts.filter(window__lt=window).delete()
            try:
                with transaction.atomic():
                    ApiCallCount.objects.create(
                        organisation_id=key.organisation_id, api_key=key, window=window, calls=1
                    )
            except IntegrityError:  # another call made the window's count first
                counts.filter(window=window).update(calls=F("calls") + 1)
        return counts.filter(window=window).values_list("calls", flat=True).get()


class AmendsAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        """Errors are documented as application/problem+json, as they are sent."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        response["content"] = {
                            "application/problem+json": content["application/json"]
                        }
        return schema


api = AmendsAPI(
    title="Amends API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=KeyAuth(),
    throttle=PerKeyThrottle(),
    openapi_url="/openapi.json",
    docs_url="/docs",
)


# Errors ----------------------------------------------------------------------


@api.exception_handler(ApiProblem)
def _problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    return problem_response(request, exc)


@api.exception_handler(AuthenticationError)
def _no_key(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return problem_response(
        request,
        ApiProblem(
            401,
            "no-key",
            "API key needed",
            "Send your API key in the Authorization header: Bearer <key>.",
        ),
    )


@api.exception_handler(Throttled)
def _too_many(request: HttpRequest, exc: Throttled) -> HttpResponse:
    return problem_response(
        request,
        ApiProblem(
            429,
            "too-many-requests",
            "Too many requests",
            f"This key has made more than {settings.AMENDS_API_RATE} calls. "
            "Wait for the number of seconds in the Retry-After header, then try again.",
        ),
    )


def _location(loc: list[Any] | tuple[Any, ...]) -> str:
    parts = [p for p in loc if p not in ("body", "payload", "query", "header", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


PLAIN = {
    "missing": "Enter {field}",
    "string_type": "{field} must be text",
    "list_type": "{field} must be a list",
    "int_parsing": "{field} must be a whole number",
    "greater_than_equal": "{field} must be at least {ge}",
    "less_than_equal": "{field} must be at most {le}",
    "model_attributes_type": "{field} must be an object",
    "dict_type": "{field} must be an object",
    "json_invalid": "The body must be JSON",
}


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = []
    for error in exc.errors:
        field = _location(error.get("loc", ()))
        template = PLAIN.get(error.get("type", ""), "{field}: {msg}")
        detail = template.format(
            field=field or "The body", msg=error.get("msg", ""), **error.get("ctx", {})
        )
        errors.append({"field": field, "detail": detail})
    return problem_response(request, invalid(errors))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem_response(
        request, ApiProblem(404, "not-found", "Not found", "There is no such record for this key.")
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400:  # the only one raised by the API itself: a body it cannot read
        return problem_response(
            request,
            ApiProblem(400, "unreadable", "Body cannot be read", "The body must be a JSON object."),
        )
    return problem_response(request, ApiProblem(exc.status_code, "error", str(exc), str(exc)))


def require(request: HttpRequest, scope: Scope) -> ApiKey:
    key: ApiKey = request.auth  # type: ignore[attr-defined]
    if not key.has_scope(scope):
        with translation.override(settings.LANGUAGE_CODE):  # the API speaks English
            label = str(scope.label)
        raise ApiProblem(
            403,
            "scope",
            "Not allowed for this key",
            f"This key may not do this: it needs the scope “{scope.value}” ({label}). "
            "A coordinator can make a key that may.",
        )
    return key


def conditional(request: HttpRequest, body: Any, status: int = 200) -> HttpResponse:
    """JSON with an ETag; 304 with no body if the client already has this version."""
    text = json.dumps(body, sort_keys=True)
    etag = f'"{hashlib.sha256(text.encode()).hexdigest()[:32]}"'
    wanted = [
        t.strip().removeprefix("W/") for t in request.headers.get("If-None-Match", "").split(",")
    ]
    if status == 200 and (etag in wanted or "*" in wanted):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(text, status=status, content_type="application/json")
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


# Schemas ---------------------------------------------------------------------


class PersonIn(Schema):
    role: str
    given_name: str
    family_name: str
    date_of_birth: str | None = None
    age_band: str = ""
    agreed_to_referral: str = "not_asked"
    agreed_to_contact: str = "not_asked"
    needs: list[str] = []
    language: str = ""
    needs_note: str = ""
    identifier_kind: str = ""
    identifier_value: str = ""
    phone: str = ""
    safe_contact: str = ""


class ReferralIn(Schema):
    sector: str | None = None
    source_agency: str
    referrer_name: str
    referrer_contact: str = ""
    received_on: str
    incident_date: str | None = None
    incident_reference: str = ""
    incident_summary: str
    harm_type: str
    justice_stage: str = ""
    risks: list[str]
    risk_note: str = ""
    people: list[PersonIn]


class ReferralOut(Schema):
    id: int
    idempotency_key: str
    received_on: str
    status: str
    status_label: str
    progress: str
    decided_on: str | None
    decline_reason: str | None
    decline_reason_label: str | None


class ReferralPage(Schema):
    items: list[ReferralOut]
    next_cursor: str | None


class HarmTypeOut(Schema):
    name: str


# Operations ------------------------------------------------------------------


@api.get(
    "/harm-types",
    response={200: list[HarmTypeOut], 304: None, **ERRORS},
    summary="The kinds of harm a referral may name",
    tags=["referrals"],
)
def harm_types(request: HttpRequest) -> HttpResponse:
    key = require(request, Scope.SUBMIT_REFERRALS)
    names = [{"name": h.name} for h in HarmType.objects.for_organisation(key.organisation)]
    return conditional(request, names)


@api.post(
    "/referrals",
    response={
        201: ReferralOut,
        200: ReferralOut,
        400: Problem,
        409: Problem,
        422: Problem,
        **ERRORS,
    },
    summary="Submit a referral",
    description="The same checks as the referral form. Send an `Idempotency-Key` header: the "
    "same key and body again returns the referral already made (200) rather than making "
    "another; the same key with another body is refused (409).",
    tags=["referrals"],
)
def referral_create(
    request: HttpRequest,
    payload: ReferralIn,
    idempotency_key: str = Header(..., alias="Idempotency-Key"),
) -> HttpResponse:
    key = require(request, Scope.SUBMIT_REFERRALS)
    try:
        body = json.loads(request.body)
    except ValueError:
        raise invalid([{"field": "", "detail": "The body must be JSON"}]) from None
    referral, made = referral_submit(api_key=key, idempotency_key=idempotency_key, body=body)
    response = conditional(
        request, referral_status(referral, idempotency_key=idempotency_key), 201 if made else 200
    )
    response["Location"] = reverse("api:referral_detail", args=[referral.pk])
    if not made:
        response["Idempotent-Replayed"] = "true"
    return response


def _cursor(value: str | None) -> int | None:
    if not value:
        return None
    try:
        number = int(base64.urlsafe_b64decode(value.encode() + b"==").decode())
    except (ValueError, binascii.Error, UnicodeDecodeError):
        number = -1
    if not 0 < number <= BIGGEST_ID:
        raise invalid(
            [{"field": "cursor", "detail": "Use the next_cursor of the page before, unchanged"}]
        )
    return number


class PageQuery(Schema):
    cursor: str | None = None
    limit: int = 25


@api.get(
    "/referrals",
    response={200: ReferralPage, 304: None, 422: Problem, **ERRORS},
    summary="The referrals this key submitted, newest first",
    tags=["referrals"],
)
def referral_list(request: HttpRequest, page: Query[PageQuery]) -> HttpResponse:
    key = require(request, Scope.READ_REFERRALS)
    if not 1 <= page.limit <= 100:
        raise invalid([{"field": "limit", "detail": "limit must be from 1 to 100"}])
    submissions = ApiSubmission.objects.of_key(key).select_related("referral__case").order_by("-pk")
    after = _cursor(page.cursor)
    if after is not None:
        submissions = submissions.filter(pk__lt=after)
    rows = list(submissions[: page.limit + 1])
    more = len(rows) > page.limit
    rows = rows[: page.limit]
    next_cursor = (
        base64.urlsafe_b64encode(str(rows[-1].pk).encode()).decode().rstrip("=") if more else None
    )
    return conditional(
        request,
        {
            "items": [referral_status(s.referral, idempotency_key=s.idempotency_key) for s in rows],
            "next_cursor": next_cursor,
        },
    )


@api.get(
    "/referrals/{referral_id}",
    response={200: ReferralOut, 304: None, 404: Problem, **ERRORS},
    summary="The status of one referral this key submitted",
    url_name="referral_detail",
    tags=["referrals"],
)
def referral_detail(request: HttpRequest, referral_id: str) -> HttpResponse:
    key = require(request, Scope.READ_REFERRALS)
    # Anything that is not the id of a referral this key submitted is simply not found.
    if not referral_id.isdigit() or int(referral_id) > BIGGEST_ID:
        raise Http404
    submission = (
        ApiSubmission.objects.of_key(key)
        .select_related("referral__case")
        .filter(referral_id=int(referral_id))
        .first()
    )
    if submission is None:
        raise Http404
    return conditional(
        request, referral_status(submission.referral, idempotency_key=submission.idempotency_key)
    )
