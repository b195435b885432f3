"""Two people enrolling for the last place at the same moment: one gets it, the other waits.

Runs on SQLite (the write lock is taken at BEGIN) and on PostgreSQL (the cohort's row lock
makes the second enrolment wait, then count the first): see docs/decisions/0010.
"""

from __future__ import annotations

import pytest

from amends.core.models import OrganisationKind, Role
from amends.training import services
from amends.training.models import Cohort, Enrolment, EnrolmentStatus
from tests.conftest import _member
from tests.factories import CohortFactory, OrganisationFactory
from tests.test_races import WON, race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def last_place():
    meadowbank = OrganisationFactory(name="Meadowbank", kind=OrganisationKind.CONSULTANCY)
    trainer = _member(meadowbank, Role.TRAINER, "tess@meadowbank.example", "Tess Trainer")
    cohort = CohortFactory(organisation=meadowbank, capacity=2)
    services.enrolment_add(
        cohort=cohort, by=trainer, name="Amara Okafor", email="amara@example.org"
    )
    return cohort, trainer


def test_two_enrolments_for_the_last_place_one_gets_it_and_one_waits(last_place):
    cohort, trainer = last_place

    def enrol(name: str):
        return lambda: services.enrolment_add(
            cohort=Cohort.objects.get(pk=cohort.pk),
            by=trainer,
            name=name,
            email=f"{name.split()[0].lower()}@example.org",
        )

    assert race(enrol("Bryn Jones"), enrol("Ceri Evans")) == [WON, WON]
    statuses = sorted(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(name="Amara Okafor")
        .values_list("status", flat=True)
    )
    assert statuses == [EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITING]
    assert services.places_taken(cohort) == cohort.capacity


def test_a_withdrawal_and_an_enrolment_at_once_never_overfill_the_cohort(last_place):
    cohort, trainer = last_place
    bryn = services.enrolment_add(
        cohort=cohort, by=trainer, name="Bryn Jones", email="bryn@example.org"
    )
    ceri = services.enrolment_add(
        cohort=cohort, by=trainer, name="Ceri Evans", email="ceri@example.org"
    )
    assert ceri.status == EnrolmentStatus.WAITING

    results = race(
        lambda: services.enrolment_withdraw(enrolment=bryn, by=trainer, reason="Off sick"),
        lambda: services.enrolment_add(
            cohort=Cohort.objects.get(pk=cohort.pk),
            by=trainer,
            name="Dai Price",
            email="dai@example.org",
        ),
    )
    assert results == [WON, WON]
    ceri.refresh_from_db()
    dai = Enrolment.objects.get(email="dai@example.org")
    # Ceri was waiting first: the freed place is offered to her, and Dai waits behind her.
    assert ceri.status == EnrolmentStatus.OFFERED
    assert dai.status == EnrolmentStatus.WAITING
    assert services.places_taken(cohort) == cohort.capacity
