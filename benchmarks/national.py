"""A national dataset: many services, one of them large, in realistic proportions.

`python -m benchmarks.national --cases 1000000` (or `generate(cases=...)` from
code) adds to the database named by DATABASE_URL:

- 300 organisations (`--organisations`), one holding a third of the cases and the
  rest sharing the remainder unevenly, each with a coordinator, a referrer and one
  facilitator per 400 cases (at least two, at most 80);
- per case: its referral (plus one referral in ten still waiting for triage and one
  in twelve declined), two people and their parties (a supporter in one case in
  five), consent for cases past their first steps, about three contact-log entries,
  a risk assessment, meetings for cases that reached them, an agreement and one to
  three actions where a meeting was held (some overdue), and three audit events,
  sealed in the organisation's chain like those Amends writes itself.

Rows are written with COPY on PostgreSQL (executemany on SQLite, for tests) with
their ids chosen here, so nothing is read back. Encrypted fields hold real
ciphertexts, drawn from a pool encrypted once, so a page decrypting them does the
work it does in service. `--cases 10000` takes a few seconds.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

if __name__ == "__main__":  # pragma: no cover - run as a program
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
    import django

    django.setup()

from django.db import connection, models, transaction
from django.utils import timezone

from amends.accounts.models import User
from amends.agreements.models import ActionStatus, Agreement, AgreementAction
from amends.cases.models import (
    Case,
    CaseStatus,
    ClosureOutcome,
    ConsentRecord,
    ContactLogEntry,
    Party,
    ProcessType,
    RiskAssessment,
)
from amends.core import audit_chain
from amends.core.fields import encrypt
from amends.core.models import AuditEvent, Membership, Organisation, Role
from amends.meetings.models import Meeting
from amends.people.models import Person
from amends.people.names import name_search_key
from amends.referrals.models import HarmType, Referral

GIVEN = [
    "Siân", "Zoë", "Aoife", "Oluwaseun", "Mohammed", "Chloé", "Niamh", "Dafydd", "Priya",
    "José", "Ewa", "Kwame", "Ffion", "Tomás", "Amélie", "Jamal", "Gráinne", "Rhys", "Aisha",
    "Bartłomiej", "Leah", "Connor", "Saoirse", "Yusuf", "Eilidh", "Mateusz", "Hannah",
    "Oisín", "Fatima", "Gethin", "Maryam", "Liam", "Anaïs", "Kofi", "Róisín", "Callum",
]  # fmt: skip
FAMILY = [
    "O'Connor", "Ní Bhriain", "Jones", "Okonkwo", "Khan", "Lefèvre", "MacLeod", "Williams",
    "Patel", "García", "Kowalski", "Mensah", "Davies", "Ó Súilleabháin", "Dubois", "Ahmed",
    "Nic Gearailt", "Evans", "Hussain", "Wiśniewski", "Smith", "D'Souza", "Murphy", "Yilmaz",
    "Campbell", "Nowak", "Taylor", "Ó Briain", "Begum", "Pritchard", "Rahman", "Byrne",
    "Fontaine", "Boateng", "McCarthy", "Stewart", "Thomas", "Szabó", "Brown", "Øvergaard",
]  # fmt: skip
AGENCIES = ["Police", "Victim Support", "Youth Justice Service", "Probation", "Self-referral"]
HARM_TYPES = ["Criminal damage", "Violence", "Theft", "Anti-social behaviour", "Burglary"]
# Of every 20 cases: how many are at each stage (most services hold many closed cases).
STAGES = (
    [CaseStatus.OPEN] * 2
    + [CaseStatus.PREPARING] * 3
    + [CaseStatus.MEETING_ARRANGED]
    + [CaseStatus.MONITORING] * 2
    + [CaseStatus.CLOSED] * 12
)
PROCESSES = list(ProcessType.values)
OUTCOMES = list(ClosureOutcome.values)
POOL = 64
LARGEST_SHARE = 1 / 3


def organisation_sizes(cases: int, organisations: int) -> list[int]:
    """One organisation holds a third; the others share the rest, the biggest ten times the
    smallest (weights falling from 10 to 1), adding up to `cases` exactly."""
    largest = round(cases * LARGEST_SHARE) if organisations > 1 else cases
    rest = organisations - 1
    if not rest:
        return [largest]
    weights = [10 - 9 * i / max(rest - 1, 1) for i in range(rest)]
    total = sum(weights)
    sizes = [int((cases - largest) * w / total) for w in weights]
    sizes[0] += cases - largest - sum(sizes)
    return [largest, *sizes]


class Table:
    """Writes rows of one model: the columns named by the caller, every other column its
    default (as Django would save it), ids chosen here."""

    def __init__(self, model: type[models.Model], columns: list[str]) -> None:
        self.model = model
        self.table = model._meta.db_table
        fields = [f for f in model._meta.concrete_fields if f.attname != "id"]
        self.columns = ["id", *columns]
        named = set(columns)
        self.constants: list[Any] = []
        now = timezone.now()
        for field in fields:
            if field.attname in named:
                continue
            if getattr(field, "auto_now", False) or field.attname == "created_at":
                value: Any = now
            elif field.has_default():
                value = field.get_default()
            elif field.null:
                value = None
            elif field.blank:
                value = ""
            else:
                raise ValueError(f"{self.table}.{field.attname} needs a value")
            self.columns.append(field.column)
            self.constants.append(_db_value(field.get_db_prep_save(value, connection)))
        unknown = named - {f.attname for f in fields}
        if unknown:
            raise ValueError(f"{self.table} has no column {sorted(unknown)}")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.table}")  # noqa: S608 - a model's own table name
            self.next_id = cursor.fetchone()[0] + 1
        self.written = 0

    def write(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """Write `rows` (values for the named columns, in order); ids run on from the last."""
        start = self.next_id
        counter = iter(range(start, 2**62))
        full = ((next(counter), *row, *self.constants) for row in rows)
        if connection.vendor == "postgresql":
            self._copy(full)
        else:
            self._insert(full)
        self.next_id = next(counter)
        self.written += self.next_id - start

    def _copy(self, rows: Iterator[tuple[Any, ...]]) -> None:
        sql = f"COPY {self.table} ({', '.join(self.columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            buffer = io.StringIO()
            for n, row in enumerate(rows, 1):
                buffer.write("\t".join(map(_copy_text, row)))
                buffer.write("\n")
                if n % 20000 == 0:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())

    def _insert(self, rows: Iterator[tuple[Any, ...]]) -> None:
        marks = ", ".join(["%s"] * len(self.columns))
        sql = f"INSERT INTO {self.table} ({', '.join(self.columns)}) VALUES ({marks})"  # noqa: S608
        with connection.cursor() as cursor:
            batch: list[tuple[Any, ...]] = []
            for row in rows:
                batch.append(tuple(_sqlite_value(v) for v in row))
                if len(batch) == 5000:
                    cursor.executemany(sql, batch)
                    batch = []
            if batch:
                cursor.executemany(sql, batch)

    def finish(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)",
                    [self.table, max(self.next_id - 1, 1)],
                )


def _db_value(value: Any) -> Any:
    if isinstance(value, datetime.datetime):
        return _ts(value)
    if hasattr(value, "dumps"):  # a JSON adapter
        return value.dumps(value.obj)
    return value


def _copy_text(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _sqlite_value(value: Any) -> Any:
    return value


def _ts(moment: datetime.datetime) -> str:
    utc = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    text = utc.isoformat(sep=" ")
    return text + "+00" if connection.vendor == "postgresql" else text


def _at(day: datetime.date, hour: int) -> str:
    return _ts(datetime.datetime.combine(day, datetime.time(hour), datetime.UTC))


def _pool(texts: list[str]) -> list[str]:
    return [encrypt(texts[i % len(texts)]) for i in range(POOL)]


class Organisations:
    """The organisations and their staff (through the ORM: there are few)."""

    def __init__(self, sizes: list[int], label: str) -> None:
        self.rows: list[tuple[Organisation, int, int, list[int], list[int]]] = []
        users: list[User] = []
        plan: list[tuple[Organisation, list[User]]] = []
        for n, size in enumerate(sizes):
            organisation = Organisation.objects.create(
                name=f"{label} service {n + 1:03d}",
                kind="justice_service",
                sectors=["justice"],
                case_reference_prefix="RJ",
            )
            staff = [
                User(email=f"coordinator@{label}-{n + 1}.example", full_name="Coordinator"),
                User(email=f"referrer@{label}-{n + 1}.example", full_name="Referrer"),
            ] + [
                User(email=f"f{i}@{label}-{n + 1}.example", full_name=f"Facilitator {i + 1}")
                for i in range(min(max(size // 400, 2), 80))
            ]
            for user in staff:
                user.set_unusable_password()
            users.extend(staff)
            plan.append((organisation, staff))
        User.objects.bulk_create(users, batch_size=2000)
        ids = dict(
            User.objects.filter(email__in=[u.email for u in users]).values_list("email", "pk")
        )
        memberships = []
        for (organisation, staff), size in zip(plan, sizes, strict=True):
            for i, user in enumerate(staff):
                role = [Role.COORDINATOR, Role.REFERRER][i] if i < 2 else Role.FACILITATOR
                memberships.append(
                    Membership(user_id=ids[user.email], organisation=organisation, role=role)
                )
            harm_types = HarmType.objects.bulk_create(
                [HarmType(organisation=organisation, name=name) for name in HARM_TYPES]
            )
            if connection.vendor != "postgresql":
                harm_types = list(HarmType.objects.filter(organisation=organisation))
            self.rows.append(
                (
                    organisation,
                    size,
                    ids[staff[0].email],
                    [ids[u.email] for u in staff[2:]],
                    [h.pk for h in harm_types],
                )
            )
        Membership.objects.bulk_create(memberships, batch_size=2000)


def generate(
    cases: int,
    organisations: int = 300,
    label: str = "national",
    report: Callable[[str], None] = lambda line: None,
) -> dict[str, int]:
    """Add `cases` cases across `organisations` organisations; returns rows written per table."""
    started = time.perf_counter()
    today = timezone.localdate()
    sizes = organisation_sizes(cases, organisations)
    with transaction.atomic():
        _without_triggers()
        orgs = Organisations(sizes, label)
        report(
            f"{organisations} organisations and their staff: {time.perf_counter() - started:.1f} s"
        )
        counts = _fill(orgs, today, report, started)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # As autovacuum leaves a table that has settled: statistics read, and the
            # visibility map set, so an index-only scan need not visit the rows.
            cursor.execute("VACUUM ANALYZE")
    report(f"done in {time.perf_counter() - started:.1f} s")
    return counts


def _without_triggers() -> None:
    """On PostgreSQL, skip the foreign-key triggers for this transaction where the role may
    (a superuser's bulk load): the rows are consistent by construction, and checking each
    reference one row at a time takes most of the time of a large load."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _fill(
    orgs: Organisations, today: datetime.date, report: Callable[[str], None], started: float
) -> dict[str, int]:
    t = SimpleNamespace(
        people=Table(
            Person,
            ["organisation_id", "given_name", "family_name", "search_key", "phone", "address"],
        ),
        referrals=Table(
            Referral,
            [
                "organisation_id", "source_agency", "referrer_name", "received_on",
                "incident_summary", "harm_type_id", "justice_stage", "sector", "status",
                "decided_at", "decided_by_id", "decline_reason",
            ],
        ),
        cases=Table(
            Case,
            [
                "organisation_id", "reference", "referral_id", "sector", "harm_type_id",
                "harm_summary", "planned_process", "lead_facilitator_id", "status", "opened_on",
                "closed_at", "closure_outcome", "next_step", "next_step_due",
            ],
        ),
        parties=Table(
            Party, ["organisation_id", "case_id", "person_id", "role", "side", "supports_id"]
        ),
        consents=Table(
            ConsentRecord,
            [
                "organisation_id", "case_id", "party_id", "given_by_id", "decision", "method",
                "decided_on",
            ],
        ),
        contacts=Table(
            ContactLogEntry,
            [
                "organisation_id", "case_id", "party_id", "kind", "contact_on", "minutes",
                "outcome", "note",
            ],
        ),
        risks=Table(
            RiskAssessment,
            ["organisation_id", "case_id", "narrative", "acknowledgement", "decision", "assessed_on"],
        ),
        meetings=Table(
            Meeting,
            [
                "organisation_id", "case_id", "process", "scheduled_at", "facilitator_id",
                "status", "held_at",
            ],
        ),
        agreements=Table(Agreement, ["organisation_id", "case_id", "meeting_id", "agreed_on"]),
        actions=Table(
            AgreementAction,
            [
                "organisation_id", "agreement_id", "case_id", "owner_id", "kind", "description",
                "due_on", "status", "resolved_on",
            ],
        ),
        audit=Table(
            AuditEvent,
            [
                "organisation_id", "actor_id", "actor_label", "action", "record_type",
                "record_id", "summary", "at", "summary_hash", "chain_hash",
            ],
        ),
    )  # fmt: skip
    pools = SimpleNamespace(
        phone=_pool([f"07700 900{n:03d}" for n in range(POOL)]),
        address=_pool([f"{n + 1} Heol y Frenhines, Caerdydd" for n in range(POOL)]),
        summary=_pool(["A window was broken at the school gate.", "A fight after the match."]),
        note=_pool(["Spoke about what a meeting would be like.", "Left a message."]),
        narrative=_pool(["No risk found that stops a meeting."]),
        description=_pool(["A letter of apology.", "Ten hours of work in the community garden."]),
    )
    keys = {(g, f): name_search_key(g, f) for g in GIVEN for f in FAMILY}
    first = True
    for organisation, size, coordinator, facilitators, harm_types in orgs.rows:
        staff = (coordinator, facilitators, harm_types)
        _organisation(t, pools, keys, organisation.pk, size, staff, today)
        if first:
            report(f"largest organisation ({size:,} cases): {time.perf_counter() - started:.1f} s")
            first = False
    tables: list[Table] = list(vars(t).values())
    for table in tables:
        table.finish()
    return {table.table: table.written for table in tables}


