"""Every length and number limit, in every form of Amends, is worded from the field's label.

The walk finds each form class in the application, builds it as its page does,
and posts a value just past each limit on its own: the message must name the
field by its label and give the limit, never Django's "Ensure this value...".
"""

from __future__ import annotations

import datetime
import decimal
import importlib
import inspect
import pkgutil

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory
from django.urls import reverse

import amends
from amends.cases.models import Case
from amends.core.length_limits import field_label
from amends.core.models import Membership, Organisation
from amends.core.vocabulary import group_words_for, words_for
from amends.imports.kinds import KINDS
from amends.imports.models import ImportKind
from amends.outcomes.models import question_set_current
from amends.people.models import Person
from tests.factories import CourseFactory
from tests.test_meetings import arranged_meeting

DJANGO_WORDING = ("Ensure this value", "Ensure that there are")


def application_form_classes() -> list[type[forms.BaseForm]]:
    for module in pkgutil.walk_packages(amends.__path__, "amends."):
        if ".migrations" not in module.name and ".management" not in module.name:
            importlib.import_module(module.name)
    found: list[type[forms.BaseForm]] = []
    pending = [forms.BaseForm]
    while pending:
        cls = pending.pop()
        for sub in cls.__subclasses__():
            pending.append(sub)
            if sub.__module__.startswith("amends.") and not inspect.isabstract(sub):
                found.append(sub)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__name__}")


FORM_CLASSES = application_form_classes()


# allauth's forms take what their pages pass through **kwargs, so the signature
# cannot say; these are the ones Amends relabels (amends/accounts/forms.py).
ALLAUTH_KWARGS = {
    "ReauthenticateForm": ["user"],
    "AddEmailForm": ["user"],
    "AuthenticateForm": ["user"],
    "MFAReauthenticateForm": ["user"],
    "ActivateTOTPForm": ["user"],
    "AddWebAuthnForm": ["user"],
    "EditWebAuthnForm": ["instance"],
}


@pytest.fixture
def build_kwargs(org, alice, case, harmed, responsible):
    """What each form's page hands it, by the constructor's parameter name."""
    membership = Membership.objects.get(user=alice, organisation=org)
    by_name = {
        "case": case,
        "member": membership,
        "membership": membership,
        "organisation": org,
        "user": alice,
        "matches": Person.objects.filter(organisation=org),
        "accepted": set(),
        "stage": "what_happened",
        "label": "What happened?",
        "email": alice.email,
        "meeting": arranged_meeting(case, harmed, responsible),
        "invited": [harmed, responsible],
        "email_safe": True,
        "number": 1,
        "question_set": question_set_current(org),
        "questions": question_set_current(org).questions,
        "measure": None,
        "parties": case.parties.all(),
        "receivers": Organisation.objects.exclude(pk=org.pk),
        "words": words_for(org),
        "group_words": group_words_for(words_for(org)),
        "circle": True,
        "found": [harmed.person],
        "members": [],
        "columns": KINDS[ImportKind.PEOPLE].columns_for(org, words_for(org)),
        "headers": ["First name", "Last name"],
        # Training
        "course": CourseFactory(organisation=org),
        "people": [(1, "Siân O'Brien")],
        "org_ids": [org.pk],
        "scope_choices": [],
        "today": datetime.date(2026, 11, 27),
        "instance": Authenticator(
            user=alice, type=Authenticator.Type.WEBAUTHN, data={"name": "Security key"}
        ),
    }
    instances = {Case: case, Person: harmed.person, Organisation: org}

    def build(form_class: type[forms.BaseForm], data: dict[str, str]) -> forms.BaseForm:
        kwargs = {}
        for name, parameter in inspect.signature(form_class.__init__).parameters.items():
            if parameter.kind is not parameter.KEYWORD_ONLY:
                continue
            if name in by_name:
                kwargs[name] = by_name[name]
            elif parameter.default is parameter.empty:
                pytest.fail(
                    f"{form_class.__name__} needs `{name}`: teach build_kwargs what its page passes"
                )
        for name in ALLAUTH_KWARGS.get(form_class.__name__, ()):
            kwargs[name] = by_name[name]
        if issubclass(form_class, forms.ModelForm):
            model = form_class._meta.model
            kwargs["instance"] = instances.get(model) or model(organisation=org)
        # allauth's forms read the request they are shown on (the TOTP set-up keeps its
        # secret in the session), as their own views provide it.
        request = RequestFactory().get("/")
        request.user = alice
        request.session = SessionStore()
        with allauth_context.request_context(request):
            return form_class(data=data, **kwargs)

    return build


