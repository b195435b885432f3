"""Every URL, every role, whose record it is: allowed by DESIGN.md §2, or refused.

The table below says, for each URL, who may open it. A URL missing from it
fails the test, so a new page forces a decision. Each URL is opened by a
coordinator, a facilitator, a referrer, a viewer, a trainer, a platform
administrator and someone signed out, for each kind of record it can show:

  mine       own organisation; the facilitator's own case, the referrer's own referral
  not mine   own organisation; someone else's case or referral
  elsewhere  another organisation's record (always 404: nobody learns it exists)

A refusal is 404 on a page about a record (or for someone with no membership),
403 on a list page for a member whose role may not use it, and a redirect to
sign in for someone signed out. Builds on test_isolation.py's URL walk.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from amends.core.models import Role
from tests.conftest import _member, signed_in
from tests.factories import CaseFactory, CaseHouseholdFactory, PartyFactory, UserFactory
from tests.test_isolation import NOT_RECORDS, build_objects, model_for, open_in_its_sector, walk

C, F, R, V, T = Role.COORDINATOR, Role.FACILITATOR, Role.REFERRER, Role.VIEWER, Role.TRAINER
ADMIN, ANONYMOUS = "platform admin", "anonymous"
ROLES = [C, F, R, V, T, ADMIN, ANONYMOUS]

# Who may open each URL. Values:
#   {roles}            members in these roles, for any record of their organisation
#   ("case team",)     coordinators; facilitators only on their own cases (lead or co-facilitator)
#   ("their people",)  coordinators; facilitators only for people in their own cases
#   ("coordinators",)  coordinators only
#   ("own referrals",) coordinators; referrers only their own referrals
#   ("own record",)    coordinators; facilitators only their own practitioner record
#   "anyone"           public pages, signed out too
#   "signed in"        anyone signed in, with or without a membership
#   "platform admin"   platform administrators only
CASE_TEAM = ("case team",)
THEIR_PEOPLE = ("their people",)
OWN_REFERRALS = ("own referrals",)
OWN_RECORD = ("own record",)  # coordinators; a facilitator only their own practitioner record
GROUP_TEAM = ("group team",)  # coordinators; a facilitator only the groups they run
EXPECTED: dict[str, object] = {
    "core:home": "anyone",
    "core:accessibility": "anyone",
    "core:privacy": "anyone",
    "core:dashboard": "signed in",
    "accounts:account": "signed in",
    "core:platform_organisations": "platform admin",
    "core:members": {C},
    "core:member_invite": {C},
    "core:member_detail": {C},
    "core:member_deactivate": {C},
    "core:member_reactivate": {C},
    "core:invitation_cancel": {C},
    "core:organisation_settings": {C},
    "core:audit_log": {C},
    "core:audit_log_export": {C},
    "people:list": {C, F},
    "people:add": {C},
    "people:detail": THEIR_PEOPLE,
    "people:edit": THEIR_PEOPLE,
    "people:identifier_add": THEIR_PEOPLE,
    "people:identifier_remove": THEIR_PEOPLE,
    "privacy:reveal_contact": THEIR_PEOPLE,
    "privacy:subject_access": {C},
    "privacy:export_pdf": {C},
    "privacy:export_json": {C},
    "referrals:list": {C, R},
    "referrals:new": {C, R},
    "referrals:detail": OWN_REFERRALS,
    "referrals:accept": {C},
    "referrals:decline": {C},
    "referrals:harm_types": {C},
    "referrals:harm_type_toggle": {C},
    "cases:list": {C, F},
    "cases:mine": {C, F},
    "cases:detail": CASE_TEAM,
    "cases:edit": CASE_TEAM,
    "cases:allocate": {C},
    "cases:timeline": CASE_TEAM,
    "cases:close": CASE_TEAM,
    "cases:reopen": {C},
    "cases:party_add": CASE_TEAM,
    "cases:party": CASE_TEAM,
    "cases:party_notes": CASE_TEAM,
    "cases:party_letter": CASE_TEAM,
    "cases:consent": CASE_TEAM,
    "cases:risk": CASE_TEAM,
    "cases:risk_history": CASE_TEAM,
    "cases:contacts": CASE_TEAM,
    "meetings:arrange": CASE_TEAM,
    "meetings:detail": CASE_TEAM,
    "meetings:change": CASE_TEAM,
    "meetings:cancel": CASE_TEAM,
    "meetings:mark_held": CASE_TEAM,
    "meetings:facilitate": CASE_TEAM,
    "meetings:facilitate_action_add": CASE_TEAM,
    "meetings:notes": CASE_TEAM,
    "meetings:message_add": CASE_TEAM,
    "agreements:detail": CASE_TEAM,
    "agreements:action_add": CASE_TEAM,
    "agreements:action_detail": CASE_TEAM,
    "agreements:action_remove": CASE_TEAM,
    "agreements:accept": CASE_TEAM,
    "agreements:confirm": CASE_TEAM,
    "agreements:resolve": CASE_TEAM,
    "agreements:vary": {C},
    "agreements:payment_add": CASE_TEAM,
    "agreements:pdf": CASE_TEAM,
    "agreements:overdue": {C, F},
    "documents:add": CASE_TEAM,
    "documents:download": CASE_TEAM,
    "documents:remove": CASE_TEAM,
    "home:week": {C, F},
    "home:calendar": {C, F},
    "outcomes:harm_measures": CASE_TEAM,
    "outcomes:victims_code": CASE_TEAM,
    "outcomes:feedback_link_create": CASE_TEAM,
    "outcomes:feedback_link_ready": CASE_TEAM,
    "outcomes:feedback_by_phone": CASE_TEAM,
    "outcomes:questions": {C},
    "outcomes:reoffending_check": {C},
    "outcomes:reoffending_checks_due": {C},
    "outcomes:feedback_thanks": "anyone",
    # A prison's pages (tests/test_custody.py); the walk opens them in prisons' services.
    "custody:overview": {C},
    "custody:person": THEIR_PEOPLE,
    "custody:release": CASE_TEAM,
    "custody:transfer": {C},
    "custody:conduct": CASE_TEAM,
    "custody:clearance": CASE_TEAM,
    "reports:custody": {C, V},
    # The public website: its pages are open to all; its site-wide content is run by the
    # coordinators of the consultancy that owns it (none of the organisations here) and by
    # platform administrators; its enquiries and requests are the owner's records, read by
    # any organisation's coordinators through visible_to (so only the owner's ever has any).
    "website:home": "anyone",
    "website:privacy": "anyone",
    "website:accessibility": "anyone",
    "website:contact": "anyone",
    "website:enquiry_new": "anyone",
    "website:enquiry_sent": "anyone",
    "website:request_new": "anyone",
    "website:request_sent": "anyone",
    "website:brand_css": "anyone",
    "website:dashboard": "platform admin",
    "website:brand": "platform admin",
    "website:logo_upload": "platform admin",
    "website:logo_remove": "platform admin",
    "website:contact_details": "platform admin",
    "website:routing": "platform admin",
    "website:routing_remove": "platform admin",
    "website:enquiries": {C},
    "website:enquiry": {C},
    "website:enquiry_status": {C},
    "website:enquiry_note": {C},
    "website:requests": {C},
    "website:request": {C},
    # Training: trainers and coordinators; the public pages for anyone.
    "training:overview": {C, T},
    "training:programmes_set_up": {C, T},
    "training:programme_edit": {C, T},
    "training:course_add": {C, T},
    "training:course_detail": {C, T},
    "training:course_edit": {C, T},
    "training:cohort_add": {C, T},
    "training:cohort_detail": {C, T},
    "training:cohort_edit": {C, T},
    "training:enrol": {C, T},
    "training:results": {C, T},
    "training:register": {C, T},
    "training:enrolment_detail": {C, T},
    "training:enrolment_result": {C, T},
    "training:withdraw": {C, T},
    "training:certificate_pdf": {C, T},
    "training:certificate_revoke": {C, T},
    "training:figures": {C, T},
    "training:figures_csv": {C, T},
    "training:programmes_public": "anyone",
    "training:certificate_check": "anyone",
    **{
        f"reports:{name}": {C, V}
        for name in [
            "index",
            "dictionary",
            "download",
            "pdf",
            "referrals",
            "funnel",
            "timeliness",
            "actions",
            "outcomes",
            "prevented",
            "cost",
            "pcc",
            "yjb",
            "rjc",
            "groups",
        ]
    },
    # Households: coordinators; a facilitator only the households in their own cases.
    "housing:list": {C, F},
    "housing:add": {C},
    "housing:detail": THEIR_PEOPLE,
    "housing:edit": {C},
    "housing:member_add": {C},
    "housing:member_remove": {C},
    "housing:case_add": CASE_TEAM,
    "housing:case_details": CASE_TEAM,
    "housing:settings": {C},
    "reports:settings": {C},
    "referrals:harm_type_advanced": {C},
    "practitioners:list": {C},
    "practitioners:settings": {C},
    "practitioners:detail": {C},
    "practitioners:training_add": {C},
    "practitioners:registration_add": {C},
    "practitioners:supervision_add": {C},
    "practitioners:development_add": {C},
    "practitioners:training_edit": {C},
    "practitioners:training_remove": {C},
    "practitioners:registration_edit": {C},
    "practitioners:supervision_edit": {C},
    "practitioners:training_evidence": OWN_RECORD,
    "practitioners:development_edit": OWN_RECORD,
    "practitioners:development_remove": OWN_RECORD,
    "practitioners:mine": {C, F},
    "practitioners:mine_development_add": {C, F},
    "api_keys:list": {C},
    "api_keys:new": {C},
    "api_keys:revoke": {C},
    "deliveries:list": {C},
    "deliveries:try_again": {C},
    "groups:list": {C, F},
    "groups:add": {C},
    "groups:detail": GROUP_TEAM,
    "groups:members_add": {C},
    "groups:session_add": GROUP_TEAM,
    "groups:attendance": GROUP_TEAM,
    "groups:member": GROUP_TEAM,
    "groups:member_status": GROUP_TEAM,
    "groups:case_open": {C},
    "imports:list": {C},
    "imports:detail": {C},
    "imports:columns": {C},
    "imports:save": {C},
    "imports:start_again": {C},
    "imports:progress": {C},
    # Only the coordinator who asked for an export (records_for makes it theirs); another
    # member's is a 404 (test_exports_queue.py).
    "exports:detail": {C},
    "exports:progress": {C},
    "exports:download": {C},
    "exports:again": {C},
    "notify:list": {C},
    "api:openapi-json": "anyone",
    "api:openapi-view": "anyone",
    "schools:conversations": {C, F},
    "schools:conversation_new": {C, F},
    "schools:settings": {C},
    "schools:follow_up": CASE_TEAM,
    "schools:exclusion": CASE_TEAM,
    "schools:parent_informed": CASE_TEAM,
    "schools:safeguarding": CASE_TEAM,
    "schools:safeguarding_resolve": {C},
}

# URLs outside the matrix, and where they are covered instead.
NOT_IN_THE_MATRIX = {
    "core:switch_organisation": "POST only, acts on the user's own memberships (test_members.py)",
    "core:accept_invitation": "a one-time token, checked by hash (test_members.py)",
    "home:calendar_issue": "POST only, acts on the user's own calendar feed (test_calendar_feed.py)",
    "home:calendar_turn_off": "POST only, acts on the user's own calendar feed "
    "(test_calendar_feed.py)",
    "home:calendar_feed": "a private token, checked by hash (test_calendar_feed.py)",
    "outcomes:feedback": "a one-time feedback link, checked by hash (test_feedback_links.py)",
    "notify_calendar:event": "a meeting's calendar file for one recipient, by a private token "
    "checked by hash (test_notify_calendar_links.py)",
    "website:logo": "the public site's logo: a 404 until one is uploaded (test_website.py)",
    "website:programme": "a public page named by its sector (test_website.py)",
    "website:page_edit": "site-wide content named by its page (test_website.py)",
    "welsh:page_welsh": "the Welsh text of site-wide content named by its page; website staff "
    "only, others a 404 (test_welsh.py)",
    "welsh:switch": "chooses a language for anyone, then back to the same page (test_welsh.py)",
    "reports:schools": "a sector's own report, offered only to schools (test_schools.py)",
    "website:page_history": "site-wide content named by its page (test_website.py)",
    "website:page_version": "site-wide content named by its page (test_website.py)",
    "training:offer": "a one-time offer of a place, checked by hash (test_training.py)",
    "training:programme_public": "a public page named by its sector (test_training.py)",
    "reports:sharing_agree": "POST only, acts on the user's own organisation (test_reports_sharing.py)",
    "reports:sharing_withdraw": "POST only, acts on the user's own organisation's sharing "
    "(test_reports_sharing.py)",
    "imports:new": "names the kind of import, not a record; coordinators only (test_imports.py)",
    "reports:housing": "a sector's own report, offered only to organisations working in "
    "communities and social housing (test_housing.py)",
    "notify:edit": "a kind of message and a language, read from the coordinator's own "
    "organisation; coordinators only (test_notifications.py)",
    "api:api-root": "the API's own root, answered by the API (test_api.py)",
    "api:harm_types": "an API key, not a session, opens it (test_api.py, test_api_contract.py)",
    "api:referral_create": "an API key, not a session, opens it (test_api.py)",
    "api:referral_list": "an API key, not a session, opens it (test_api.py)",
    "api:referral_detail": "an API key, not a session, opens it; another organisation's or "
    "another key's referral is a 404 (test_api.py)",
}
# allauth's sign-in, password and second-factor pages act on the signed-in user's own
# account only (tests/test_mfa.py, test_lockout.py, test_enumeration.py).
ACCOUNT_PAGE_PREFIXES = ("account_", "mfa_")


def matrix_urls() -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for name, kwargs in walk():
        if name.startswith(ACCOUNT_PAGE_PREFIXES) or name in NOT_IN_THE_MATRIX:
            continue
        assert all(k.endswith("_pk") or k in NOT_RECORDS for k in kwargs), name
        found.append((name, tuple(kwargs)))
    return sorted(set(found))


URLS = matrix_urls()


def test_every_url_is_in_the_table():
    missing = sorted({name for name, _ in URLS} - set(EXPECTED))
    assert not missing, f"Decide who may open these URLs, in EXPECTED: {missing}"
    stale = sorted(set(EXPECTED) - {name for name, _ in URLS})
    assert not stale, f"EXPECTED names URLs that no longer exist: {stale}"


def allowed(rule: object, role: str, scenario: str) -> bool:
    if rule == "anyone":
        return True
    if role == ANONYMOUS:
        return False
    if rule == "signed in":
        return True
    if rule == "platform admin":
        return role == ADMIN
    if scenario == "elsewhere" or role == ADMIN:
        return False
    if rule in (CASE_TEAM, THEIR_PEOPLE, OWN_RECORD, GROUP_TEAM):
        return role == C or (role == F and scenario == "mine")
    if rule == OWN_REFERRALS:
        return role == C or (role == R and scenario == "mine")
    assert isinstance(rule, set)
    return role in rule


def outcome(response) -> str:
    assert response.status_code < 500
    if response.status_code == 302 and response.url.startswith(reverse(settings.LOGIN_URL)):
        return "sign in"
    if response.status_code in (403, 404):
        return str(response.status_code)
    return "allowed"


def refusal(rule: object, role: str, has_record: bool) -> str:
    if role == ANONYMOUS:
        return "sign in"
    # The platform pages do not admit they exist to anyone but an administrator.
    if has_record or role == ADMIN or rule == "platform admin":
        return "404"
    return "403"


@pytest.fixture
def fast_passwords(settings):
    """Seven users per URL: hash their passwords quickly (nobody signs in with one here)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def clients(fast_passwords, org, alice, bob, rita, vera):
    trainer = _member(org, T, "tess@northbridge.example", "Tess Trainer")
    admin = UserFactory(email="pat@platform.example", is_platform_admin=True)
    from django.test import Client

    return {
        C: signed_in(alice),
        F: signed_in(bob),
        R: signed_in(rita),
        V: signed_in(vera),
        T: signed_in(trainer),
        ADMIN: signed_in(admin),
        ANONYMOUS: Client(),
    }


