"""The public website: its brand and contact details, its pages (with every published
version kept), training enquiries, requests for restorative justice and how they are routed."""

from __future__ import annotations

from typing import Self

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from amends.core.fields import EncryptedTextField
from amends.core.models import (
    Organisation,
    OrganisationOwned,
    OrganisationQuerySet,
    Role,
    Sector,
)


class SiteSettings(models.Model):
    """The one row of site-wide settings: the brand and the contact details."""

    site_name = models.CharField(_("Name of the consultancy"), max_length=100)
    strapline = models.CharField(_("Strapline"), max_length=200, blank=True)
    header_colour = models.CharField(_("Header colour"), max_length=7, default="#0b3d5c")
    link_colour = models.CharField(_("Link and button colour"), max_length=7, default="#1d5f8a")
    logo = models.BinaryField(_("Logo"), blank=True, default=b"", editable=False)
    address = models.TextField(_("Postal address"), max_length=500, blank=True)
    phone = models.CharField(_("Telephone"), max_length=30, blank=True)
    email = models.EmailField(_("Public e-mail address"), blank=True)
    enquiries_email = models.EmailField(_("Where training enquiries are e-mailed"), blank=True)
    opening_hours = models.CharField(_("Opening hours"), max_length=200, blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    linkedin_url = models.URLField(_("LinkedIn"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    x_url = models.URLField(_("X (Twitter)"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    reply_days = models.PositiveSmallIntegerField(
        _("Working days to reply to a request for restorative justice"), default=5
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "site settings"
        verbose_name_plural = "site settings"

    def __str__(self) -> str:
        return self.site_name

    @property
    def social_links(self) -> list[tuple[str, str]]:
        return [
            (label, url)
            for label, url in [
                ("Facebook", self.facebook_url),
                ("LinkedIn", self.linkedin_url),
                ("Instagram", self.instagram_url),
                ("X (Twitter)", self.x_url),
                ("YouTube", self.youtube_url),
            ]
            if url
        ]

    @property
    def version(self) -> str:
        """Changes whenever the settings do: it busts the cache of the logo and brand CSS."""
        return f"{int(self.updated_at.timestamp())}" if self.updated_at else "0"


class PageKind(models.TextChoices):
    HOME = "home", _("Home page")
    PROGRAMME = "programme", _("Training programme")
    PRIVACY = "privacy", _("Privacy notice")
    ACCESSIBILITY = "accessibility", _("Accessibility statement")


class Page(models.Model):
    """A page of the public site, written in Markdown. Staff edit a draft; publishing it
    keeps a numbered version, and the public sees the latest published one."""

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=20, choices=PageKind.choices)
    sector = models.CharField(max_length=20, choices=Sector.choices, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    draft_title = models.CharField(_("Title"), max_length=120)
    draft_summary = models.CharField(_("Summary"), max_length=300, blank=True)
    draft_body = models.TextField(_("Text"), max_length=20000, blank=True)
    published = models.ForeignKey(
        "PageVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["position", "slug"]

    def __str__(self) -> str:
        return self.draft_title

    @property
    def has_unpublished_changes(self) -> bool:
        live = self.published
        return live is None or (live.title, live.summary, live.body) != (
            self.draft_title,
            self.draft_summary,
            self.draft_body,
        )


class PageVersion(models.Model):
    """One published version of a page: kept for ever, so any can be restored."""

    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    html = models.TextField(blank=True, help_text=_("The body as sanitised HTML."))
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    restored_from = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_page_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.title} (version {self.number})"


class SiteRecordQuerySet(OrganisationQuerySet):
    """Enquiries and requests belong to the organisation that owns the website; its
    coordinators read them."""

    readable_by = (Role.COORDINATOR,)

    def for_queue(self) -> Self:
        return self.order_by("-created_at", "-pk")


class Delivery(models.TextChoices):
    IN_HOUSE = "in_house", _("In-house, for our organisation")
    OPEN = "open", _("An open course, with people from other organisations")
    NOT_SURE = "not_sure", _("Not sure yet")


class EnquiryStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    BOOKED = "booked", _("Booked")
    CLOSED = "closed", _("Closed")


class MailState(models.TextChoices):
    PENDING = "pending", _("Not sent yet")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed: will be tried again")
    NO_ADDRESS = "no_address", _("Not sent: no address to send it to")


class TrainingEnquiry(OrganisationOwned):
    organisation_name = models.CharField(_("Organisation"), max_length=200)
    programme = models.CharField(max_length=20, choices=Sector.choices)
    people_count = models.PositiveSmallIntegerField(_("Number of people"))
    preferred_dates = models.CharField(_("Preferred dates"), max_length=200, blank=True)
    delivery = models.CharField(_("In-house or open"), max_length=20, choices=Delivery.choices)
    contact_name = models.CharField(_("Contact name"), max_length=120)
    contact_email = EncryptedTextField(_("Contact e-mail"), max_length=254)
    contact_phone = EncryptedTextField(_("Contact telephone"), max_length=30, blank=True)
    message = EncryptedTextField(_("Message"), max_length=2000, blank=True)
    status = models.CharField(
        max_length=20, choices=EnquiryStatus.choices, default=EnquiryStatus.NEW
    )
    # The e-mail to staff: saved with the enquiry, sent after it commits, retried until sent.
    mail_state = models.CharField(
        max_length=20, choices=MailState.choices, default=MailState.PENDING
    )
    mail_attempts = models.PositiveSmallIntegerField(default=0)
    mail_tried_at = models.DateTimeField(null=True, blank=True)
    mail_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SiteRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "training enquiries"
        indexes = [
            models.Index(fields=["organisation", "status", "created_at"]),
            models.Index(fields=["mail_state"]),
        ]

    def __str__(self) -> str:
        return f"Training enquiry from {self.organisation_name}"


class EnquiryNote(OrganisationOwned):
    enquiry = models.ForeignKey(TrainingEnquiry, on_delete=models.CASCADE, related_name="notes")
    text = EncryptedTextField(_("Note"), max_length=1000)

    objects = SiteRecordQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Note on enquiry {self.enquiry_id}"


class WhoIsAsking(models.TextChoices):
    HARMED = "harmed", _("I was harmed")
    RESPONSIBLE = "responsible", _("I caused harm")
    BEHALF = "behalf", _("I am asking for someone else")


class Place(models.TextChoices):
    """Where the harm happened, in the public's words: it tells us the kind of service."""

    JUSTICE = Sector.JUSTICE.value, _("A crime, or something the police or courts are dealing with")
    SCHOOLS = Sector.SCHOOLS.value, _("At or about a school")
    COMMUNITIES = (
        Sector.COMMUNITIES.value,
        _("Where I live: neighbours, housing or the local community"),
    )
    PRISONS = Sector.PRISONS.value, _("In prison, or involving someone in prison")
    NOT_SURE = "not_sure", _("Something else, or I am not sure")


class RequestStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting to be routed")
    ROUTED = "routed", _("Sent to a service")
    CLOSED = "closed", _("Closed without sending")


class HelpRequest(OrganisationOwned):
    """A request for restorative justice made on the public site.

    Routed at once when a rule fits; otherwise it waits here for the website's staff to
    route it by hand. Once routed or closed, what the person wrote is erased from this
    record: it lives on only as the referral in the service it was sent to.
    """

    sector = models.CharField(_("Kind of service"), max_length=20, blank=True)
    postcode_area = models.CharField(_("Postcode area"), max_length=4, blank=True)
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.WAITING
    )
    # What the person sent, as JSON; erased once the request is routed or closed.
    details = EncryptedTextField(blank=True)
    routed_to = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    routed_at = models.DateTimeField(null=True, blank=True)
    routed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    routed_by_rule = models.BooleanField(default=False)

    objects = SiteRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "status", "created_at"])]

    def __str__(self) -> str:
        return f"Request for restorative justice {self.pk}"

    @property
    def sector_label(self) -> str:
        return str(dict(Sector.choices).get(self.sector, "Not known"))


class RoutingRule(models.Model):
    """Requests of this kind of service and/or from this postcode area go to this organisation.

    Site-wide (the consultancy keeps one table). The most specific rule that fits wins: a
    postcode district (NB1) before an area (NB), and a rule naming both a kind of service and
    a place before one naming only one of them.
    """

    sector = models.CharField(
        _("Kind of service"), max_length=20, choices=Sector.choices, blank=True
    )
    postcode_area = models.CharField(
        _("Postcode area or district"),
        max_length=4,
        blank=True,
        help_text=_("The first part of a postcode: the letters (NB) or the district (NB1)."),
    )
    target = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("Send to")
    )
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["sector", "postcode_area", "pk"]

    def __str__(self) -> str:
        return f"Rule {self.pk}: to {self.target_id}"
