"""Benchmark: importing a school roll of 100,000 pupils, beside a raw bulk insert of the same rows.

Run with `make bench` (after the page benchmarks) or `python -m benchmarks.imports`. On a fresh
database (SQLite in a temporary folder, or the PostgreSQL named by BENCH_DATABASE_URL) it times

1. the raw insert: the same people and their unique pupil numbers, already built as objects,
   written by `bulk_create` in batches of 1,000 in one transaction (no reading, no checks);
2. the import: the CSV file read, every row checked by the person form and the UPN rule, the
   duplicates looked for, and the rows written in one transaction, as `import_run` saves a file;

into two organisations, and prints both rates and their ratio (the import must keep at least a
quarter of the raw rate). BENCH_IMPORT_ROWS sets the number of rows (default 100,000).
"""

from __future__ import annotations

import datetime
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amends.settings")
os.environ["AMENDS_VAR_DIR"] = os.environ.get("BENCH_VAR_DIR") or tempfile.mkdtemp(
    prefix="amends-bench-imports-"
)
os.environ["DATABASE_URL"] = os.environ.get(
    "BENCH_DATABASE_URL", f"sqlite:///{os.environ['AMENDS_VAR_DIR']}/bench-imports.sqlite3"
)
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from amends.accounts.models import User  # noqa: E402
from amends.core.models import Membership, Organisation, Role, Sector  # noqa: E402
from amends.imports.models import Import  # noqa: E402
from amends.imports.services import import_map, import_run, import_upload  # noqa: E402
from amends.people.models import IdentifierKind, Person, PersonIdentifier  # noqa: E402
from amends.people.upn import upn_check_letter  # noqa: E402

ROWS = int(os.environ.get("BENCH_IMPORT_ROWS", "100000"))
BATCH = 1000
GIVEN = ["Siân", "Zoë", "Aled", "Mohammed", "Olivia", "Tomasz", "Aoife", "Kwame", "Ffion", "Ravi"]
FAMILY = ["O'Connor", "Ní Bhriain", "Wiśniewski", "Okafor", "Price", "Jones", "Patel", "Evans"]


def rows() -> list[tuple[str, str, datetime.date, str, str, str]]:
    made = []
    for n in range(ROWS):
        rest = f"{801 + n % 150:03d}{n:09d}"[:12]
        made.append(
            (
                GIVEN[n % len(GIVEN)],
                f"{FAMILY[n % len(FAMILY)]}-{n}",
                datetime.date(2010 + n % 6, 1 + n % 12, 1 + n % 28),
                f"Year {7 + n % 5}",
                f"{7 + n % 5}{'ABCDEF'[n % 6]}",
                f"{upn_check_letter(rest)}{rest}",
            )
        )
    return made


def as_csv(data: list[tuple[str, str, datetime.date, str, str, str]]) -> bytes:
    lines = ["Legal Forename,Legal Surname,DOB,Year,Reg Group,UPN"]
    lines += [f'{g},"{f}",{d.strftime("%d/%m/%Y")},{y},{form},{u}' for g, f, d, y, form, u in data]
    return ("\n".join(lines) + "\n").encode()


def raw_insert(organisation: Organisation, data: list[tuple]) -> float:
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, len(data), BATCH):
            batch = data[start : start + BATCH]
            people = Person.objects.bulk_create(
                [
                    Person(
                        organisation=organisation,
                        given_name=g,
                        family_name=f,
                        date_of_birth=d,
                        year_group=y,
                        form_group=form,
                    )
                    for g, f, d, y, form, _ in batch
                ]
            )
            PersonIdentifier.objects.bulk_create(
                [
                    PersonIdentifier(
                        organisation=organisation,
                        person=person,
                        kind=IdentifierKind.PUPIL_NUMBER,
                        value=row[5],
                    )
                    for person, row in zip(people, batch, strict=True)
                ]
            )
    return time.perf_counter() - started


def school(name: str) -> tuple[Organisation, User]:
    organisation = Organisation.objects.create(name=name, sectors=[Sector.SCHOOLS])
    user = User.objects.create_user(email=f"coordinator@{name.lower()}.example", password=None)
    Membership.objects.create(user=user, organisation=organisation, role=Role.COORDINATOR)
    return organisation, user


def main() -> None:
    call_command("migrate", verbosity=0)
    data = rows()
    content = as_csv(data)
    raw_org, _ = school("Rawbench")
    print(f"\nImport of a school roll, {ROWS:,} rows ({connection.vendor})", flush=True)
    raw_seconds = raw_insert(raw_org, data)
    print(
        f"{'raw bulk insert':<34}{raw_seconds:8.1f} s{ROWS / raw_seconds:12,.0f} rows/s", flush=True
    )

    organisation, user = school("Importbench")
    upload = import_upload(
        organisation=organisation, by=user, kind="roll", file_name="roll.csv", content=content
    )
    upload = import_map(
        upload=upload,
        by=user,
        mapping={
            "given_name": "Legal Forename",
            "family_name": "Legal Surname",
            "date_of_birth": "DOB",
            "year_group": "Year",
            "form_group": "Reg Group",
            "identifier": "UPN",
        },
    )
    upload.in_background = False
    started = time.perf_counter()
    checked = import_run(upload=upload, by=user, save=False)
    check_seconds = time.perf_counter() - started
    assert checked.problem_count == 0, checked.problems[:3]
    print(
        f"{'import: check only (the preview)':<34}{check_seconds:8.1f} s"
        f"{ROWS / check_seconds:12,.0f} rows/s",
        flush=True,
    )
    Import.objects.filter(pk=upload.pk).update(status="saving")
    upload.refresh_from_db()
    started = time.perf_counter()
    saved = import_run(upload=upload, by=user, save=True)
    import_seconds = time.perf_counter() - started
    assert saved.added_count == ROWS, (saved.status, saved.problems[:3])
    assert Person.objects.filter(organisation=organisation).count() == ROWS

    raw_rate = ROWS / raw_seconds
    import_rate = ROWS / import_seconds
    print(f"{'import: check and save':<34}{import_seconds:8.1f} s{import_rate:12,.0f} rows/s")
    ratio = import_rate / raw_rate
    print(f"ratio of import to raw rate: {ratio:.2f} (at least 0.25 wanted)")
    if ratio < 0.25:
        raise SystemExit("The import is slower than a quarter of the raw insert")


if __name__ == "__main__":
    main()
