"""Every "choose several" question, in every form Amends has, lets you choose several.

The test finds every form class in the application by itself. A new form
fails here until it is added to FORMS with what it needs to be built, so no
question can slip past as radios that let you pick only one.
"""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from typing import Any

import pytest
from allauth.core import context as allauth_context
from allauth.mfa.models import Authenticator
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.template import engines
from django.test import RequestFactory

import amends
from amends.cases.models import PartyRole
from amends.core.models import Membership, Organisation
from amends.core.vocabulary import group_words_for, words_for
from amends.housing.models import Household
from amends.imports.kinds import KINDS
from amends.imports.models import ImportKind
from amends.outcomes.models import question_set_current
from amends.people.models import Person
from tests.factories import CourseFactory, HarmTypeFactory, PartyFactory, PersonFactory
from tests.test_meetings import arranged_meeting


def TrainerFactory(org: Any) -> None:
    """A trainer of the organisation, so the cohort form offers someone to choose."""
    from amends.core.models import Role
    from tests.factories import MembershipFactory

    MembershipFactory(organisation=org, role=Role.TRAINER)


def all_form_classes() -> dict[str, type[forms.BaseForm]]:
    """Every form class defined in a module of the `amends` package, by its full name."""
    found: dict[str, type[forms.BaseForm]] = {}
    for module_info in pkgutil.walk_packages(amends.__path__, "amends."):
        if ".migrations" in module_info.name:
            continue
        module = importlib.import_module(module_info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, forms.BaseForm)
                and value.__module__ == module.__name__
            ):
                found[f"{module.__name__}.{name}"] = value
    return found


class World:
    """A case of Northbridge's with six people, a meeting, and the organisation's lists."""

    def __init__(self, org: Any, alice: Any, bob: Any, case: Any) -> None:
        self.case = case
        self.user = alice
        self.member = Membership.objects.get(user=alice, organisation=org)
        harmed = PartyFactory(
            organisation=org,
            case=case,
            role=PartyRole.HARMED,
            person=PersonFactory(organisation=org, given_name="Siân", family_name="O'Brien"),
        )
        responsible = PartyFactory(
            organisation=org,
            case=case,
            role=PartyRole.RESPONSIBLE,
            person=PersonFactory(organisation=org, given_name="Łukasz", family_name="Nowak"),
        )
        self.parties = [harmed, responsible]
        self.meeting = arranged_meeting(case, harmed, responsible)
        HarmTypeFactory(organisation=org, name="Criminal damage")
        self.course = CourseFactory(organisation=org)
        TrainerFactory(org)