def too_far(field: forms.Field) -> list[tuple[str, str, object]]:
    """(error code, value past the limit, the limit) for each limit the field has."""
    cases: list[tuple[str, str, object]] = []
    max_length = getattr(field, "max_length", None)
    if max_length:
        value = "ł" * (max_length + 1)
        if isinstance(field, forms.EmailField):
            value = "ł" * (max_length - 10) + "@example.org"
        cases.append(("max_length", value, max_length))
    max_value = getattr(field, "max_value", None)
    if max_value is not None and not callable(max_value):
        cases.append(("max_value", str(max_value + 1), max_value))
    min_value = getattr(field, "min_value", None)
    if min_value is not None and not callable(min_value):
        cases.append(("min_value", str(min_value - 1), min_value))
    return cases


def limit_words(limit: object) -> str:
    if isinstance(limit, int):
        return f"{limit:,}"
    return f"{decimal.Decimal(str(limit)).normalize():,f}"


def test_the_walk_finds_the_forms_people_use():
    names = {cls.__name__ for cls in FORM_CLASSES}
    assert {"PartyAddForm", "ContactForm", "PersonForm", "ReferralForm", "AuditFilterForm"} <= names


def names_the_field(message: str, label: str) -> bool:
    words = {w for w in label.lower().replace("’", " ").split() if len(w) > 3}
    return label.lower() in message.lower() or any(w in message.lower() for w in words)


def test_every_limit_in_every_form_names_the_field_and_the_limit(build_kwargs):
    """Where the form leaves the wording to Amends, the sentence is exact. A field that words
    a limit its own way (“The amount must be more than £0”) must still name the field."""
    checked: list[str] = []
    wrong: list[str] = []
    for form_class in FORM_CLASSES:
        template = build_kwargs(form_class, {})
        for name, field in template.fields.items():
            for code, value, limit in too_far(field):
                form = build_kwargs(form_class, {template.add_prefix(name): value})
                form.is_valid()
                label = field_label(form, name)
                messages = form.errors.get(name, [])
                where = f"{form_class.__name__}.{name} ({code})"
                checked.append(where)
                if any(m.startswith(DJANGO_WORDING) for m in messages) or not messages:
                    wrong.append(f"{where}: {list(messages)}")
                elif code in field.error_messages:
                    if not any(names_the_field(m, label) for m in messages):
                        wrong.append(f"{where} does not name the field: {list(messages)}")
                elif not any(m.startswith(label) and limit_words(limit) in m for m in messages):
                    wrong.append(f"{where}: {list(messages)}")
    assert not wrong, "\n".join(wrong)
    # The walk reached the fields people meet most.
    assert {
        "PartyAddForm.family_name (max_length)",
        "ContactForm.minutes (max_value)",
        "ContactForm.minutes (min_value)",
        "ConsentForm.note (max_length)",
    } <= set(checked)


def test_a_too_long_last_name_is_explained_at_the_field_and_in_the_summary(as_bob, case):
    response = as_bob.post(
        reverse("cases:party_add", args=[case.pk]),
        {"role": "harmed", "given_name": "Siân", "family_name": "O'Brien" + "n" * 100},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Last name must be 100 characters or fewer" in page
    assert page.count("Last name must be 100 characters or fewer") == 2  # summary and field
    assert "Ensure this value" not in page
    assert not case.parties.exists()


class LimitsForm(forms.Form):
    nickname = forms.CharField(max_length=20, required=False)
    minutes = forms.IntegerField(label="Minutes", min_value=1, max_value=600)
    hours = forms.DecimalField(label="Hours", max_digits=4, decimal_places=1, max_value=100)
    code = forms.CharField(
        label="Code",
        max_length=6,
        error_messages={"max_length": "Codes are 6 letters, like ABCDEF"},
    )


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"nickname": "Łukasz" * 4}, "nickname", "Nickname must be 20 characters or fewer"),
        ({"minutes": "601"}, "minutes", "Minutes must be 600 or less"),
        ({"minutes": "0"}, "minutes", "Minutes must be 1 or more"),
        ({"hours": "100.5"}, "hours", "Hours must be 100 or less"),
        ({"hours": "2.25"}, "hours", "Hours must have 1 decimal place or fewer"),
        ({"code": "ABCDEFG"}, "code", "Codes are 6 letters, like ABCDEF"),
    ],
)
def test_the_wording_for_each_kind_of_limit(data, field, message):
    form = LimitsForm(data)
    assert not form.is_valid()
    assert form.errors[field] == [message]


def test_a_limit_found_by_the_model_is_worded_the_same_way():
    form = LimitsForm({})
    form.is_valid()
    form.add_error(
        None,
        forms.ValidationError(
            {
                "nickname": forms.ValidationError(
                    "Ensure this value has at most %(limit_value)d characters.",
                    code="max_length",
                    params={"limit_value": 20},
                )
            }
        ),
    )
    assert form.errors["nickname"] == ["Nickname must be 20 characters or fewer"]
