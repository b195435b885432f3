"""Every change to the website: pages and their versions, brand and contact details,
enquiries and their e-mail, requests for restorative justice and their routing."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from amends.core.audit import audit_record
from amends.core.concurrency import lock_and_check
from amends.core.models import AuditAction, Organisation, Sector
from amends.people.models import MessageLanguage
from amends.referrals.models import Agreed, HarmType, ProposedRole, Referral, ReferralSource
from amends.referrals.services import referral_create
from amends.website.access import website_owner
from amends.website.content import colour_problem, postcode_area, render_markdown
from amends.website.models import (
    EnquiryNote,
    EnquiryStatus,
    HelpRequest,
    MailState,
    Page,
    PageVersion,
    RequestStatus,
    RoutingRule,
    SiteSettings,
    TrainingEnquiry,
    WhoIsAsking,
)

if TYPE_CHECKING:
    from amends.accounts.models import User

logger = logging.getLogger(__name__)
PUBLIC = "Public website"
DEFAULT_SITE_NAME = "Restorative practice training and consultancy"


class NoOwner(Exception):
    """No organisation owns the website yet, so nothing sent on it can be kept."""


def site_settings() -> SiteSettings:
    """The site's settings, read only: one query, and no write on a page that shows them.
    Where the row is missing (a database emptied since the data migration seeded it) the
    defaults are returned unsaved; the services that change the settings save the row."""
    found = SiteSettings.objects.order_by("pk").first()
    return found if found is not None else SiteSettings(site_name=DEFAULT_SITE_NAME)


def _site_settings_saved() -> SiteSettings:
    """The settings row, made with the defaults if it is missing: for the services that write."""
    found = SiteSettings.objects.order_by("pk").first()
    if found is None:
        found, _ = SiteSettings.objects.get_or_create(
            pk=1, defaults={"site_name": DEFAULT_SITE_NAME}
        )
    return found


def _owner() -> Organisation:
    owner = website_owner()
    if owner is None:
        raise NoOwner
    return owner


def _audit(by: User | None, action: str, record: Any, summary: str) -> None:
    audit_record(
        actor=by,
        action=action,
        organisation=website_owner(),
        record=record,
        summary=summary,
        actor_label="" if by is not None else PUBLIC,
    )


# Brand and contact details --------------------------------------------------------


SETTINGS_FIELDS = [
    f.name
    for f in SiteSettings._meta.concrete_fields
    if f.name not in {"id", "logo", "updated_at", "updated_by"}
]


def settings_update(*, by: User, loaded_version: str | None, **fields: Any) -> SiteSettings:
    """Change the brand or the contact details. Colours white text cannot be read on are refused."""
    problems = {
        name: problem
        for name, what in [("header_colour", _("header colour")), ("link_colour", _("link colour"))]
        if name in fields and (problem := colour_problem(fields[name], what))
    }
    if problems:
        raise ValidationError(problems)
    current = site_settings()
    with transaction.atomic():
        if current._state.adding:
            # Nothing was saved when the form was loaded, so nobody's change can be overwritten.
            locked = _site_settings_saved()
        else:
            locked = lock_and_check(current, loaded_version, list(fields))
        for name, value in fields.items():
            if name not in SETTINGS_FIELDS:
                raise ValidationError(_("%(name)s cannot be changed here") % {"name": name})
            setattr(locked, name, value)
        locked.updated_by = by
        locked.full_clean(exclude=["logo"])
        locked.save()
        changed = ", ".join(
            str(getattr(SiteSettings._meta.get_field(n), "verbose_name", n)) for n in fields
        )
        _audit(by, AuditAction.UPDATE, locked, f"Changed the website's {changed}"[:300])
    return locked


def logo_set(*, by: User, png: bytes) -> SiteSettings:
    current = _site_settings_saved()
    with transaction.atomic():
        locked = SiteSettings.objects.select_for_update().get(pk=current.pk)
        locked.logo = png
        locked.updated_by = by
        locked.save()
        _audit(by, AuditAction.UPDATE, locked, "Changed the website's logo")
    return locked


def logo_remove(*, by: User) -> SiteSettings:
    current = _site_settings_saved()
    with transaction.atomic():
        locked = SiteSettings.objects.select_for_update().get(pk=current.pk)
        locked.logo = b""
        locked.updated_by = by
        locked.save()
        _audit(by, AuditAction.UPDATE, locked, "Removed the website's logo")
    return locked


# Pages ----------------------------------------------------------------------------


def page_save_draft(
    *, page: Page, by: User, loaded_version: str | None, title: str, summary: str, body: str
) -> Page:
    with transaction.atomic():
        locked = lock_and_check(
            page, loaded_version, ["draft_title", "draft_summary", "draft_body"]
        )
        locked.draft_title, locked.draft_summary, locked.draft_body = title, summary, body
        locked.updated_by = by
        locked.full_clean()
        locked.save()
        _audit(by, AuditAction.UPDATE, locked, f"Saved a draft of the page “{title}”")
    return locked


def _publish(locked: Page, by: User | None, restored_from: int | None = None) -> PageVersion:
    number = (locked.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = PageVersion.objects.create(
        page=locked,
        number=number,
        title=locked.draft_title,
        summary=locked.draft_summary,
        body=locked.draft_body,
        html=render_markdown(locked.draft_body),
        published_by=by,
        restored_from=restored_from,
    )
    locked.published = version
    locked.updated_by = by
    locked.save()
    return version


def page_publish(
    *, page: Page, by: User, loaded_version: str | None, title: str, summary: str, body: str
) -> PageVersion:
    """Save the draft and publish it as the page's next version."""
    with transaction.atomic():
        locked = lock_and_check(
            page, loaded_version, ["draft_title", "draft_summary", "draft_body"]
        )
        locked.draft_title, locked.draft_summary, locked.draft_body = title, summary, body
        locked.full_clean()
        version = _publish(locked, by)
        _audit(by, AuditAction.UPDATE, locked, f"Published version {version.number} of “{title}”")
    page.refresh_from_db()
    return version


