"""factory_boy factories for the records the tests need.

Convention: an organisation-owned factory takes `organisation` and builds every
record it points at inside that same organisation, so `XFactory(organisation=org)`
gives a consistent set (the isolation walk relies on it).
"""

from __future__ import annotations

import datetime
import secrets
import time

import factory
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from django.utils import timezone
from factory.django import DjangoModelFactory
from faker import Faker

from amends.accounts.models import User
from amends.core.fields import decrypt, encrypt
from amends.core.models import Invitation, Membership, Organisation, OrganisationKind, Role, Sector
from amends.housing.models import CaseHousehold, Household, HouseholdMember, Tenure
from amends.people.models import IdentifierKind, Person, PersonIdentifier
from amends.practitioners.models import (
    PRACTITIONER_ROLES,
    DevelopmentActivity,
    Registration,
    SupervisionSession,
    TrainingLevel,
    TrainingRecord,
)

_fake_gb = Faker("en_GB")

PASSWORD = "correct horse battery staple"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.JUSTICE_SERVICE
    sectors = factory.LazyFunction(lambda: [Sector.JUSTICE])
    town = "Leeds"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()

    @factory.post_generation
    def second_factor(obj, create, extracted, **kwargs):
        """Every user has an authenticator app (UserFactory(second_factor=False) for none);
        platform administrators also have a passkey."""
        if not create or extracted is False:
            return
        TOTPAuthenticatorFactory(user=obj)
        if obj.is_platform_admin:
            PasskeyFactory(user=obj)


class TOTPAuthenticatorFactory(DjangoModelFactory):
    """An authenticator app: the secret is stored encrypted, as allauth's adapter stores it."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory, second_factor=False)
    type = Authenticator.Type.TOTP
    data = factory.LazyFunction(lambda: {"secret": encrypt(generate_totp_secret())})


class PasskeyFactory(DjangoModelFactory):
    """A WebAuthn authenticator row. Tests cannot run a real WebAuthn ceremony,
    so the credential is a placeholder: enough for 'has a passkey' checks."""

    class Meta:
        model = Authenticator

    user = factory.SubFactory(UserFactory, second_factor=False)
    type = Authenticator.Type.WEBAUTHN
    data = factory.LazyFunction(lambda: {"name": "Security key", "credential": {}})


def totp_secret(user) -> str:
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    return decrypt(authenticator.data["secret"])


def totp_code(user, *, offset: int = 0) -> str:
    """The code `user`'s authenticator app shows now (offset in 30-second steps)."""
    counter = int(time.time()) // 30 + offset
    return format_hotp_value(hotp_value(totp_secret(user), counter))


class MembershipFactory(DjangoModelFactory):
    """A member. A facilitator or coordinator holds practitioner-level training in each of
    the organisation's sectors, so cases can be given to them; MembershipFactory(trained=False)
    for one without."""

    class Meta:
        model = Membership
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Role.FACILITATOR

    @factory.post_generation
    def trained(obj, create, extracted, **kwargs):
        if not create or extracted is False or obj.role not in PRACTITIONER_ROLES:
            return
        have = set(
            TrainingRecord.objects.filter(practitioner=obj.user).values_list("sector", flat=True)
        )
        TrainingRecord.objects.bulk_create(
            TrainingRecord(
                organisation=obj.organisation,
                practitioner=obj.user,
                title=f"Restorative practice: {Sector(sector).label.lower()}",
                provider="Meadowbank Restorative Consultancy",
                sector=sector,
                level=TrainingLevel.PRACTITIONER,
                completed_on=datetime.date(2025, 3, 14),
                evidence_stored_name=secrets.token_hex(16),
                evidence_content_type="application/pdf",
                evidence_size=0,
            )
            for sector in obj.organisation.sectors
            if sector not in have
        )