# What each form needs to be built. A form that is not here fails the test.
FORMS: dict[str, Callable[[World], dict[str, Any]]] = {
    "amends.reports.forms.ReportFilterForm": lambda w: {
        "org_ids": [w.member.organisation_id],
        "scope_choices": [],
        "today": datetime.date(2026, 11, 27),
    },
    "amends.reports.forms.ReportSettingsForm": lambda w: {},
    "amends.reports.forms.ShareWithForm": lambda w: {"organisation": w.member.organisation},
    "amends.agreements.forms.ActionForm": lambda w: {"case": w.case},
    "amends.agreements.forms.AcceptanceForm": lambda w: {"case": w.case, "accepted": set()},
    "amends.agreements.forms.ConfirmForm": lambda w: {},
    "amends.agreements.forms.ResolveForm": lambda w: {},
    "amends.agreements.forms.PaymentForm": lambda w: {},
    "amends.cases.forms.CaseFilterForm": lambda w: {"member": w.member},
    "amends.cases.forms.AllocateForm": lambda w: {"member": w.member, "case": w.case},
    "amends.cases.forms.CaseDetailsForm": lambda w: {"instance": w.case},
    "amends.cases.forms.PartyAddForm": lambda w: {
        "case": w.case,
        "matches": Person.objects.filter(organisation=w.case.organisation),
    },
    "amends.cases.forms.ConsentForm": lambda w: {"case": w.case},
    "amends.cases.forms.RiskAssessmentForm": lambda w: {},
    "amends.cases.forms.ContactForm": lambda w: {"case": w.case},
    "amends.cases.forms.PartyNotesForm": lambda w: {},
    "amends.cases.forms.CloseForm": lambda w: {},
    "amends.core.audit_log.AuditFilterForm": lambda w: {},
    "amends.core.forms.InviteForm": lambda w: {},
    "amends.core.forms.RoleForm": lambda w: {},
    "amends.core.forms.OrganisationForm": lambda w: {},
    "amends.core.forms.NewOrganisationForm": lambda w: {},
    "amends.core.forms.AcceptInvitationForm": lambda w: {"email": "siân@northbridge.example"},
    "amends.documents.forms.DocumentForm": lambda w: {"case": w.case},
    "amends.meetings.forms.MeetingArrangeForm": lambda w: {"case": w.case},
    "amends.meetings.forms.MeetingChangeForm": lambda w: {
        "meeting": w.meeting,
        "invited": w.parties,
    },
    "amends.meetings.forms.MarkHeldForm": lambda w: {"meeting": w.meeting, "invited": w.parties},
    "amends.meetings.forms.MessageForm": lambda w: {"case": w.case},
    "amends.meetings.forms.StageNotesForm": lambda w: {
        "stage": "what_happened",
        "label": "What happened",
    },
    "amends.people.forms.PersonForm": lambda w: {},
    "amends.housing.forms.HouseholdForm": lambda w: {},
    "amends.housing.forms.HouseholdSearchForm": lambda w: {},
    "amends.housing.forms.MemberAddForm": lambda w: {
        "matches": Person.objects.filter(organisation=w.case.organisation),
    },
    "amends.housing.forms.CaseHouseholdForm": lambda w: {"matches": Household.objects.none()},
    "amends.housing.forms.CaseHousingForm": lambda w: {},
    "amends.housing.forms.HousingSettingsForm": lambda w: {},
    "amends.people.forms.IdentifierForm": lambda w: {},
    "amends.people.forms.PersonSearchForm": lambda w: {},
    "amends.privacy.forms.ErasureForm": lambda w: {},
    "amends.referrals.forms.ReferralForm": lambda w: {"organisation": w.case.organisation},
    "amends.referrals.forms.ProposedPersonForm": lambda w: {"number": 1},
    "amends.referrals.forms.ErrorsInPageOrder": lambda w: {},
    "amends.agreements.forms.VaryForm": lambda w: {},
    "amends.cases.forms.ReopenForm": lambda w: {},
    "amends.core.forms.OrganisationSettingsForm": lambda w: {"instance": w.case.organisation},
    "amends.outcomes.forms.FeedbackForm": lambda w: {},
    "amends.outcomes.forms.FeedbackLinkForm": lambda w: {"email_safe": True},
    "amends.outcomes.forms.HarmMeasureForm": lambda w: {
        "questions": question_set_current(w.case.organisation).questions,
        "measure": None,
    },
    "amends.outcomes.forms.QuestionSetForm": lambda w: {
        "question_set": question_set_current(w.case.organisation)
    },
    "amends.outcomes.forms.VictimsCodeForm": lambda w: {},
    "amends.outcomes.forms.ReoffendingCheckForm": lambda w: {},
    # allauth's forms, relabelled: what their pages pass them.
    "amends.accounts.forms.GovukLabels": lambda w: {},
    "amends.accounts.forms.LoginForm": lambda w: {},
    "amends.accounts.forms.ReauthenticateForm": lambda w: {"user": w.user},
    "amends.accounts.forms.ResetPasswordForm": lambda w: {},
    "amends.accounts.forms.ResetPasswordKeyForm": lambda w: {},
    "amends.accounts.forms.ChangePasswordForm": lambda w: {"user": w.user},
    "amends.accounts.forms.SetPasswordForm": lambda w: {"user": w.user},
    "amends.accounts.forms.AddEmailForm": lambda w: {"user": w.user},
    "amends.accounts.forms.AuthenticateForm": lambda w: {"user": w.user},
    "amends.accounts.forms.MFAReauthenticateForm": lambda w: {"user": w.user},
    "amends.accounts.forms.ActivateTOTPForm": lambda w: {"user": w.user},
    "amends.accounts.forms.AddWebAuthnForm": lambda w: {"user": w.user},
    "amends.accounts.forms.EditWebAuthnForm": lambda w: {
        "instance": Authenticator(
            user=w.user, type=Authenticator.Type.WEBAUTHN, data={"name": "Security key"}
        )
    },
    "amends.referrals.forms.AcceptForm": lambda w: {},
    "amends.referrals.forms.DeclineForm": lambda w: {},
    "amends.referrals.forms.HarmTypeForm": lambda w: {},
    "amends.website.forms.SpamGuardForm": lambda w: {},
    "amends.website.forms.EnquiryForm": lambda w: {},
    "amends.website.forms.HelpRequestForm": lambda w: {},
    "amends.website.forms.PageForm": lambda w: {},
    "amends.website.forms.BrandForm": lambda w: {},
    "amends.website.forms.LogoForm": lambda w: {},
    "amends.website.forms.ContactDetailsForm": lambda w: {},
    "amends.website.forms.EnquiryStatusForm": lambda w: {},
    "amends.website.forms.NoteForm": lambda w: {},
    "amends.website.forms.RouteForm": lambda w: {},
    "amends.website.forms.RoutingRuleForm": lambda w: {},
    # Training
    "amends.training.forms.CourseForm": lambda w: {},
    "amends.training.forms.ProgrammeForm": lambda w: {},
    "amends.training.forms.CohortForm": lambda w: {"course": w.course},
    "amends.training.forms.EnrolmentForm": lambda w: {},
    "amends.training.forms.WithdrawForm": lambda w: {},
    "amends.training.forms.RegisterForm": lambda w: {
        "people": [(1, "Siân O'Brien"), (2, "Łukasz")]
    },
    "amends.training.forms.ResultForm": lambda w: {},
    "amends.training.forms.RevokeForm": lambda w: {},
    "amends.training.forms.CertificateCheckForm": lambda w: {},
    "amends.practitioners.forms.TrainingForm": lambda w: {},
    "amends.practitioners.forms.RegistrationForm": lambda w: {},
    "amends.practitioners.forms.SupervisionForm": lambda w: {},
    "amends.practitioners.forms.DevelopmentForm": lambda w: {},
    "amends.practitioners.forms.PracticeSettingsForm": lambda w: {},
    "amends.api.forms.ApiKeyForm": lambda w: {},
    "amends.welsh.forms.WelshPageForm": lambda w: {},
    "amends.notify.forms.MessageTemplateForm": lambda w: {},
    # Prisons
    "amends.custody.forms.PersonCustodyForm": lambda w: {},
    "amends.custody.forms.ReleaseForm": lambda w: {},
    "amends.custody.forms.TransferForm": lambda w: {
        "receivers": Organisation.objects.exclude(pk=w.member.organisation_id)
    },
    "amends.custody.forms.ClearanceStepForm": lambda w: {},
    "amends.custody.forms.ConductForm": lambda w: {"parties": w.case.parties.all()},
    # Group work
    "amends.groups.forms.GroupForm": lambda w: {
        "member": w.member,
        "group_words": group_words_for(words_for(w.member.organisation)),
        "circle": True,
    },
    "amends.groups.forms.AddPeopleForm": lambda w: {"found": [p.person for p in w.parties]},
    "amends.groups.forms.SessionForm": lambda w: {"member": w.member, "circle": False},
    "amends.groups.forms.AttendanceForm": lambda w: {"members": []},
    "amends.groups.forms.MemberStatusForm": lambda w: {},
    "amends.groups.forms.GroupCaseForm": lambda w: {
        "member": w.member,
        "words": words_for(w.member.organisation),
    },
    # Imports
    "amends.imports.forms.UploadForm": lambda w: {},
    "amends.imports.forms.MappingForm": lambda w: {
        "columns": KINDS[ImportKind.PEOPLE].columns_for(
            w.member.organisation, words_for(w.member.organisation)
        ),
        "headers": ["First name", "Last name", "Date of birth"],
    },
    "amends.imports.forms.SaveForm": lambda w: {},
    # Schools
    "amends.schools.forms.ConversationForm": lambda w: {"organisation": w.member.organisation},
    "amends.schools.forms.FollowUpForm": lambda w: {},
    "amends.schools.forms.ExclusionForm": lambda w: {},
    "amends.schools.forms.ParentInformedForm": lambda w: {"case": w.case},
    "amends.schools.forms.RaiseConcernForm": lambda w: {},
    "amends.schools.forms.ResolveConcernForm": lambda w: {},
    "amends.schools.forms.SchoolSettingsForm": lambda w: {"organisation": w.member.organisation},
}