def _organisation(
    t: SimpleNamespace,
    pools: SimpleNamespace,
    keys: dict[tuple[str, str], str],
    org: int,
    size: int,
    staff: tuple[int, list[int], list[int]],
    today: datetime.date,
) -> None:
    """Every row of one organisation, with the ids each table will give them."""
    coordinator, facilitators, harm_types = staff
    people: list[tuple[Any, ...]] = []
    referrals: list[tuple[Any, ...]] = []
    cases: list[tuple[Any, ...]] = []
    parties: list[tuple[Any, ...]] = []
    consents: list[tuple[Any, ...]] = []
    contacts: list[tuple[Any, ...]] = []
    risks: list[tuple[Any, ...]] = []
    meetings: list[tuple[Any, ...]] = []
    agreements: list[tuple[Any, ...]] = []
    actions: list[tuple[Any, ...]] = []
    audit: list[tuple[Any, ...]] = []
    person_id, referral_id, case_id = t.people.next_id, t.referrals.next_id, t.cases.next_id
    party_id, meeting_id, agreement_id = t.parties.next_id, t.meetings.next_id, t.agreements.next_id
    decided = _at(today, 9)
    summary = pools.summary
    for n in range(size):
        status = STAGES[n % len(STAGES)]
        closed = status == CaseStatus.CLOSED
        # Closed cases reach back four years; the others are this year's.
        age = (n * 7919) % 1400 if closed else (n * 31) % 200
        opened = today - datetime.timedelta(days=age)
        lead = facilitators[n % len(facilitators)]
        harm_type = harm_types[n % len(harm_types)]
        here = 3 if n % 5 == 0 else 2
        for k in range(here):
            m = person_id + k
            given, family = GIVEN[(m * 7) % len(GIVEN)], FAMILY[(m * 13) % len(FAMILY)]
            people.append(
                (org, given, family, keys[given, family], pools.phone[m % POOL],
                 pools.address[m % POOL])
            )  # fmt: skip
        referrals.append(
            (org, AGENCIES[n % len(AGENCIES)], "Referrer", opened - datetime.timedelta(days=3 + n % 8),
             summary[n % POOL], harm_type, "out_of_court", "justice", "accepted", decided,
             coordinator, "")
        )  # fmt: skip
        cases.append(
            (org, f"RJ-{opened.year}-{n + 1:06d}", referral_id, "justice", harm_type,
             summary[n % POOL], PROCESSES[n % len(PROCESSES)], lead, status, opened,
             _at(opened + datetime.timedelta(days=30 + n % 150), 16) if closed else None,
             OUTCOMES[n % len(OUTCOMES)] if closed else "",
             "" if closed else "Call to arrange the next meeting",
             None if closed else today + datetime.timedelta(days=(n % 45) - 15))
        )  # fmt: skip
        harmed, responsible = party_id, party_id + 1
        parties.append((org, case_id, person_id, "harmed", "harmed", None))
        parties.append((org, case_id, person_id + 1, "responsible", "responsible", None))
        if here == 3:
            parties.append((org, case_id, person_id + 2, "supporter", "harmed", harmed))
        if status != CaseStatus.OPEN:
            for p in range(party_id, party_id + here):
                decision = "declined" if n % 17 == 0 and p == responsible else "given"
                consents.append(
                    (org, case_id, p, p, decision, "phone", opened + datetime.timedelta(days=6))
                )
            risks.append(
                (org, case_id, pools.narrative[n % POOL], "full", "suitable",
                 opened + datetime.timedelta(days=10))
            )  # fmt: skip
        for c in range(n % 6 + 1):
            contacts.append(
                (org, case_id, party_id + c % 2, "call", opened + datetime.timedelta(days=2 + 5 * c),
                 10 + (n + c) % 50, "reached", pools.note[(n + c) % POOL])
            )  # fmt: skip
        met = status in (CaseStatus.MONITORING, CaseStatus.CLOSED) and n % 4 != 0
        if status == CaseStatus.MEETING_ARRANGED or met:
            held_on = opened + datetime.timedelta(days=25 + n % 30)
            when = _at(held_on, 10) if met else _at(today + datetime.timedelta(days=n % 20), 10)
            meetings.append(
                (org, case_id, "conference", when, lead, "held" if met else "arranged",
                 when if met else None)
            )  # fmt: skip
            if met and n % 5:
                agreements.append((org, case_id, meeting_id, held_on))
                for a in range(n % 3 + 1):
                    due = held_on + datetime.timedelta(days=30 + 20 * a)
                    still_open = status == CaseStatus.MONITORING
                    if still_open and a == 0 and n % 2:
                        due = today - datetime.timedelta(days=1 + n % 40)  # overdue
                    actions.append(
                        (org, agreement_id, case_id, responsible, "apology_written",
                         pools.description[(n + a) % POOL], due,
                         ActionStatus.OPEN if still_open else ActionStatus.DONE,
                         None if still_open else due - datetime.timedelta(days=3))
                    )  # fmt: skip
                agreement_id += 1
            meeting_id += 1
        audit.append((case_id, "create", "Opened the case", _at(opened, 9)))
        audit.append((case_id, "view", "Viewed the case", _at(opened, 11)))
        audit.append((case_id, "update", "Recorded a contact", _at(opened, 14)))
        person_id += here
        party_id += here
        referral_id += 1
        case_id += 1
    # Referrals that are not cases: about one in ten waiting for triage, one in twelve declined.
    for n in range(size // 10 + 1):
        referrals.append(
            (org, AGENCIES[n % len(AGENCIES)], "Referrer", today - datetime.timedelta(days=n % 30),
             summary[n % POOL], harm_types[n % len(harm_types)], "out_of_court", "justice",
             "new", None, None, "")
        )  # fmt: skip
    for n in range(size // 12):
        referrals.append(
            (org, AGENCIES[n % len(AGENCIES)], "Referrer",
             today - datetime.timedelta(days=n % 400 + 5), summary[n % POOL],
             harm_types[n % len(harm_types)], "out_of_court", "justice", "declined",
             _at(today - datetime.timedelta(days=n % 400), 9), coordinator, "outside_remit")
        )  # fmt: skip
    t.people.write(people)
    t.referrals.write(referrals)
    t.cases.write(cases)
    t.parties.write(parties)
    t.consents.write(consents)
    t.contacts.write(contacts)
    t.risks.write(risks)
    t.meetings.write(meetings)
    t.agreements.write(agreements)
    t.actions.write(actions)
    t.audit.write(_sealed(org, coordinator, audit))


def _sealed(org: int, actor: int, events: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
    """Audit events in the order written, each sealed after the one before (core.audit_chain):
    `manage.py verify_audit_chain` finds the generated chain whole."""
    events.sort(key=lambda e: e[3])
    previous = audit_chain.GENESIS
    hashes: dict[str, str] = {}
    for case, action, summary, at in events:
        summary_hash = hashes.get(summary) or hashes.setdefault(
            summary, audit_chain.summary_hash(summary)
        )
        moment = datetime.datetime.fromisoformat(at.replace("+00", "")).replace(tzinfo=datetime.UTC)
        event = SimpleNamespace(
            at=moment, organisation_id=org, actor_id=actor, actor_label="Coordinator",
            action=action, record_type="case", record_id=str(case), ip_address=None,
            summary_hash=summary_hash,
        )  # fmt: skip
        previous = audit_chain.chain_hash(previous, event)
        yield (org, actor, "Coordinator", action, "case", str(case), summary, at,
               summary_hash, previous)  # fmt: skip


def main() -> None:  # pragma: no cover - run as a program
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--organisations", type=int, default=300)
    parser.add_argument("--label", default="national")
    args = parser.parse_args()
    counts = generate(args.cases, args.organisations, args.label, report=print)
    for table, rows in counts.items():
        print(f"  {table:<32}{rows:>12,}")


if __name__ == "__main__":  # pragma: no cover
    main()