class InvitationFactory(DjangoModelFactory):
    class Meta:
        model = Invitation

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.FACILITATOR
    token_hash = factory.Sequence(lambda n: Invitation.hash_token(f"token-{n}"))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class PersonFactory(DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    given_name = factory.Faker("first_name", locale="en_GB")
    # A real surname with a numbered tail, so no surname is also a word on a page
    # ("Page", "Case") and tests that assert a surname is absent cannot pass or fail by chance.
    family_name = factory.Sequence(lambda n: f"{_fake_gb.last_name()}-{n}")
    email = factory.Faker("email", locale="en_GB")
    phone = "07700 900 123"
    address = "1 High Street\nLeeds\nLS1 1AA"


class PersonIdentifierFactory(DjangoModelFactory):
    class Meta:
        model = PersonIdentifier

    organisation = factory.SubFactory(OrganisationFactory)
    person = factory.SubFactory(PersonFactory, organisation=factory.SelfAttribute("..organisation"))
    kind = IdentifierKind.PRISONER_NUMBER
    value = factory.Sequence(lambda n: f"A{n % 10000:04d}BC")


# The restorative case ---------------------------------------------------------

from amends.agreements.models import (  # noqa: E402
    Acceptance,
    ActionKind,
    Agreement,
    AgreementAction,
    Payment,
)
from amends.cases.models import (  # noqa: E402
    Acknowledgement,
    Case,
    CaseEvent,
    ConsentDecision,
    ConsentMethod,
    ConsentRecord,
    ContactKind,
    ContactLogEntry,
    Party,
    PartyRole,
    ProcessType,
    RiskAssessment,
    RiskDecision,
    Side,
)
from amends.meetings.models import IndirectMessage, Meeting, MeetingAttendee  # noqa: E402
from amends.referrals.models import HarmType, Referral, ReferralPerson  # noqa: E402


def _org(path="..organisation"):
    return factory.SelfAttribute(path)


class HarmTypeFactory(DjangoModelFactory):
    class Meta:
        model = HarmType
        django_get_or_create = ("organisation", "name")

    organisation = factory.SubFactory(OrganisationFactory)
    name = "Criminal damage"


class ReferralFactory(DjangoModelFactory):
    class Meta:
        model = Referral

    organisation = factory.SubFactory(OrganisationFactory)
    source_agency = "Northbridge Police"
    referrer_name = "PC Amy Holt"
    received_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=3))
    incident_summary = "Windows of a corner shop broken on a Friday night."
    harm_type = factory.SubFactory(HarmTypeFactory, organisation=_org())
    justice_stage = "out_of_court"
    sector = "justice"


class ReferralPersonFactory(DjangoModelFactory):
    class Meta:
        model = ReferralPerson

    organisation = factory.SubFactory(OrganisationFactory)
    referral = factory.SubFactory(ReferralFactory, organisation=_org())
    role = "harmed"
    given_name = factory.Faker("first_name", locale="en_GB")
    family_name = factory.Faker("last_name", locale="en_GB")


class CaseFactory(DjangoModelFactory):
    class Meta:
        model = Case

    organisation = factory.SubFactory(OrganisationFactory)
    reference = factory.Sequence(lambda n: f"RJ-2026-{n + 1:04d}")
    sector = "justice"
    harm_summary = "Windows of a corner shop broken on a Friday night."
    planned_process = ProcessType.CONFERENCE


class PartyFactory(DjangoModelFactory):
    class Meta:
        model = Party

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    person = factory.SubFactory(PersonFactory, organisation=_org())
    role = PartyRole.HARMED
    side = factory.LazyAttribute(
        lambda o: {PartyRole.HARMED: Side.HARMED, PartyRole.RESPONSIBLE: Side.RESPONSIBLE}.get(
            o.role, Side.COMMUNITY
        )
    )


class ConsentRecordFactory(DjangoModelFactory):
    class Meta:
        model = ConsentRecord

    organisation = factory.SubFactory(OrganisationFactory)
    party = factory.SubFactory(PartyFactory, organisation=_org())
    case = factory.SelfAttribute("party.case")
    given_by = factory.SelfAttribute("party")
    decision = ConsentDecision.GIVEN
    method = ConsentMethod.IN_PERSON
    decided_on = factory.LazyFunction(timezone.localdate)


class RiskAssessmentFactory(DjangoModelFactory):
    class Meta:
        model = RiskAssessment

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    acknowledgement = Acknowledgement.FULL
    narrative = "Both parties keen; no history between them."
    decision = RiskDecision.SUITABLE
    assessed_on = factory.LazyFunction(timezone.localdate)


class ContactLogEntryFactory(DjangoModelFactory):
    class Meta:
        model = ContactLogEntry

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    kind = ContactKind.CALL
    contact_on = factory.LazyFunction(timezone.localdate)
    minutes = 20


class CaseEventFactory(DjangoModelFactory):
    class Meta:
        model = CaseEvent

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    code = "case_opened"
    summary = "Case opened"


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    process = ProcessType.CONFERENCE
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    venue = "Northbridge Community Centre"
    facilitator = factory.SubFactory(UserFactory)


