"""Outcome measures: harm ratings, feedback by one-time link, and the Victims' Code record.

The figures reports use are defined here once, as QuerySet annotations:
*harm repaired* (`harm_repaired_annotations`), *days from report to
information* (`VictimsCodeRecordQuerySet.with_days_to_information`) and
*reoffending checks due* (`ReoffendingCheckQuerySet.due`). The repeat-incident
rule, which needs no model of its own, is in `prevented.py`.
"""

from __future__ import annotations

import datetime
import hashlib
from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Case as CaseWhen
from django.db.models import (
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from amends.cases.models import Case, CaseChildQuerySet, CaseStatus, Party, PartyRole
from amends.core.fields import EncryptedTextField
from amends.core.models import Organisation, OrganisationOwned, OrganisationQuerySet


class Stage(models.TextChoices):
    """When a person answers the harm questions: before, after the meeting, at the end."""

    FIRST_CONTACT = "first_contact", _("At first contact")
    AFTER_MEETING = "after_meeting", _("After the meeting")
    CLOSURE = "closure", _("At closure")


STAGE_ORDER = [Stage.FIRST_CONTACT, Stage.AFTER_MEETING, Stage.CLOSURE]


class Audience(models.TextChoices):
    HARMED = "harmed", _("People harmed")
    RESPONSIBLE = "responsible", _("People responsible")


AUDIENCE_OF_ROLE: dict[str, str] = {
    PartyRole.HARMED: Audience.HARMED,
    PartyRole.RESPONSIBLE: Audience.RESPONSIBLE,
}

# The question whose fall from first contact to the latest stage is *harm repaired*.
HARM_QUESTION = "still_affects"

# The seeded set every organisation starts with (version 1). A coordinator may
# reword any question and its scale's ends; the keys stay, so answers given to
# different versions can still be compared question by question.
DEFAULT_QUESTIONS: list[dict[str, str]] = [
    {
        "key": HARM_QUESTION,
        "audience": Audience.HARMED,
        "text": "How much does what happened still affect you?",
        "low": "Not at all",
        "high": "Very much",
    },
    {
        "key": "feels_safe",
        "audience": Audience.HARMED,
        "text": "How safe do you feel?",
        "low": "Not safe at all",
        "high": "Completely safe",
    },
    {
        "key": "angry",
        "audience": Audience.HARMED,
        "text": "How angry do you feel about what happened?",
        "low": "Not at all angry",
        "high": "Very angry",
    },
    {
        "key": "afraid_again",
        "audience": Audience.HARMED,
        "text": "How afraid are you that it will happen again?",
        "low": "Not at all afraid",
        "high": "Very afraid",
    },
    {
        "key": "understands_effect",
        "audience": Audience.RESPONSIBLE,
        "text": "How well do you understand the effect of what you did on other people?",
        "low": "Not at all",
        "high": "Completely",
    },
]


class HarmQuestionSet(OrganisationOwned):
    """One version of an organisation's harm questions. A change makes a new version."""

    version = models.PositiveIntegerField()
    questions = models.JSONField()

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="one_question_set_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"Harm questions, version {self.version}"

    def for_audience(self, audience: str) -> list[dict[str, str]]:
        return [q for q in self.questions if q["audience"] == audience]


def question_set_current(organisation: Organisation) -> HarmQuestionSet:
    """The organisation's newest set; the seeded default (version 1, unsaved) if never changed."""
    latest = HarmQuestionSet.objects.filter(organisation=organisation).order_by("-version").first()
    if latest is not None:
        return latest
    return HarmQuestionSet(organisation=organisation, version=1, questions=DEFAULT_QUESTIONS)


class HarmMeasure(OrganisationOwned):
    """One person's answers at one stage. The wording asked is kept with each rating."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="harm_measures")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="harm_measures")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    answered_on = models.DateField(_("Date answered"))
    question_set_version = models.PositiveIntegerField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["party_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "party", "stage"], name="one_measure_per_stage"
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Harm measures of party {self.party_id}, {self.get_stage_display().lower()}"


class HarmRating(OrganisationOwned):
    """One answer, 0 to 10, with the exact question and scale it answered."""

    measure = models.ForeignKey(HarmMeasure, on_delete=models.CASCADE, related_name="ratings")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="harm_ratings")
    question_key = models.CharField(max_length=40)
    question = models.CharField(max_length=300)
    low_label = models.CharField(max_length=60)
    high_label = models.CharField(max_length=60)
    position = models.PositiveSmallIntegerField()
    rating = models.PositiveSmallIntegerField()

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["measure_id", "position"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=0) & Q(rating__lte=10), name="rating_from_0_to_10"
            ),
            models.UniqueConstraint(
                fields=["organisation", "measure", "question_key"], name="one_rating_per_question"
            ),
        ]
        indexes = [models.Index(fields=["organisation", "party", "question_key"])]

    def __str__(self) -> str:
        return f"{self.question_key}: {self.rating}"


def _stage_rank() -> CaseWhen:
    return CaseWhen(
        *[When(measure__stage=stage, then=Value(rank)) for rank, stage in enumerate(STAGE_ORDER)],
        output_field=IntegerField(),
    )


def harm_repaired_annotations(party_ref: str = "pk") -> dict[str, Any]:
    """Annotations for a Party QuerySet: `harm_first`, `harm_latest` and `harm_repaired`.

    Harm repaired, for one person: their rating of how much what happened still
    affects them (the HARM_QUESTION) at first contact, minus the same rating at
    their latest later stage (closure if answered, else after the meeting).
    Positive means the harm fell. Empty (None) unless both ratings exist.
    `party_ref` names the party's key from the annotated QuerySet's rows.
    """
    ratings = HarmRating.objects.filter(
        organisation=OuterRef("organisation"), party=OuterRef(party_ref), question_key=HARM_QUESTION
    )
    first = ratings.filter(measure__stage=Stage.FIRST_CONTACT).values("rating")[:1]
    latest = (
        ratings.exclude(measure__stage=Stage.FIRST_CONTACT)
        .annotate(stage_rank=_stage_rank())
        .order_by("-stage_rank")
        .values("rating")[:1]
    )
    return {
        "harm_first": Subquery(first, output_field=IntegerField()),
        "harm_latest": Subquery(latest, output_field=IntegerField()),
        "harm_repaired": ExpressionWrapper(
            Subquery(first, output_field=IntegerField())
            - Subquery(latest, output_field=IntegerField()),
            output_field=IntegerField(),
        ),
    }


# Feedback ------------------------------------------------------------------------


class Delivery(models.TextChoices):
    EMAIL = "email", _("Sent by e-mail")
    ON_SCREEN = "on_screen", _("Shown on screen to read out or pass on")


class FeedbackLinkQuerySet(CaseChildQuerySet):
    def usable(self) -> Self:
        return self.filter(used_at__isnull=True, expires_at__gt=timezone.now())


class FeedbackLink(OrganisationOwned):
    """A one-time link to the feedback form, for someone without an account.

    Only a hash of the token is stored, as for invitations: a copy of the
    database cannot be used to answer in someone's name.
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback_links")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="feedback_links")
    token_hash = models.CharField(max_length=64, unique=True)
    delivery = models.CharField(max_length=20, choices=Delivery.choices)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = FeedbackLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Feedback link {self.pk} for party {self.party_id}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @property
    def is_expired(self) -> bool:
        return self.used_at is None and self.expires_at <= timezone.now()

    @property
    def status(self) -> str:
        if self.used_at is not None:
            return gettext("Answered")
        if self.is_expired:
            return gettext("Expired")
        return gettext("Waiting for an answer")


class Satisfaction(models.TextChoices):
    VERY_SATISFIED = "very_satisfied", _("Very satisfied")
    SATISFIED = "satisfied", _("Satisfied")
    NEITHER = "neither", _("Neither satisfied nor dissatisfied")
    DISSATISFIED = "dissatisfied", _("Dissatisfied")
    VERY_DISSATISFIED = "very_dissatisfied", _("Very dissatisfied")


class YesPartlyNo(models.TextChoices):
    YES = "yes", _("Yes")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No")


class YesNotSureNo(models.TextChoices):
    YES = "yes", _("Yes")
    NOT_SURE = "not_sure", _("Not sure")
    NO = "no", _("No")


class AnsweredHow(models.TextChoices):
    ONLINE = "online", _("Online, by one-time link")
    BY_PHONE = "by_phone", _("By phone, recorded by the facilitator")


class FeedbackResponse(OrganisationOwned):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="feedback_responses")
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="feedback_responses")
    link = models.OneToOneField(
        FeedbackLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="response"
    )
    answered_how = models.CharField(max_length=20, choices=AnsweredHow.choices)
    answered_on = models.DateField(default=timezone.localdate)
    satisfied = models.CharField(
        _("How satisfied are you with the restorative justice process?"),
        max_length=20,
        choices=Satisfaction.choices,
    )
    well_prepared = models.CharField(
        _("Did you feel well prepared for it?"), max_length=10, choices=YesPartlyNo.choices
    )
    listened_to = models.CharField(
        _("Did you feel listened to?"), max_length=10, choices=YesPartlyNo.choices
    )
    felt_safe = models.CharField(
        _("Did you feel safe taking part?"), max_length=10, choices=YesPartlyNo.choices
    )
    would_recommend = models.CharField(
        _("Would you recommend it to someone in your position?"),
        max_length=10,
        choices=YesNotSureNo.choices,
    )
    harm_put_right = models.PositiveSmallIntegerField(
        _("How much has the harm been put right?"),
        help_text=_("0 means not at all, 10 means completely."),
    )
    comments = EncryptedTextField(
        _("Is there anything else you would like to tell us?"), max_length=2000, blank=True
    )

    objects = CaseChildQuerySet.as_manager()

    class Meta:
        ordering = ["-answered_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(harm_put_right__gte=0) & Q(harm_put_right__lte=10),
                name="harm_put_right_from_0_to_10",
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Feedback from party {self.party_id} on {self.answered_on}"


# The Victims' Code -------------------------------------------------------------------


class InformedHow(models.TextChoices):
    IN_PERSON = "in_person", _("In person")
    PHONE = "phone", _("By phone")
    LETTER = "letter", _("By letter")
    EMAIL = "email", _("By e-mail")
    LEAFLET = "leaflet", _("Leaflet handed over")
    VIDEO = "video", _("By video call")


class VictimsCodeRecordQuerySet(CaseChildQuerySet):
    def with_days_to_information(self) -> Self:
        """Annotate `report_to_information`, the one definition of *days from report
        to information*: the date a harmed person was first given information about
        restorative justice minus the date the crime was reported (a duration of
        whole days; `VictimsCodeRecord.days_to_information` gives the number).
        Empty where no crime report date was recorded."""
        gap = ExpressionWrapper(
            F("informed_on") - F("crime_reported_on"), output_field=DurationField()
        )
        return self.annotate(report_to_information=gap)


class VictimsCodeRecord(OrganisationOwned):
    """When a harmed person was first told about restorative justice (the Victims' Code)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="victims_code_records")
    party = models.OneToOneField(Party, on_delete=models.CASCADE, related_name="victims_code")
    crime_reported_on = models.DateField(_("Date the crime was reported"), null=True, blank=True)
    informed_on = models.DateField(_("Date first given information about restorative justice"))
    informed_by = models.CharField(
        _("Who gave the information"),
        max_length=200,
        help_text=_("Their name and organisation, for example PC Amy Holt, Northbridge Police."),
    )
    informed_how = models.CharField(
        _("How the information was given"), max_length=20, choices=InformedHow.choices
    )

    objects = VictimsCodeRecordQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        indexes = [models.Index(fields=["organisation", "case"])]

    def __str__(self) -> str:
        return f"Victims' Code record of party {self.party_id}"

    @property
    def days_to_information(self) -> int | None:
        """Days from report to information, from `with_days_to_information()`."""
        gap = getattr(self, "report_to_information", None)
        return None if gap is None else gap.days


# Prevented: the reoffending check ---------------------------------------------------


class ReoffendingAnswer(models.TextChoices):
    YES = "yes", _("Yes, they have offended again")
    NO = "no", _("No, they have not offended again")
    NOT_KNOWN = "not_known", _("Not known")


# How long after closure a justice case's reoffending check falls due, and the
# window in which a later case counts as a repeat incident (see prevented.py).
FOLLOW_UP_MONTHS = 12


def one_year_after(day: datetime.date) -> datetime.date:
    """The same date a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


class ReoffendingCheckQuerySet(CaseChildQuerySet):
    """Checks are read only while their case is closed: reopening a case sets its check aside."""

    def of_closed_cases(self) -> Self:
        return self.filter(case__status=CaseStatus.CLOSED)

    def due(self, today: datetime.date | None = None) -> Self:
        """*Reoffending checks due*: checks of closed cases whose due date (twelve
        months after closure) has come, with no answer recorded yet."""
        today = today or timezone.localdate()
        return self.of_closed_cases().filter(answer="", due_on__lte=today)

    def answered(self) -> Self:
        """Checks of closed cases with an answer recorded (yes, no or not known)."""
        return self.of_closed_cases().exclude(answer="")


class ReoffendingCheck(OrganisationOwned):
    """The twelve-month follow-up of a closed justice-sector case: did the person
    responsible offend again in the twelve months after the case closed?

    One per case. Made when a case in the justice sector closes, due twelve
    months after the date it closed (`due_on`). The answer is *yes*, *no* or
    *not known*, with its source (for example a Police National Computer check
    or the youth offending team). While the case is reopened the check is set
    aside: an unanswered one is removed, and closing again makes it anew.
    """

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reoffending_check")
    due_on = models.DateField(_("Due on"))
    answer = models.CharField(
        _("Have they offended again in the twelve months after closure?"),
        max_length=20,
        choices=ReoffendingAnswer.choices,
        blank=True,
    )
    source = models.CharField(
        _("Where the answer came from"),
        max_length=200,
        blank=True,
        help_text=_("For example, Police National Computer check, or the youth offending team."),
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    objects = ReoffendingCheckQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer="") | ~Q(source=""), name="reoffending_answer_has_source"
            )
        ]
        indexes = [models.Index(fields=["organisation", "answer", "due_on"])]

    def __str__(self) -> str:
        return f"Reoffending check of case {self.case_id}, due {self.due_on}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)

    def is_due(self, today: datetime.date | None = None) -> bool:
        return not self.answer and self.due_on <= (today or timezone.localdate())