def records_for(scenario, kwargs, org, other_org, bob, rita, alice):
    objects = build_objects(other_org if scenario == "elsewhere" else org, list(kwargs))
    for obj in objects.values():
        case = obj if obj._meta.model_name == "case" else getattr(obj, "case", None)
        if case is not None and scenario != "elsewhere":
            case.lead_facilitator = bob if scenario == "mine" else alice
            case.save()
        if hasattr(obj, "practitioner_id") and scenario != "elsewhere":
            # A facilitator's own practitioner record, or a colleague's.
            obj.practitioner = bob if scenario == "mine" else alice
            obj.save()
        group = obj if obj._meta.model_name == "groupwork" else getattr(obj, "group", None)
        if group is not None and scenario != "elsewhere":
            # The facilitator runs their own group; someone else's is run by a colleague.
            group.facilitator = bob if scenario == "mine" else alice
            group.save()
        if obj._meta.model_name == "export" and scenario != "elsewhere":
            obj.created_by = alice  # an export is seen only by the member who asked for it
            obj.save()
        if obj._meta.model_name == "referral" and scenario != "elsewhere":
            obj.referred_by = rita if scenario == "mine" else alice
            obj.save()
        if obj._meta.model_name == "household" and scenario != "elsewhere":
            # The facilitator's household is in a case of theirs; someone else's is not.
            lead = bob if scenario == "mine" else alice
            CaseHouseholdFactory(
                organisation=obj.organisation,
                case=CaseFactory(organisation=obj.organisation, lead_facilitator=lead),
                household=obj,
            )
        if obj._meta.model_name == "person" and scenario != "elsewhere":
            # The facilitator's person is in a case of theirs; someone else's is in a
            # case of the same organisation that is not allocated to them.
            lead = bob if scenario == "mine" else alice
            PartyFactory(
                organisation=obj.organisation,
                case=CaseFactory(organisation=obj.organisation, lead_facilitator=lead),
                person=obj,
            )
    return {k: obj.pk for k, obj in objects.items()}