class MeetingAttendeeFactory(DjangoModelFactory):
    class Meta:
        model = MeetingAttendee

    organisation = factory.SubFactory(OrganisationFactory)
    meeting = factory.SubFactory(MeetingFactory, organisation=_org())
    case = factory.SelfAttribute("meeting.case")
    party = factory.SubFactory(
        PartyFactory, organisation=_org(), case=factory.SelfAttribute("..case")
    )


class IndirectMessageFactory(DjangoModelFactory):
    class Meta:
        model = IndirectMessage

    organisation = factory.SubFactory(OrganisationFactory)
    meeting = factory.SubFactory(MeetingFactory, organisation=_org(), process=ProcessType.SHUTTLE)
    case = factory.SelfAttribute("meeting.case")
    from_party = factory.SubFactory(
        PartyFactory, organisation=_org(), case=factory.SelfAttribute("..case")
    )
    to_party = factory.SubFactory(
        PartyFactory,
        organisation=_org(),
        case=factory.SelfAttribute("..case"),
        role=PartyRole.RESPONSIBLE,
    )
    carried_on = factory.LazyFunction(timezone.localdate)
    summary = "I am sorry for what I did."


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = Agreement

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())


class AgreementActionFactory(DjangoModelFactory):
    class Meta:
        model = AgreementAction

    organisation = factory.SubFactory(OrganisationFactory)
    agreement = factory.SubFactory(AgreementFactory, organisation=_org())
    case = factory.SelfAttribute("agreement.case")
    owner = factory.SubFactory(
        PartyFactory,
        organisation=_org(),
        case=factory.SelfAttribute("..case"),
        role=PartyRole.RESPONSIBLE,
    )
    kind = ActionKind.APOLOGY_WRITTEN
    description = "Write a letter of apology to the shop owner."
    due_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    organisation = factory.SubFactory(OrganisationFactory)
    action = factory.SubFactory(
        AgreementActionFactory, organisation=_org(), kind=ActionKind.RESTITUTION, amount=100
    )
    case = factory.SelfAttribute("action.case")
    amount = 20
    paid_on = factory.LazyFunction(timezone.localdate)


class AcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = Acceptance

    organisation = factory.SubFactory(OrganisationFactory)
    agreement = factory.SubFactory(AgreementFactory, organisation=_org())
    case = factory.SelfAttribute("agreement.case")
    party = factory.SubFactory(
        PartyFactory, organisation=_org(), case=factory.SelfAttribute("..case")
    )
    accepted_on = factory.LazyFunction(timezone.localdate)


# Documents --------------------------------------------------------------------------

from amends.documents.models import Document, DocumentKind  # noqa: E402

SMALL_PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


class DocumentFactory(DjangoModelFactory):
    """A document with its file written under MEDIA_ROOT (a temporary folder in tests)."""

    class Meta:
        model = Document
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    title = "Signed agreement"
    kind = DocumentKind.SIGNED_AGREEMENT
    stored_name = factory.Sequence(lambda n: f"test{n:08d}{time.time_ns()}")
    content_type = "application/pdf"
    size = len(SMALL_PDF)

    @factory.post_generation
    def file(obj, create, extracted, **kwargs):
        if create:
            obj.path.parent.mkdir(parents=True, exist_ok=True)
            obj.path.write_bytes(extracted or SMALL_PDF)


# The public website (amends/website) -----------------------------------------------------


class TrainingEnquiryFactory(DjangoModelFactory):
    class Meta:
        model = "website.TrainingEnquiry"

    organisation = factory.SubFactory(OrganisationFactory)
    organisation_name = "Kingsmead Academy"
    programme = "schools"
    people_count = 14
    delivery = "in_house"
    contact_name = "Ruth Adebayo"
    contact_email = "ruth@kingsmead.example"


class HelpRequestFactory(DjangoModelFactory):
    class Meta:
        model = "website.HelpRequest"

    organisation = factory.SubFactory(OrganisationFactory)
    sector = "justice"
    postcode_area = "NB1"
    details = factory.LazyFunction(
        lambda: (
            '{"who": "harmed", "given_name": "Siân", "family_name": "O\'Brien", '
            '"what_happened": "My bike was taken.", "place": "justice", "postcode": "NB1", '
            '"contact_by": "phone", "phone": "07700 900982", "email": "", "safe_times": "", '
            '"leave_message": "no", "language": "", "safety_note": "", "behalf_of": "", '
            '"their_given_name": "", "their_family_name": ""}'
        )
    )


# Training ---------------------------------------------------------------------------