FIELD = engines["django"].from_string("{% govuk_field field %}")


@pytest.fixture
def world(org, alice, bob, case) -> World:
    return World(org, alice, bob, case)


def test_every_form_in_the_application_is_in_the_table():
    missing = sorted(set(all_form_classes()) - set(FORMS))
    assert not missing, "\n".join(f"add {name.rsplit('.', 1)[1]} to the table" for name in missing)
    gone = sorted(set(FORMS) - set(all_form_classes()))
    assert not gone, f"remove from the table, no longer in the code: {gone}"


def test_the_search_finds_forms_in_any_module():
    names = all_form_classes()
    assert "amends.meetings.forms.MarkHeldForm" in names
    assert "amends.core.audit_log.AuditFilterForm" in names  # not in a forms.py


@pytest.mark.parametrize("name", sorted(FORMS))
def test_choose_several_questions_render_as_checkboxes(world, name):
    form_class = all_form_classes()[name]
    # allauth's forms read the request they are shown on, as their own views provide it.
    request = RequestFactory().get("/")
    request.user = world.user
    request.session = SessionStore()
    with allauth_context.request_context(request):
        form = form_class(**FORMS[name](world))
    for field_name, field in form.fields.items():
        html = FIELD.render({"field": form[field_name]})
        if not isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
            continue
        checkboxes = re.findall(r'<input[^>]*type="checkbox"[^>]*>', html)
        assert checkboxes, f"{name}.{field_name} offers no checkboxes"
        assert len(checkboxes) == len(list(field.choices)), f"{name}.{field_name}"
        assert 'type="radio"' not in html, f"{name}.{field_name} lets you choose only one"
        assert f'name="{form[field_name].html_name}"' in checkboxes[0]


