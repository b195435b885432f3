"""How the audit log names training's records (registered with amends.core.audit_log)."""

from __future__ import annotations

from django.urls import reverse

from amends.core.audit_log import RecordName, register_namer
from amends.core.models import Membership
from amends.training.models import Certificate, Cohort, Course, Enrolment, Programme


@register_namer("programme")
def _name_programmes(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        p.pk: RecordName("Programme", p.title, reverse("training:overview"))
        for p in Programme.objects.visible_to(member).filter(pk__in=ids)
    }


@register_namer("course")
def _name_courses(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        c.pk: RecordName("Course", c.title, reverse("training:course_detail", args=[c.pk]))
        for c in Course.objects.visible_to(member).filter(pk__in=ids)
    }


@register_namer("cohort")
def _name_cohorts(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    cohorts = Cohort.objects.visible_to(member).filter(pk__in=ids).select_related("course")
    return {
        c.pk: RecordName("Cohort", str(c), reverse("training:cohort_detail", args=[c.pk]))
        for c in cohorts
    }


@register_namer("enrolment")
def _name_enrolments(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        e.pk: RecordName("Enrolment", e.name, reverse("training:enrolment_detail", args=[e.pk]))
        for e in Enrolment.objects.visible_to(member).filter(pk__in=ids)
    }


@register_namer("certificate")
def _name_certificates(member: Membership, ids: list[int]) -> dict[int, RecordName]:
    return {
        c.pk: RecordName(
            "Certificate",
            f"{c.code} ({c.holder_name})",
            reverse("training:enrolment_detail", args=[c.enrolment_id]),
        )
        for c in Certificate.objects.visible_to(member).filter(pk__in=ids)
    }