def page_restore(*, page: Page, number: int, by: User) -> PageVersion:
    """Publish an old version again, as the newest: the history itself never changes."""
    with transaction.atomic():
        locked = Page.objects.select_for_update().get(pk=page.pk)
        old = locked.versions.filter(number=number).first()
        if old is None:
            raise ValidationError(_("That version does not exist"))
        locked.draft_title, locked.draft_summary, locked.draft_body = (
            old.title,
            old.summary,
            old.body,
        )
        version = _publish(locked, by, restored_from=old.number)
        _audit(
            by,
            AuditAction.UPDATE,
            locked,
            f"Restored version {old.number} of “{old.title}” as version {version.number}",
        )
    page.refresh_from_db()
    return version


def page_seed(*, slug: str, kind: str, sector: str, position: int, title: str, summary: str,
              body: str) -> Page:  # fmt: skip
    """A page with its first published version (the site's starting copy)."""
    page, created = Page.objects.get_or_create(
        slug=slug,
        defaults={
            "kind": kind,
            "sector": sector,
            "position": position,
            "draft_title": title,
            "draft_summary": summary,
            "draft_body": body,
        },
    )
    if created:
        _publish(page, None)
    return page


# Training enquiries ----------------------------------------------------------------


def enquiry_create(**fields: Any) -> TrainingEnquiry:
    """Keep the enquiry first; the e-mail to staff goes after the save commits, and a failure
    to send it loses nothing (`send_website_mail` tries again)."""
    owner = _owner()
    with transaction.atomic():
        enquiry = TrainingEnquiry(organisation=owner, **fields)
        enquiry.full_clean()
        enquiry.save()
        _audit(None, AuditAction.CREATE, enquiry, "A training enquiry arrived from the website")
        transaction.on_commit(lambda: enquiry_send_mail(enquiry_pk=enquiry.pk))
    return enquiry


def _enquiry_recipients(enquiry: TrainingEnquiry) -> list[str]:
    site = site_settings()
    address = site.enquiries_email or site.email or enquiry.organisation.email
    return [address] if address else []