def test_the_meeting_forms_offer_everyone_as_checkboxes(world):
    """The questions that were radios before: who takes part, who attended."""
    arrange = all_form_classes()["amends.meetings.forms.MeetingArrangeForm"](case=world.case)
    html = FIELD.render({"field": arrange["attendees"]})
    assert html.count('type="checkbox"') == 2
    assert "Siân O&#x27;Brien (person harmed)" in html
    assert "Łukasz Nowak (person responsible)" in html
    held = all_form_classes()["amends.meetings.forms.MarkHeldForm"](
        meeting=world.meeting, invited=world.parties
    )
    html = FIELD.render({"field": held["attended"]})
    assert html.count('type="checkbox"') == 2
    assert html.count(" checked") == 2


def test_a_select_draws_the_same_markup_as_djangos_own():
    # Amends draws each option in place (templates/django/forms/widgets/select.html); what a
    # screen reader or a browser receives is Django's markup: the chosen options, groups,
    # disabled attributes and escaped labels, only without the blank lines between options.
    from django import forms
    from django.forms.renderers import DjangoTemplates

    class Choices(forms.Form):
        one = forms.ChoiceField(choices=[("", "Anyone"), ("x", "Siân & <Zoë>"), ("y", "O'Brien")])
        grouped = forms.ChoiceField(choices=[("Wing A", [("1", "A1"), ("2", "A2")]), ("3", "B")])
        many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])

    data = {"one": "x", "grouped": "2", "many": ["1", "3"]}
    ours, djangos = Choices(data), Choices(data, renderer=DjangoTemplates())
    for name in ("one", "grouped", "many"):
        attrs = {"class": "govuk-select", "aria-describedby": f"{name}-hint"}
        drawn = ours[name].as_widget(attrs=attrs)
        assert re.sub(r"\s+", " ", drawn) == re.sub(
            r"\s+", " ", djangos[name].as_widget(attrs=attrs)
        )
    drawn = ours["one"].as_widget()
    assert '<option value="x" selected>Siân &amp; &lt;Zoë&gt;</option>' in drawn
    assert '<option value="y">O&#x27;Brien</option>' in drawn