@pytest.mark.parametrize(("url_name", "kwargs"), URLS, ids=[n for n, _ in URLS])
def test_the_access_matrix(url_name, kwargs, clients, org, other_org, alice, bob, rita):
    rule = EXPECTED[url_name]
    open_in_its_sector(url_name, org, other_org)
    scenarios = ["mine", "not mine", "elsewhere"] if kwargs else ["own organisation"]
    wrong = []
    for scenario in scenarios:
        url = reverse(
            url_name, kwargs=records_for(scenario, kwargs, org, other_org, bob, rita, alice)
        )
        for role in ROLES:
            expected = (
                "allowed" if allowed(rule, role, scenario) else refusal(rule, role, bool(kwargs))
            )
            got = outcome(clients[role].get(url))
            if got != expected:
                wrong.append(f"{role} / {scenario}: expected {expected}, got {got}")
    assert not wrong, f"{url_name}:\n" + "\n".join(wrong)


PERSON_URLS = [(name, kwargs) for name, kwargs in URLS if "person_pk" in kwargs]


def test_every_person_url_follows_the_case_rule():
    assert len(PERSON_URLS) >= 8
    for name, _ in PERSON_URLS:
        assert EXPECTED[name] in (THEIR_PEOPLE, {C}), name


@pytest.mark.parametrize(("url_name", "kwargs"), PERSON_URLS, ids=[n for n, _ in PERSON_URLS])
def test_a_facilitator_cannot_post_to_someone_elses_person(
    url_name, kwargs, fast_passwords, org, other_org, alice, bob, rita
):
    """The one cell a facilitator most wants to reach: their colleague's person, by POST too."""
    open_in_its_sector(url_name, org, other_org)
    pks = records_for("not mine", kwargs, org, other_org, bob, rita, alice)
    before = {name: snapshot(model_for(name), pk) for name, pk in pks.items()}
    response = signed_in(bob).post(
        reverse(url_name, kwargs=pks), {"code": "123456", "reason": "withdrawn", "confirm": "on"}
    )
    assert response.status_code == 404
    assert {name: snapshot(model_for(name), pk) for name, pk in pks.items()} == before


def snapshot(model, pk):
    obj = model._default_manager.filter(pk=pk).first()
    if obj is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