def enquiry_send_mail(*, enquiry_pk: int) -> str:
    """Try once to e-mail staff about an enquiry; record what happened. Never raises."""
    with transaction.atomic():
        enquiry = (
            TrainingEnquiry.objects.select_for_update()
            .select_related("organisation")
            .filter(pk=enquiry_pk)
            .first()
        )
        if enquiry is None or enquiry.mail_state == MailState.SENT:
            return MailState.SENT
        recipients = _enquiry_recipients(enquiry)
        enquiry.mail_attempts += 1
        enquiry.mail_tried_at = timezone.now()
        if not recipients:
            enquiry.mail_state = MailState.NO_ADDRESS
        else:
            link = settings.SITE_URL + reverse("website:enquiry", args=[enquiry.pk])
            # The e-mail names the organisation and the programme only: the contact's details
            # stay in Amends, behind sign-in.
            context = {"enquiry": enquiry, "link": link, "site": site_settings()}
            try:
                send_mail(
                    subject=f"Training enquiry from {enquiry.organisation_name}",
                    message=render_to_string("website/email/enquiry.txt", context),
                    from_email=None,
                    recipient_list=recipients,
                )
            except Exception as exc:
                logger.warning(
                    "Training enquiry %s: e-mail not sent (%s)", enquiry.pk, type(exc).__name__
                )
                enquiry.mail_state = MailState.FAILED
            else:
                enquiry.mail_state = MailState.SENT
                enquiry.mail_sent_at = timezone.now()
        enquiry.save(update_fields=["mail_state", "mail_attempts", "mail_tried_at", "mail_sent_at"])
        return enquiry.mail_state


def enquiry_retry_mail() -> dict[str, int]:
    """Send every enquiry e-mail that has not gone yet. Counts by outcome."""
    counts: dict[str, int] = {}
    waiting = TrainingEnquiry.objects.filter(
        mail_state__in=[MailState.PENDING, MailState.FAILED, MailState.NO_ADDRESS]
    ).values_list("pk", flat=True)
    for pk in list(waiting):
        state = enquiry_send_mail(enquiry_pk=pk)
        counts[state] = counts.get(state, 0) + 1
    return counts


def enquiry_set_status(*, enquiry: TrainingEnquiry, by: User, status: str) -> TrainingEnquiry:
    if status not in EnquiryStatus.values:
        raise ValidationError({"status": _("Choose a status from the list")})
    with transaction.atomic():
        locked = TrainingEnquiry.objects.select_for_update().get(pk=enquiry.pk)
        locked.status = status
        locked.updated_by = by
        locked.save(update_fields=["status", "updated_by", "updated_at"])
        _audit(
            by,
            AuditAction.UPDATE,
            locked,
            f"Marked the enquiry {locked.get_status_display().lower()}",
        )
    return locked


def enquiry_note_add(*, enquiry: TrainingEnquiry, by: User, text: str) -> EnquiryNote:
    with transaction.atomic():
        note = EnquiryNote(
            organisation_id=enquiry.organisation_id,
            enquiry=enquiry,
            text=text,
            created_by=by,
            updated_by=by,
        )
        note.full_clean()
        note.save()
        _audit(by, AuditAction.CREATE, enquiry, "Added a note to the enquiry")
    return note


# Requests for restorative justice ----------------------------------------------------


def _other_harm_type(organisation: Organisation) -> HarmType:
    kinds = list(HarmType.objects.for_organisation(organisation))
    return next((k for k in kinds if k.name == "Other"), kinds[-1])


def _safe_contact(data: dict[str, Any]) -> str:
    how = {"phone": "a phone call", "text": "a text message", "email": "e-mail"}
    parts = [f"Contact by {how.get(data['contact_by'], data['contact_by'])}."]
    if data.get("email"):
        parts.append(f"E-mail: {data['email']}.")
    if data.get("safe_times"):
        parts.append(f"Safe times: {data['safe_times']}.")
    parts.append(
        "A message may be left."
        if data.get("leave_message") == "yes"
        else "Do not leave a message."
    )
    return " ".join(parts)[:500]