from amends.training.models import (  # noqa: E402
    Certificate,
    Cohort,
    CohortDay,
    Course,
    Enrolment,
    EnrolmentStatus,
    Level,
    Programme,
)


class ProgrammeFactory(DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ("organisation", "sector")

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    sector = Sector.JUSTICE
    title = "Restorative justice in criminal and civil justice"
    summary = "For police, probation and victim services."


class CourseFactory(DjangoModelFactory):
    class Meta:
        model = Course

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    programme = factory.SubFactory(ProgrammeFactory, organisation=_org())
    title = "Restorative justice facilitator: conferencing and mediation"
    level = Level.PRACTITIONER
    days = 2
    accredited_hours = 14
    summary = "How to prepare and run a restorative conference."
    learning_outcomes = "Assess whether a case is suitable\nFacilitate a conference"
    is_published = True


class CohortFactory(DjangoModelFactory):
    """A cohort with a day for each of its course's days, starting `starts_on`
    (a fortnight ahead unless told)."""

    class Meta:
        model = Cohort
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    course = factory.SubFactory(CourseFactory, organisation=_org())
    venue = "Meadowbank Training Centre, Harrogate"
    capacity = 12
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))

    @factory.post_generation
    def days(obj, create, extracted, **kwargs):
        if not create:
            return
        for number in range(1, obj.course.days + 1):
            CohortDay.objects.create(
                organisation=obj.organisation,
                cohort=obj,
                number=number,
                date=obj.starts_on + datetime.timedelta(days=number - 1),
            )
        obj.ends_on = obj.starts_on + datetime.timedelta(days=obj.course.days - 1)
        obj.save(update_fields=["ends_on"])


class CohortDayFactory(DjangoModelFactory):
    class Meta:
        model = CohortDay
        django_get_or_create = ("cohort", "number")

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    cohort = factory.SubFactory(CohortFactory, organisation=_org())
    number = 1
    date = factory.LazyAttribute(lambda o: o.cohort.starts_on)


class EnrolmentFactory(DjangoModelFactory):
    class Meta:
        model = Enrolment

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    cohort = factory.SubFactory(CohortFactory, organisation=_org())
    name = factory.Faker("name", locale="en_GB")
    email = factory.Sequence(lambda n: f"trainee{n}@example.org")
    organisation_name = "Northbridge Police"
    status = EnrolmentStatus.ENROLLED


class CertificateFactory(DjangoModelFactory):
    class Meta:
        model = Certificate

    organisation = factory.SubFactory(OrganisationFactory, kind=OrganisationKind.CONSULTANCY)
    enrolment = factory.SubFactory(
        EnrolmentFactory, organisation=_org(), status=EnrolmentStatus.COMPLETED
    )
    holder_name = factory.SelfAttribute("enrolment.name")
    course_title = factory.SelfAttribute("enrolment.cohort.course.title")
    level = factory.SelfAttribute("enrolment.cohort.course.level")
    sector = Sector.JUSTICE
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


# Practitioners -----------------------------------------------------------------------


def _practitioner_of(organisation_path="organisation"):
    """A facilitator of the record's organisation, whose record it is."""
    return factory.LazyAttribute(
        lambda o: MembershipFactory(organisation=getattr(o, organisation_path)).user
    )


class TrainingRecordFactory(DjangoModelFactory):
    """Training recorded from elsewhere, with its certificate written under MEDIA_ROOT."""

    class Meta:
        model = TrainingRecord
        skip_postgeneration_save = True

    organisation = factory.SubFactory(OrganisationFactory)
    practitioner = _practitioner_of()
    title = "Advanced restorative practice: harmful behaviour"
    provider = "Restorative Justice Council"
    sector = "justice"
    level = TrainingLevel.ADVANCED
    completed_on = datetime.date(2025, 9, 1)
    evidence_stored_name = factory.LazyFunction(lambda: secrets.token_hex(16))
    evidence_content_type = "application/pdf"
    evidence_size = len(SMALL_PDF)

    @factory.post_generation
    def evidence(obj, create, extracted, **kwargs):
        if create:
            obj.evidence_path.parent.mkdir(parents=True, exist_ok=True)
            obj.evidence_path.write_bytes(extracted or SMALL_PDF)


class RegistrationFactory(DjangoModelFactory):
    class Meta:
        model = Registration

    organisation = factory.SubFactory(OrganisationFactory)
    practitioner = _practitioner_of()
    body = "Restorative Justice Council"
    number = factory.Sequence(lambda n: f"RJC{n:05d}")
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class SupervisionSessionFactory(DjangoModelFactory):
    class Meta:
        model = SupervisionSession

    organisation = factory.SubFactory(OrganisationFactory)
    practitioner = _practitioner_of()
    held_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=14))
    supervisor = "Dr Helen Marsh"


