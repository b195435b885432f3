"""The case page's outcome measures section: a fixed number of queries whatever the data."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import template
from django.utils.translation import gettext

from amends.cases.models import Party, PartyRole
from amends.meetings.models import MeetingStatus
from amends.outcomes.models import (
    AUDIENCE_OF_ROLE,
    STAGE_ORDER,
    FeedbackLink,
    FeedbackResponse,
    HarmRating,
    ReoffendingCheck,
    Stage,
    VictimsCodeRecord,
)
from amends.outcomes.prevented import repeat_incident_found, repeat_window_over

register = template.Library()


@dataclass
class QuestionRow:
    question: str
    ratings: list[int | None]

    @property
    def answered(self) -> str:
        """ "8 at first contact, 4 after the meeting": the stages answered, in order."""
        return ", ".join(
            f"{rating} {Stage(stage).label[0].lower()}{Stage(stage).label[1:]}"
            for stage, rating in zip(STAGE_ORDER, self.ratings, strict=True)
            if rating is not None
        )

    @property
    def change(self) -> str:
        """From the first stage answered to the latest, in words."""
        answered = [r for r in self.ratings if r is not None]
        if len(answered) < 2:
            return ""
        difference = answered[-1] - answered[0]
        if difference == 0:
            return gettext("No change")
        if difference > 0:
            return gettext("Up %(n)s") % {"n": difference}
        return gettext("Down %(n)s") % {"n": -difference}


@dataclass
class StageLink:
    stage: str
    label: str
    recorded: bool


@dataclass
class PersonOutcomes:
    party: Party
    rows: list[QuestionRow] = field(default_factory=list)
    stage_links: list[StageLink] = field(default_factory=list)
    victims_code: VictimsCodeRecord | None = None
    links: list[FeedbackLink] = field(default_factory=list)
    responses: list[FeedbackResponse] = field(default_factory=list)

    @property
    def is_harmed(self) -> bool:
        return self.party.role == PartyRole.HARMED

    @property
    def harm_repaired(self) -> int | None:
        return getattr(self.party, "harm_repaired", None)


@register.simple_tag(takes_context=True)
def case_outcomes(
    context: template.Context, case: Any, parties: list[Any], meetings: list[Any]
) -> dict[str, Any]:
    """Each harmed and responsible person's ratings per stage, their Victims' Code record
    (harmed people) and their feedback, through the access path.

    The case page (cases.views.case_detail, which checked the case through the access path)
    passes the case's `parties`, annotated with harm repaired and in the order they were
    added, and its `meetings`: it has read both for its other panels already."""
    request = context.get("request")
    member = getattr(request, "membership", None)
    if member is None:
        return {"people": [], "others": []}
    ratings: dict[int, dict[str, dict[str, HarmRating]]] = defaultdict(lambda: defaultdict(dict))
    for rating in (
        HarmRating.objects.visible_to(member)
        .filter(case=case)
        .select_related("measure")
        .order_by("position", "pk")
    ):
        ratings[rating.party_id][rating.question_key][rating.measure.stage] = rating
    victims_code = {
        r.party_id: r
        for r in VictimsCodeRecord.objects.visible_to(member)
        .filter(case=case)
        .with_days_to_information()
    }
    links: dict[int, list[FeedbackLink]] = defaultdict(list)
    for link in FeedbackLink.objects.visible_to(member).filter(case=case):
        links[link.party_id].append(link)
    responses: dict[int, list[FeedbackResponse]] = defaultdict(list)
    for response in FeedbackResponse.objects.visible_to(member).filter(case=case):
        responses[response.party_id].append(response)
    meeting_held = any(m.status == MeetingStatus.HELD for m in meetings)

    people, others = [], []
    for party in parties:
        outcome = PersonOutcomes(
            party=party,
            victims_code=victims_code.get(party.pk),
            links=links[party.pk],
            responses=responses[party.pk],
        )
        if party.role not in AUDIENCE_OF_ROLE:
            others.append(outcome)
            continue
        recorded: set[str] = set()
        for by_stage in ratings[party.pk].values():
            first_asked = next(by_stage[s] for s in STAGE_ORDER if s in by_stage)
            outcome.rows.append(
                QuestionRow(
                    question=first_asked.question,
                    ratings=[by_stage[s].rating if s in by_stage else None for s in STAGE_ORDER],
                )
            )
            recorded |= set(by_stage)
        for stage in STAGE_ORDER:
            if case.is_closed and stage != Stage.CLOSURE:
                continue
            if stage == Stage.AFTER_MEETING and not meeting_held:
                continue
            outcome.stage_links.append(StageLink(stage, str(Stage(stage).label), stage in recorded))
        people.append(outcome)
    return {
        "people": people,
        "others": others,
        "feedback_open": meeting_held or case.is_closed,
        "prevented": _prevented(member, case) if case.is_closed else None,
    }


@dataclass
class Prevented:
    """What a closed case shows of harm prevented: its reoffending check and repeat incidents."""

    check: ReoffendingCheck | None
    repeat_found: bool
    window_over: bool
    check_due: bool
    can_record: bool


def _prevented(member: Any, case: Any) -> Prevented:
    check = ReoffendingCheck.objects.visible_to(member).filter(case=case).first()
    check_due = check is not None and check.is_due()
    return Prevented(
        check=check,
        repeat_found=repeat_incident_found(case),
        window_over=repeat_window_over(case),
        check_due=check_due,
        can_record=member.is_coordinator and check is not None and (check.is_answered or check_due),
    )
