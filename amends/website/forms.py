from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django import forms
from django.conf import settings
from django.core import signing
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from amends.core.concurrency import VersionField
from amends.core.models import Organisation, Sector
from amends.website.content import clean_logo, colour_problem, postcode_district
from amends.website.models import (
    Delivery,
    EnquiryStatus,
    Place,
    RoutingRule,
    WhoIsAsking,
)

TIME_TRAP_SALT = "amends.website.form-started"
TOO_FAST = _("Thank you. Please take a moment to check your answers, then send the form again.")
HONEYPOT_FILLED = _("The form could not be sent. Please check your answers and send it again.")

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def started_token(at: float | None = None) -> str:
    """A signed note of when the form was shown: the time trap's evidence."""
    return signing.dumps({"t": at if at is not None else time.time()}, salt=TIME_TRAP_SALT)


class SpamGuardForm(forms.Form):
    """A public form's defences: a box people never see (bots fill it), and a signed time the
    form was shown (a person takes more than a few seconds to fill it in)."""

    website = forms.CharField(label=_("Leave this empty"), required=False)
    started = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["website"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.fields["started"].initial = started_token()
        self.too_fast = False

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(HONEYPOT_FILLED)
        try:
            started = signing.loads(
                data.get("started") or "", salt=TIME_TRAP_SALT, max_age=24 * 60 * 60
            )["t"]
        except (signing.BadSignature, KeyError, TypeError):
            started = None
        if started is None or time.time() - float(started) < settings.WEBSITE_FORM_MIN_SECONDS:
            self.too_fast = True
            raise forms.ValidationError(TOO_FAST)
        return data

    def fresh_start(self) -> None:
        """Show the form again with a new time: the person's next send counts from now."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data["started"] = started_token()
        data["website"] = ""
        self.data = data


# The programmes in the visitor's language (Sector's own labels are the staff's English).
PROGRAMMES = [
    (Sector.JUSTICE.value, _("Criminal and civil justice")),
    (Sector.SCHOOLS.value, _("Schools")),
    (Sector.COMMUNITIES.value, _("Communities and social housing")),
    (Sector.PRISONS.value, _("Prisons")),
]


class EnquiryForm(SpamGuardForm):
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        error_messages={"required": _("Enter the name of your organisation")},
    )
    programme = forms.ChoiceField(
        label=_("Which programme are you interested in?"),
        choices=PROGRAMMES,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose the programme you are interested in"),
            "invalid_choice": _("Choose a programme from the list"),
        },
    )
    people_count = forms.IntegerField(
        label=_("Number of people"),
        min_value=1,
        max_value=1000,
        help_text=_("Roughly how many people would take part."),
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": _("Enter the number of people"),
            "invalid": _("Enter the number of people as a number, like 12"),
        },
    )
    preferred_dates = forms.CharField(
        label=_("Preferred dates"),
        max_length=200,
        required=False,
        help_text=_("For example, a week in March, or any Tuesday after Easter."),
    )
    delivery = forms.ChoiceField(
        label=_("In-house or open course?"),
        choices=Delivery.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose in-house, an open course, or not sure yet"),
            "invalid_choice": _("Choose an option from the list"),
        },
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        max_length=120,
        error_messages={"required": _("Enter your name")},
    )
    contact_email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        error_messages={
            "required": _("Enter your e-mail address"),
            "invalid": _("Enter an e-mail address in the right format, like name@example.com"),
        },
    )
    contact_phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    message = forms.CharField(
        label=_("Anything else we should know?"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    field_order = [
        "organisation_name", "programme", "people_count", "preferred_dates", "delivery",
        "contact_name", "contact_email", "contact_phone", "message", "website", "started",
    ]  # fmt: skip

    def enquiry_fields(self) -> dict[str, Any]:
        return {
            name: self.cleaned_data[name]
            for name in self.field_order
            if name not in {"website", "started"}
        }


# Welsh answers a question with its own verb ("Cewch" / "Na chewch"): each "Yes" has a context.
YES_NO = [("yes", pgettext_lazy("may we?", "Yes")), ("no", pgettext_lazy("may we?", "No"))]
CONTACT_BY = [("phone", _("Phone call")), ("text", _("Text message")), ("email", _("E-mail"))]
BEHALF_OF = [
    ("harmed", _("The person who was harmed")),
    ("responsible", _("The person who caused the harm")),
]


class HelpRequestForm(SpamGuardForm):
    who = forms.ChoiceField(
        label=_("Who are you?"),
        choices=WhoIsAsking.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose whether you were harmed, caused harm, or are asking for someone"),
            "invalid_choice": _("Choose an answer from the list"),
        },
    )
    behalf_of = forms.ChoiceField(
        label=_("Who are you asking for?"),
        choices=BEHALF_OF,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": _("Choose an answer from the list")},
    )
    their_given_name = forms.CharField(label=_("Their first name"), max_length=100, required=False)
    their_family_name = forms.CharField(label=_("Their last name"), max_length=100, required=False)
    given_name = forms.CharField(
        label=_("Your first name"),
        max_length=100,
        error_messages={"required": _("Enter your first name")},
    )
    family_name = forms.CharField(
        label=_("Your last name"),
        max_length=100,
        error_messages={"required": _("Enter your last name")},
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("A few sentences are enough. You can tell us more when we talk."),
        error_messages={"required": _("Tell us briefly what happened")},
    )
    place = forms.ChoiceField(
        label=_("What was it about?"),
        choices=Place.choices,
        widget=forms.RadioSelect,
        help_text=_("This tells us which kind of service can help."),
        error_messages={
            "required": _("Choose what it was about, or “Something else, or I am not sure”"),
            "invalid_choice": _("Choose an answer from the list"),
        },
    )
    postcode = forms.CharField(
        label=_("Your postcode or area"),
        max_length=10,
        required=False,
        help_text=_("For example, NB1 4PL or just NB1. It helps us find the service nearest you."),
    )
    contact_by = forms.ChoiceField(
        label=_("How should we contact you?"),
        choices=CONTACT_BY,
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose how we should contact you"),
            "invalid_choice": _("Choose an answer from the list"),
        },
    )
    phone = forms.CharField(
        label=_("Phone number"),
        max_length=30,
        required=False,
        help_text=_("For a phone call or a text message."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        help_text=_("For e-mail."),
        error_messages={
            "invalid": _("Enter an e-mail address in the right format, like name@example.com")
        },
    )
    safe_times = forms.CharField(
        label=_("When is it safe to contact you?"),
        max_length=150,
        required=False,
        help_text=_("For example, weekdays after 6pm."),
    )
    leave_message = forms.ChoiceField(
        label=_("May we leave a message?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text=_("On your voicemail, or with whoever answers."),
        error_messages={
            "required": _("Choose whether we may leave a message"),
            "invalid_choice": _("Choose yes or no"),
        },
    )
    language = forms.CharField(
        label=_("Language you prefer, if not English"), max_length=60, required=False
    )
    safety_note = forms.CharField(
        label=_("Is there anything that would help keep you safe?"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean_postcode(self) -> str:
        district = postcode_district(self.cleaned_data.get("postcode", ""))
        if district is None:
            raise forms.ValidationError(
                _("Enter a postcode like NB1 4PL, or just its first part, like NB1")
            )
        return district

    def clean_phone(self) -> str:
        phone = " ".join(self.cleaned_data.get("phone", "").split())
        digits = [c for c in phone if c.isdigit()]
        if phone and (len(digits) < 10 or any(c not in "0123456789 +()-" for c in phone)):
            raise forms.ValidationError(
                _("Enter a phone number like 07700 900 982 or +44 7700 900 982")
            )
        return phone

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("who") == WhoIsAsking.BEHALF:
            if not data.get("behalf_of"):
                self.add_error("behalf_of", _("Choose who you are asking for"))
            if not data.get("their_given_name"):
                self.add_error("their_given_name", _("Enter their first name"))
            if not data.get("their_family_name"):
                self.add_error("their_family_name", _("Enter their last name"))
        how = data.get("contact_by")
        if how in {"phone", "text"} and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter a phone number, so we can call or text you"))
        if how == "email" and not data.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter an e-mail address, so we can e-mail you"))
        return data

    def request_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in {"website", "started"}}
        if data["who"] != WhoIsAsking.BEHALF:
            data.update(behalf_of="", their_given_name="", their_family_name="")
        return data


# Staff --------------------------------------------------------------------------------


class PageForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences. Shown on the home page for a programme."),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 20}),
        help_text=_(
            "In Markdown: ## for a heading, * for a bullet point, [words](address) for "
            "a link. A blank line starts a new paragraph."
        ),
    )
    version = VersionField()


def _colour_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=7,
        help_text=_("A hex colour, like #0b3d5c. White text must be readable on it."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "class": "govuk-input--width-5"}),
    )


class BrandForm(forms.Form):
    site_name = forms.CharField(label=_("Name of the consultancy"), max_length=100)
    strapline = forms.CharField(label=_("Strapline"), max_length=200, required=False)
    header_colour = _colour_field(_("Header colour"))
    link_colour = _colour_field(_("Link and button colour"))
    version = VersionField()

    def clean_header_colour(self) -> str:
        return self._colour("header_colour", gettext("header colour"))

    def clean_link_colour(self) -> str:
        return self._colour("link_colour", gettext("link colour"))

    def _colour(self, name: str, what: str) -> str:
        colour = self.cleaned_data[name].strip().lower()
        if colour and not colour.startswith("#"):
            colour = f"#{colour}"
        problem = colour_problem(colour, what)
        if problem:
            raise forms.ValidationError(problem)
        return colour


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        help_text=_(
            "A PNG or JPEG image, smaller than 1 MB. It is shown on the header's colour, "
            "beside the consultancy's name."
        ),
        error_messages={"required": _("Choose an image file for the logo")},
    )

    def clean_logo(self) -> bytes:
        return clean_logo(self.cleaned_data["logo"])


def _social_field(label: StrOrPromise) -> forms.URLField:
    return forms.URLField(
        label=label,
        max_length=200,
        required=False,
        assume_scheme="https",
        error_messages={
            "invalid": format_lazy(
                _("Enter the {label} address in full, like https://www.example.com/page"),
                label=label,
            )
        },
    )


class ContactDetailsForm(forms.Form):
    address = forms.CharField(
        label=_("Postal address"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    phone = forms.CharField(label=_("Telephone"), max_length=30, required=False)
    email = forms.EmailField(label=_("Public e-mail address"), max_length=254, required=False)
    opening_hours = forms.CharField(label=_("Opening hours"), max_length=200, required=False)
    enquiries_email = forms.EmailField(
        label=_("Where training enquiries are e-mailed"),
        max_length=254,
        required=False,
        help_text=_("Not shown on the site. If empty, the public e-mail address."),
    )
    facebook_url = _social_field(_("Facebook"))
    linkedin_url = _social_field(_("LinkedIn"))
    instagram_url = _social_field(_("Instagram"))
    x_url = _social_field(_("X (Twitter)"))
    youtube_url = _social_field(_("YouTube"))
    reply_days = forms.IntegerField(
        label=_("Working days to reply to a request for restorative justice"),
        min_value=1,
        max_value=30,
        help_text=_("The page people see after asking for help promises a reply within this."),
    )
    version = VersionField()


class EnquiryStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=EnquiryStatus.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a status"), "invalid_choice": _("Choose a status")},
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("Add a note"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the note")},
    )


class RouteForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Send it to"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation to send it to"),
            "invalid_choice": _("Choose an organisation from the list"),
        },
    )
    sector = forms.ChoiceField(
        label=_("Kind of service"),
        choices=Sector.choices,
        error_messages={
            "required": _("Choose the kind of service"),
            "invalid_choice": _("Choose a kind of service from the list"),
        },
    )


class RoutingRuleForm(forms.Form):
    sector = forms.ChoiceField(
        label=_("Kind of service"),
        choices=[("", _("Any kind of service")), *Sector.choices],
        required=False,
        error_messages={"invalid_choice": _("Choose a kind of service from the list")},
    )
    postcode_area = forms.CharField(
        label=_("Postcode area or district"),
        max_length=4,
        required=False,
        help_text=RoutingRule._meta.get_field("postcode_area").help_text,
    )
    target = forms.ModelChoiceField(
        label=_("Send to"),
        queryset=Organisation.objects.order_by("name"),
        empty_label=_("Choose an organisation"),
        error_messages={
            "required": _("Choose the organisation to send these requests to"),
            "invalid_choice": _("Choose an organisation from the list"),
        },
    )

    def clean_postcode_area(self) -> str:
        district = postcode_district(self.cleaned_data.get("postcode_area", ""))
        if district is None:
            raise forms.ValidationError(_("Enter the first part of a postcode, like NB or NB1"))
        return district
