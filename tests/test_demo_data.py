"""`make run` loads demo data the first time and keeps it afterwards."""

from __future__ import annotations

import io

from django.core.management import call_command

from amends.cases.models import Case, CaseStatus
from amends.core.models import Organisation
from amends.people.models import Person
from amends.referrals.models import Referral


def test_demo_data_has_cases_at_every_stage_and_loads_once(db):
    out = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=out)
    assert "coordinator@justice.amends-demo.example" in out.getvalue()
    sector_orgs = Organisation.objects.exclude(kind="consultancy")
    assert sector_orgs.count() == 4
    for org in sector_orgs:
        statuses = set(Case.objects.filter(organisation=org).values_list("status", flat=True))
        assert statuses == set(CaseStatus.values), org.name
        assert Referral.objects.filter(organisation=org, status="new").exists()
    people = Person.objects.count()
    assert people >= 240

    again = io.StringIO()
    call_command("demo_data", "--if-empty", stdout=again)
    assert "keeping it" in again.getvalue()
    assert Person.objects.count() == people
