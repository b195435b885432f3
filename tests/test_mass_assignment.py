"""Mass assignment is impossible: forms name their fields, and extra posted fields change nothing."""

from __future__ import annotations

import importlib
import pkgutil

from django import forms
from django.urls import reverse

import amends
from amends.cases.models import CaseStatus
from tests.conftest import reveal_contact_details
from tests.factories import CaseFactory, PartyFactory, PersonFactory


def all_model_forms():
    for module in pkgutil.walk_packages(amends.__path__, "amends."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [f for f in subclasses(forms.ModelForm) if f.__module__.startswith("amends.")]


def test_every_model_form_names_its_fields():
    model_forms = all_model_forms()
    assert model_forms, "the walk found no forms"
    for form in model_forms:
        meta = form._meta
        assert meta.fields not in (None, "__all__"), f"{form.__name__} must list its fields"
        assert not meta.exclude, f"{form.__name__} must list its fields, not exclude some"


def test_extra_fields_posted_to_a_person_change_nothing(as_bob, org, other_org, bob):
    person = PersonFactory(organisation=org, given_name="Maisie", family_name="Thornbury")
    # In a case of bob's: a facilitator reaches only the people in their cases.
    case = CaseFactory(organisation=org, lead_facilitator=bob)
    PartyFactory(organisation=org, case=case, person=person)
    reveal_contact_details(as_bob, person)
    version = (
        as_bob.get(reverse("people:edit", args=[person.pk])).context["form"]["version"].value()
    )
    as_bob.post(
        reverse("people:edit", args=[person.pk]),
        {
            "given_name": "Maisie",
            "family_name": "Thornbury",
            "voicemail_safe": "no",
            "text_safe": "no",
            "letter_safe": "no",
            "version": version,
            "organisation": other_org.pk,
            "created_by": bob.pk,
            "is_child": "on",
        },
    )
    person.refresh_from_db()
    assert person.organisation == org
    assert person.created_by is None
    assert not person.is_child


def test_extra_fields_posted_to_a_case_change_nothing(as_bob, case, other_org):
    version = as_bob.get(reverse("cases:edit", args=[case.pk])).context["form"]["version"].value()
    as_bob.post(
        reverse("cases:edit", args=[case.pk]),
        {
            "harm_summary": "Changed",
            "planned_process": "conference",
            "version": version,
            "status": CaseStatus.CLOSED,
            "organisation": other_org.pk,
            "reference": "HIJACK-1",
            "lead_facilitator": "",
        },
    )
    case.refresh_from_db()
    assert case.harm_summary == "Changed"
    assert case.status == CaseStatus.OPEN
    assert case.organisation != other_org and case.reference != "HIJACK-1"
    assert case.lead_facilitator is not None


def test_an_invitation_cannot_make_a_platform_administrator(as_alice, org):
    from amends.core.models import Invitation

    as_alice.post(
        reverse("core:member_invite"),
        {
            "email": "new@example.org",
            "role": "referrer",
            "is_platform_admin": "on",
            "organisation": 999,
        },
    )
    invitation = Invitation.objects.get()
    assert invitation.organisation == org and invitation.role == "referrer"
