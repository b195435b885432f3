"""Demo practitioners' records: training, registration, supervision and development hours.

Used only by the demo_data command, before the demo cases are allocated: each
demo facilitator holds the training their cases need. Some records are left
wanting (a registration about to expire, supervision overdue, hours behind) so
the warnings show. Every name and number is made up.
"""

from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

from django.utils import timezone

from amends.accounts.models import User
from amends.core.models import Organisation
from amends.practitioners.models import (
    DevelopmentActivity,
    Registration,
    SupervisionSession,
    TrainingLevel,
    TrainingRecord,
)

# A one-page PDF standing in for a scanned certificate.
CERTIFICATE = (
    b"%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
    b"2 0 obj <</Type /Pages /Kids [3 0 R] /Count 1>> endobj\n"
    b"3 0 obj <</Type /Page /Parent 2 0 R /MediaBox [0 0 595 842]>> endobj\n"
    b"trailer <</Root 1 0 R>>\n%%EOF\n"
)

COURSES: dict[tuple[str, str], str] = {
    ("justice", TrainingLevel.PRACTITIONER): "Restorative justice facilitator skills (3 days)",
    ("justice", TrainingLevel.ADVANCED): "Advanced practice: sensitive and complex cases",
    ("schools", TrainingLevel.PRACTITIONER): "Restorative practice in schools: facilitator",
    ("communities", TrainingLevel.PRACTITIONER): "Restorative approaches in housing",
    ("prisons", TrainingLevel.PRACTITIONER): "Restorative practice in custody",
    ("prisons", TrainingLevel.ADVANCED): "Advanced practice in custody: serious harm",
}

# e-mail: (organisation key where recorded, [(sector, level, years ago)], registration expires
# in days (None for none), last supervision weeks ago, development hours this year)
RECORDS: dict[str, tuple[str, list[tuple[str, str, int]], int | None, int, list[int]]] = {
    "facilitator@justice": (
        "justice",
        [
            ("justice", TrainingLevel.PRACTITIONER, 4),
            ("justice", TrainingLevel.ADVANCED, 2),
            ("prisons", TrainingLevel.PRACTITIONER, 1),
        ],
        240,
        5,
        [6, 3, 4],
    ),
    "facilitator2@justice": (
        "justice",
        [("justice", TrainingLevel.PRACTITIONER, 2), ("justice", TrainingLevel.ADVANCED, 1)],
        40,
        13,
        [2],
    ),
    "facilitator@school": ("school", [("schools", TrainingLevel.PRACTITIONER, 2)], None, 3, [4, 6]),
    "facilitator@housing": (
        "housing",
        [("communities", TrainingLevel.PRACTITIONER, 3)],
        400,
        8,
        [7, 5, 3],
    ),
    "facilitator@prison": (
        "prison",
        [("prisons", TrainingLevel.PRACTITIONER, 5), ("prisons", TrainingLevel.ADVANCED, 3)],
        -10,
        2,
        [3, 2],
    ),
    "coordinator@justice": (
        "justice",
        [("justice", TrainingLevel.PRACTITIONER, 6), ("justice", TrainingLevel.ADVANCED, 5)],
        300,
        6,
        [8, 6],
    ),
}

DEVELOPMENT = [
    "Peer observation of a restorative conference",
    "RJC webinar: trauma-informed preparation",
    "Reading: practitioner guidance on working with children",
    "Reflective practice group",
]
SUPERVISORS = ["Dr Helen Marsh", "Colin Achterberg", "Mairead Quinlan"]


def load_demo_practitioners(
    *, users: dict[str, User], organisations: dict[str, Organisation]
) -> None:
    today = timezone.localdate()
    for n, (who, (org_key, training, expires_in, weeks, hours)) in enumerate(RECORDS.items()):
        user = next(u for email, u in users.items() if email.startswith(who + "."))
        organisation = organisations[org_key]
        common = {"organisation": organisation, "practitioner": user}
        for sector, level, years_ago in training:
            record = TrainingRecord.objects.create(
                **common,
                title=COURSES[(sector, level)],
                provider="Meadowbank Restorative Consultancy",
                sector=sector,
                level=level,
                completed_on=today - datetime.timedelta(days=365 * years_ago + 30 * n),
                evidence_stored_name=secrets.token_hex(16),
                evidence_content_type="application/pdf",
                evidence_size=len(CERTIFICATE),
            )
            record.evidence_path.parent.mkdir(parents=True, exist_ok=True)
            record.evidence_path.write_bytes(CERTIFICATE)
        if expires_in is not None:
            Registration.objects.create(
                **common,
                body="Restorative Justice Council",
                number=f"RJC-{20417 + 37 * n}",
                expires_on=today + datetime.timedelta(days=expires_in),
            )
        for k in range(3):
            SupervisionSession.objects.create(
                **common,
                held_on=today - datetime.timedelta(weeks=weeks + 10 * k),
                supervisor=SUPERVISORS[n % len(SUPERVISORS)],
                notes="Reflected on preparation and endings; no concerns." if k == 0 else "",
            )
        for k, spent in enumerate(hours):
            DevelopmentActivity.objects.create(
                **common,
                done_on=today - datetime.timedelta(days=20 * k + 3),
                activity=DEVELOPMENT[(n + k) % len(DEVELOPMENT)],
                hours=Decimal(spent),
            )