class DevelopmentActivityFactory(DjangoModelFactory):
    class Meta:
        model = DevelopmentActivity

    organisation = factory.SubFactory(OrganisationFactory)
    practitioner = _practitioner_of()
    done_on = factory.LazyFunction(timezone.localdate)
    activity = "Peer observation of a conference"
    hours = 3


# The API and background work ------------------------------------------------------

from amends.api.models import ApiKey, Scope  # noqa: E402
from amends.tasks.models import Delivery, DeliveryStatus  # noqa: E402


class ApiKeyFactory(DjangoModelFactory):
    """A key whose secret is its name's test value: `ApiKeyFactory(key="…")` to call with it."""

    class Meta:
        model = ApiKey

    class Params:
        key = factory.Sequence(lambda n: f"amends_test{n}_secret-part-{n}")

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"Crime system {n}")
    prefix = factory.LazyAttribute(lambda o: o.key.rsplit("_", 1)[0])
    key_hash = factory.LazyAttribute(lambda o: ApiKey.hash_key(o.key))
    scopes = factory.LazyFunction(lambda: list(Scope.values))
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=90))


class DeliveryFactory(DjangoModelFactory):
    class Meta:
        model = Delivery

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "webhook"
    event = "referral.accepted"
    sender_type = "apikey"
    sender_id = "0"
    destination = "https://crime-system.example/amends"
    status = DeliveryStatus.FAILED
    attempts = 8
    last_error = "The receiver answered 503"


class HouseholdFactory(DjangoModelFactory):
    class Meta:
        model = Household

    organisation = factory.SubFactory(OrganisationFactory)
    name = factory.Sequence(lambda n: f"The O'Connor household {n}")
    address_line_1 = factory.Sequence(lambda n: f"Flat {n + 1}, 14 Hazel Close")
    town = "Riverside"
    postcode = "RS2 4HZ"
    estate = "Meadowbank Estate"
    tenure = Tenure.SOCIAL_RENT


class HouseholdMemberFactory(DjangoModelFactory):
    class Meta:
        model = HouseholdMember

    organisation = factory.SubFactory(OrganisationFactory)
    household = factory.SubFactory(HouseholdFactory, organisation=_org())
    person = factory.SubFactory(PersonFactory, organisation=_org())


class CaseHouseholdFactory(DjangoModelFactory):
    class Meta:
        model = CaseHousehold

    organisation = factory.SubFactory(OrganisationFactory)
    case = factory.SubFactory(CaseFactory, organisation=_org())
    household = factory.SubFactory(HouseholdFactory, organisation=_org())


from amends.groups.models import GroupKind, GroupMember, GroupSession, GroupWork  # noqa: E402


class GroupWorkFactory(DjangoModelFactory):
    class Meta:
        model = GroupWork

    organisation = factory.SubFactory(OrganisationFactory)
    kind = GroupKind.CIRCLE
    name = "8C form group"
    sector = "schools"


class GroupMemberFactory(DjangoModelFactory):
    class Meta:
        model = GroupMember

    organisation = factory.SubFactory(OrganisationFactory)
    group = factory.SubFactory(GroupWorkFactory, organisation=_org())
    person = factory.SubFactory(PersonFactory, organisation=_org())


class GroupSessionFactory(DjangoModelFactory):
    class Meta:
        model = GroupSession

    organisation = factory.SubFactory(OrganisationFactory)
    group = factory.SubFactory(GroupWorkFactory, organisation=_org())
    held_on = factory.LazyFunction(timezone.localdate)
    topic = "Check-in: how was the weekend?"


# Imports ----------------------------------------------------------------------

from amends.imports.models import Import  # noqa: E402


class ImportFactory(DjangoModelFactory):
    class Meta:
        model = Import

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "people"
    file_name = "people.csv"
    headers = factory.LazyFunction(lambda: ["First name", "Last name"])
    row_count = 1


from amends.exports.models import Export  # noqa: E402


class ExportFactory(DjangoModelFactory):
    class Meta:
        model = Export

    organisation = factory.SubFactory(OrganisationFactory)
    kind = "audit_log"
    file_name = "audit-log-2026-11-28.csv"
    stored_name = factory.Sequence(lambda n: f"export-{n:032d}")
    row_count = 1