def _people(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The referral's people, as the web referral form makes them: the person at the centre,
    and, when someone asks for them, that someone as their supporter with the contact details."""
    contact = {
        "phone": data.get("phone", ""),
        "safe_contact": _safe_contact(data),
        "language": data.get("language", ""),
        "message_language": data.get("message_language", MessageLanguage.ENGLISH),
    }
    blank: dict[str, Any] = {"date_of_birth": None, "age_band": "", "needs": [], "needs_note": "",
             "identifier_kind": "", "identifier_value": ""}  # fmt: skip
    me = {"given_name": data["given_name"], "family_name": data["family_name"]}
    if data["who"] != WhoIsAsking.BEHALF:
        role = (
            ProposedRole.HARMED if data["who"] == WhoIsAsking.HARMED else ProposedRole.RESPONSIBLE
        )
        return [{**blank, **me, **contact, "role": role,
                 "agreed_to_referral": Agreed.YES, "agreed_to_contact": Agreed.YES}]  # fmt: skip
    harmed = data["behalf_of"] == "harmed"
    central = {
        **blank,
        "role": ProposedRole.HARMED if harmed else ProposedRole.RESPONSIBLE,
        "given_name": data["their_given_name"],
        "family_name": data["their_family_name"],
        "agreed_to_referral": Agreed.NOT_ASKED,
        "agreed_to_contact": Agreed.NOT_ASKED,
        "phone": "",
        "safe_contact": "",
        "language": data.get("language", ""),
        "message_language": data.get("message_language", MessageLanguage.ENGLISH),
    }
    supporter = {
        **blank,
        **me,
        **contact,
        "role": ProposedRole.SUPPORTER_OF_HARMED
        if harmed
        else ProposedRole.SUPPORTER_OF_RESPONSIBLE,
        "agreed_to_referral": Agreed.YES,
        "agreed_to_contact": Agreed.YES,
    }
    return [central, supporter]


def _make_referral(
    *, data: dict[str, Any], organisation: Organisation, sector: str, by: User | None
) -> Referral:
    return referral_create(
        organisation=organisation,
        by=by,
        people=_people(data),
        source=ReferralSource.SELF,
        sector=sector,
        source_agency="Self-referral from the website",
        referrer_name=f"{data['given_name']} {data['family_name']}"[:120],
        referrer_contact="",
        received_on=timezone.localdate(),
        incident_summary=data["what_happened"],
        harm_type=_other_harm_type(organisation),
        risk_note=data.get("safety_note", ""),
    )


def route_for(sector: str, district: str) -> tuple[Organisation, str] | None:
    """The organisation the routing table sends a request to, and the kind of service it is
    for there; None when no rule fits. The table is short (tens of rows), read whole."""
    area = postcode_area(district)
    best: tuple[tuple[int, int, int], Organisation, str] | None = None
    for rule in RoutingRule.objects.select_related("target").order_by("pk"):
        if rule.sector and rule.sector != sector:
            continue
        if rule.postcode_area:
            if not district:
                continue
            place = 2 if rule.postcode_area == district else 1 if rule.postcode_area == area else 0
            if not place:
                continue
        else:
            place = 0
        target_sectors = rule.target.sectors or []
        chosen = sector or (target_sectors[0] if len(target_sectors) == 1 else "")
        if not chosen or (target_sectors and chosen not in target_sectors):
            continue
        score = (place, 1 if rule.sector else 0, -rule.pk)
        if best is None or score > best[0]:
            best = (score, rule.target, chosen)
    return (best[1], best[2]) if best else None


def help_request_submit(*, data: dict[str, Any]) -> HelpRequest:
    """Route a request from the public at once if a rule fits; otherwise keep it waiting for
    the website's staff. Either way the person sees the same page, which confirms nothing."""
    owner = _owner()
    sector = data["place"] if data["place"] in Sector.values else ""
    district = data.get("postcode", "")
    route = route_for(sector, district)
    with transaction.atomic():
        request = HelpRequest(organisation=owner, sector=sector, postcode_area=district)
        if route is None:
            request.details = json.dumps(data)
        else:
            target, chosen = route
            _make_referral(data=data, organisation=target, sector=chosen, by=None)
            request.status = RequestStatus.ROUTED
            request.routed_to = target
            request.routed_at = timezone.now()
            request.routed_by_rule = True
            request.sector = chosen
        request.full_clean()
        request.save()
        _audit(
            None,
            AuditAction.CREATE,
            request,
            "A request for restorative justice arrived: "
            + ("sent on by the routing table" if route else "waiting to be routed"),
        )
    return request


def help_request_details(request: HelpRequest) -> dict[str, Any]:
    return json.loads(request.details) if request.details else {}


def _lock_waiting(request: HelpRequest) -> HelpRequest:
    locked = HelpRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != RequestStatus.WAITING:
        raise ValidationError(_("Someone else has already dealt with this request."))
    return locked


def help_request_route(
    *, request: HelpRequest, by: User, organisation: Organisation, sector: str
) -> HelpRequest:
    """Send a waiting request to a service by hand: it becomes a self-referral in that
    service's triage, and what the person wrote is erased from the website's queue."""
    if organisation.sectors and sector not in organisation.sectors:
        raise ValidationError(
            {
                "sector": _("%(name)s does not work in that kind of service: choose one it does")
                % {"name": organisation.name}
            }
        )
    with transaction.atomic():
        locked = _lock_waiting(request)
        _make_referral(
            data=help_request_details(locked), organisation=organisation, sector=sector, by=by
        )
        locked.status = RequestStatus.ROUTED
        locked.routed_to = organisation
        locked.routed_at = timezone.now()
        locked.routed_by = by
        locked.sector = sector
        locked.details = ""
        locked.updated_by = by
        locked.save()
        _audit(by, AuditAction.UPDATE, locked, f"Sent the request to {organisation.name}")
    return locked


def help_request_close(*, request: HelpRequest, by: User) -> HelpRequest:
    with transaction.atomic():
        locked = _lock_waiting(request)
        locked.status = RequestStatus.CLOSED
        locked.details = ""
        locked.routed_at = timezone.now()
        locked.routed_by = by
        locked.updated_by = by
        locked.save()
        _audit(by, AuditAction.UPDATE, locked, "Closed the request without sending it on")
    return locked


# The routing table ----------------------------------------------------------------------


def routing_rule_add(
    *, by: User, sector: str, postcode_area: str, target: Organisation
) -> RoutingRule:
    if not sector and not postcode_area:
        raise ValidationError(_("Choose a kind of service, or enter a postcode area, or both"))
    if sector and target.sectors and sector not in target.sectors:
        raise ValidationError(
            {
                "target": _("%(name)s does not work in that kind of service: choose another")
                % {"name": target.name}
            }
        )
    if RoutingRule.objects.filter(sector=sector, postcode_area=postcode_area).exists():
        raise ValidationError(_("There is already a rule for that kind of service and place"))
    with transaction.atomic():
        rule = RoutingRule.objects.create(
            sector=sector, postcode_area=postcode_area, target=target, created_by=by
        )
        _audit(by, AuditAction.CREATE, rule, f"Added a routing rule to {target.name}")
    return rule


def routing_rule_remove(*, rule: RoutingRule, by: User) -> None:
    with transaction.atomic():
        _audit(by, AuditAction.DELETE, rule, f"Removed a routing rule to {rule.target.name}")
        rule.delete()


def starting_pages_seed() -> None:
    """The site's starting pages and settings, where they are missing (the data migration
    makes them in a new database; this puts them back in one that was emptied)."""
    from amends.website import starting_copy as copy

    _site_settings_saved()
    page_seed(slug="home", kind="home", sector="", position=0, **copy.HOME)
    for n, text in enumerate(copy.PROGRAMMES):
        fields = {k: v for k, v in text.items() if k != "sector"}
        page_seed(slug=f"programme-{text['sector']}", kind="programme", sector=text["sector"],
                  position=10 + n, **fields)  # fmt: skip
    page_seed(slug="privacy-notice", kind="privacy", sector="", position=90, **copy.PRIVACY)
    page_seed(
        slug="accessibility-statement", kind="accessibility", sector="", position=91,
        **copy.ACCESSIBILITY,
    )  # fmt: skip
