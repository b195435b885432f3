"""Imports of people, referrals and a school's roll: upload, match columns, preview every
problem at its cell, then save the whole file or nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from amends.core.models import AuditEvent, Role, Sector
from amends.imports.models import ColumnMapping, Import, ImportStatus
from amends.people.models import Person, PersonIdentifier
from amends.people.upn import upn_check_letter, upn_is_valid
from amends.referrals.models import Referral, ReferralStatus
from tests.conftest import signed_in
from tests.factories import (
    HarmTypeFactory,
    MembershipFactory,
    OrganisationFactory,
    PersonFactory,
    PersonIdentifierFactory,
    UserFactory,
)
from tests.workers import run_worker

pytestmark = pytest.mark.django_db

PEOPLE_CSV = (
    "Forename,Surname,DOB,Email\n"
    "Siân,O'Connor,14/02/1988,sian@example.org\n"
    "Zoë,Ní Bhriain,1990-07-01,\n"
    "Tomasz,Wiśniewski,,tomasz@example.org\n"
)


def upn(rest: str) -> str:
    return f"{upn_check_letter(rest)}{rest}"


def csv_file(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_file(rows: list[list[object]], name: str = "people.xlsx") -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def upload(client, kind: str, file) -> Import:
    response = client.post(f"/organisation/imports/new/{kind}/", {"file": file})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Import.objects.latest("pk")


def map_columns(client, made: Import, mapping: dict[str, str]):
    return client.post(f"/organisation/imports/{made.pk}/columns/", mapping, follow=True)


@pytest.fixture
def school(db):
    return OrganisationFactory(name="Kingsmead Academy", sectors=[Sector.SCHOOLS])


@pytest.fixture
def sam(school):
    user = UserFactory(email="sam@kingsmead.example", full_name="Sam Okafor")
    MembershipFactory(user=user, organisation=school, role=Role.COORDINATOR)
    return user


@pytest.fixture
def as_sam(sam):
    return signed_in(sam)


# The unique pupil number ----------------------------------------------------------------


def test_upn_check_letter_follows_the_dfe_sum():
    assert upn_is_valid("A123456789012")
    assert upn_is_valid("B801200005001")
    assert not upn_is_valid("C801200005001")  # the same number with the wrong check letter
    assert upn_check_letter("80120000500A") is not None  # a temporary UPN ends in a letter
    assert not upn_is_valid("B80120000500I")  # I is never used


def test_a_upn_with_the_wrong_check_letter_is_refused_on_the_person_page_too(as_alice, org):
    person = PersonFactory(organisation=org)
    response = as_alice.post(
        f"/people/{person.pk}/identifiers/add/", {"kind": "pupil", "value": "C801200005001"}
    )
    assert "its first letter does not match the rest" in response.content.decode()
    assert not PersonIdentifier.objects.exists()


# People -----------------------------------------------------------------------------------


def test_people_from_csv_are_previewed_then_saved_together(as_alice, org):
    made = upload(as_alice, "people", csv_file(PEOPLE_CSV))
    page = as_alice.get(f"/organisation/imports/{made.pk}/columns/").content.decode()
    # Headings that name a field are matched without being asked.
    assert '<option value="Forename" selected>' in page
    response = map_columns(
        as_alice,
        made,
        {
            "given_name": "Forename",
            "family_name": "Surname",
            "date_of_birth": "DOB",
            "email": "Email",
        },
    )
    page = response.content.decode()
    assert "No problems found: all 3 rows can be saved" in page
    assert "Wiśniewski" in page  # the first rows, as they will be read
    assert not Person.objects.exists()
    response = as_alice.post(f"/organisation/imports/{made.pk}/save/", follow=True)
    assert "3 added" in response.content.decode()
    sian = Person.objects.get(family_name="O'Connor")
    assert sian.given_name == "Siân"
    assert sian.date_of_birth.isoformat() == "1988-02-14"
    assert sian.email == "sian@example.org"
    assert sian.created_by.email == "alice@northbridge.example"
    assert Person.objects.search("sian oconnor").count() == 1  # found as typed people are
    made.refresh_from_db()
    assert made.content == b""  # the file is not kept once saved
    assert AuditEvent.objects.filter(record_type="import", summary__contains="3 added").exists()


def test_one_bad_row_refuses_the_whole_file_showing_the_row_column_and_reason(as_alice, org):
    text = PEOPLE_CSV + "Aled,,31/02/2001,not-an-email\n"
    made = upload(as_alice, "people", csv_file(text))
    response = map_columns(
        as_alice,
        made,
        {
            "given_name": "Forename",
            "family_name": "Surname",
            "date_of_birth": "DOB",
            "email": "Email",
        },
    )
    page = response.content.decode()
    assert "Nothing has been saved: 3 problems in 1 row" in page
    assert "Row 5, last name: Enter their last name" in page
    assert "Row 5, date of birth: Date of birth must be a real date" in page
    assert "Enter an e-mail address in the correct format, like name@example.org" in page
    assert 'id="row-5"' in page
    assert page.count("amends-cell--error") == 3  # shown at the cells they are about
    assert as_alice.post(f"/organisation/imports/{made.pk}/save/").status_code == 302
    assert not Person.objects.exists()
    made.refresh_from_db()
    assert made.status == ImportStatus.REFUSED


def test_xlsx_is_read_as_csv_is_with_dates_as_the_spreadsheet_holds_them(as_alice, org):
    import datetime

    rows = [
        ["First name", "Last name", "Date of birth", "Age band"],
        ["Siân", "O'Connor", datetime.datetime(2009, 3, 27), ""],
        ["Zoë", "Ní Bhriain", None, "14 to 17"],
    ]
    made = upload(as_alice, "people", xlsx_file(rows))
    map_columns(
        as_alice,
        made,
        {
            "given_name": "First name",
            "family_name": "Last name",
            "date_of_birth": "Date of birth",
            "age_band": "Age band",
        },
    )
    as_alice.post(f"/organisation/imports/{made.pk}/save/")
    assert Person.objects.get(given_name="Siân").date_of_birth == datetime.date(2009, 3, 27)
    zoe = Person.objects.get(given_name="Zoë")
    assert zoe.age_band == "14_17"
    assert zoe.is_child


def test_an_unknown_choice_says_which_are_allowed(as_alice, org):
    made = upload(as_alice, "people", csv_file("First,Last,Band\nSiân,O'Connor,teenager\n"))
    page = map_columns(
        as_alice, made, {"given_name": "First", "family_name": "Last", "age_band": "Band"}
    ).content.decode()
    assert "Age band must be one of: Under 10, 10 to 13, 14 to 17" in page


def test_the_columns_matched_are_remembered_for_the_next_file(as_alice, org):
    made = upload(
        as_alice, "people", csv_file("Legal Forename,Legal Surname,Born\nSiân,O'Connor,\n")
    )
    map_columns(
        as_alice,
        made,
        {"given_name": "Legal Forename", "family_name": "Legal Surname", "date_of_birth": "Born"},
    )
    assert (
        ColumnMapping.objects.get(organisation=org, kind="people").mapping["date_of_birth"]
        == "Born"
    )
    second = upload(
        as_alice, "people", csv_file("Born,Legal Surname,Legal Forename\n,Ní Bhriain,Zoë\n")
    )
    page = as_alice.get(f"/organisation/imports/{second.pk}/columns/").content.decode()
    assert '<option value="Born" selected>Born</option>' in page
    assert '<option value="Legal Surname" selected>' in page


def test_two_fields_cannot_read_one_column(as_alice, org):
    made = upload(as_alice, "people", csv_file(PEOPLE_CSV))
    page = map_columns(
        as_alice, made, {"given_name": "Forename", "family_name": "Forename"}
    ).content.decode()
    assert "The column “Forename” is already chosen for the first name" in page


def test_people_who_may_already_be_recorded_are_flagged_and_can_be_left_out(as_alice, org):
    import datetime

    known = PersonFactory(
        organisation=org,
        given_name="Siân",
        family_name="O'Connor",
        date_of_birth=datetime.date(1988, 2, 14),
    )
    made = upload(as_alice, "people", csv_file(PEOPLE_CSV))
    page = map_columns(
        as_alice,
        made,
        {"given_name": "Forename", "family_name": "Surname", "date_of_birth": "DOB"},
    ).content.decode()
    assert "Rows that may be someone already recorded" in page
    assert f'href="/people/{known.pk}/"' in page
    assert "same name and date of birth" in page
    response = as_alice.post(f"/organisation/imports/{made.pk}/save/")
    assert (
        "Choose what should happen to the rows that may be duplicates" in response.content.decode()
    )
    as_alice.post(f"/organisation/imports/{made.pk}/save/", {"duplicates": "leave_out"})
    assert Person.objects.filter(family_name="O'Connor").count() == 1
    assert Person.objects.count() == 3
    made.refresh_from_db()
    assert (made.added_count, made.left_out_count) == (2, 1)


def test_a_reference_already_recorded_refuses_the_row_of_a_people_import(as_alice, org):
    holder = PersonFactory(organisation=org)
    PersonIdentifierFactory(organisation=org, person=holder, kind="police", value="41/12345/26")
    text = "First,Last,Police ref\nSiân,O'Connor,41/12345/26\nZoë,Ní Bhriain,41/99999/26\nAled,Jones,41/99999/26\n"
    made = upload(as_alice, "people", csv_file(text))
    page = map_columns(
        as_alice, made, {"given_name": "First", "family_name": "Last", "identifier": "Police ref"}
    ).content.decode()
    assert "This police reference is already recorded for someone else" in page
    assert "The same police reference is on row 3" in page


# The school roll --------------------------------------------------------------------------

ROLL_HEADINGS = "Legal Forename,Legal Surname,DOB,Year,Reg Group,UPN\n"


def roll_mapping():
    return {
        "given_name": "Legal Forename",
        "family_name": "Legal Surname",
        "date_of_birth": "DOB",
        "year_group": "Year",
        "form_group": "Reg Group",
        "identifier": "UPN",
    }


def test_the_roll_adds_pupils_then_a_reimport_updates_them_never_duplicates(as_sam, school):
    first, second = upn("801200005001"), upn("801200005002")
    made = upload(
        as_sam,
        "roll",
        csv_file(
            ROLL_HEADINGS
            + f"Siân,O'Connor,14/02/2013,Year 8,8B,{first}\nZoë,Ní Bhriain,01/07/2013,Year 8,8C,{second}\n",
            "roll.csv",
        ),
    )
    page = as_sam.get(f"/organisation/imports/{made.pk}/columns/").content.decode()
    assert '<option value="UPN" selected>' in page
    map_columns(as_sam, made, roll_mapping())
    response = as_sam.post(f"/organisation/imports/{made.pk}/save/", follow=True)
    assert "2 added, 0 brought up to date" in response.content.decode()
    sian = Person.objects.get(identifiers__value=first)
    assert (sian.year_group, sian.form_group) == ("Year 8", "8B")

    # Next year: Siân has moved up and changed form; a new pupil joins.
    third = upn("801200005003")
    again = upload(
        as_sam,
        "roll",
        csv_file(
            ROLL_HEADINGS
            + f"Siân,O'Connor,14/02/2013,Year 9,9A,{first}\n"
            + f"Zoë,Ní Bhriain,01/07/2013,Year 9,9C,{second}\n"
            + f"Aled,Price,03/03/2014,Year 8,8A,{third}\n",
            "roll.csv",
        ),
    )
    page = as_sam.get(f"/organisation/imports/{again.pk}/columns/").content.decode()
    assert '<option value="Reg Group" selected>' in page  # the columns matched last time
    page = map_columns(as_sam, again, roll_mapping()).content.decode()
    assert "all 3 rows can be saved" in page
    response = as_sam.post(f"/organisation/imports/{again.pk}/save/", follow=True)
    assert "1 added, 2 brought up to date" in response.content.decode()
    assert Person.objects.filter(organisation=school).count() == 3
    assert PersonIdentifier.objects.filter(value=first).count() == 1
    sian.refresh_from_db()
    assert (sian.year_group, sian.form_group) == ("Year 9", "9A")


def test_the_roll_is_refused_whole_on_a_upn_with_the_wrong_check_letter(as_sam, school):
    good = upn("801200005001")
    bad = "C801200005002"
    assert not upn_is_valid(bad)
    made = upload(
        as_sam,
        "roll",
        csv_file(
            ROLL_HEADINGS
            + f"Siân,O'Connor,14/02/2013,Year 8,8B,{good}\nZoë,Ní Bhriain,01/07/2013,Year 8,8C,{bad}\n",
        ),
    )
    page = map_columns(as_sam, made, roll_mapping()).content.decode()
    assert (
        "Row 3, unique pupil number (UPN): The unique pupil number C801200005002 is not a real one"
        in page
    )
    assert not Person.objects.exists()


def test_a_school_is_offered_its_roll_in_its_words(as_sam, as_alice):
    page = as_sam.get("/organisation/imports/").content.decode()
    assert "Import school roll" in page
    assert "Import pupils" in page
    assert "Import people" not in page
    page = as_alice.get("/organisation/imports/").content.decode()
    assert "Import people" in page
    assert "roll" not in page
    assert as_alice.get("/organisation/imports/new/roll/").status_code == 404


# Referrals --------------------------------------------------------------------------------


def test_referrals_are_made_as_the_referral_form_makes_them(as_alice, org):
    HarmTypeFactory(organisation=org, name="Criminal damage")
    text = (
        "Received,Agency,Officer,What happened,Harm,Risks,Stage,Victim first,Victim last,Offender first,Offender last\n"
        "20/11/2026,Northbridge Police,PC Siân Evans,Windows broken at the community centre,"
        "Criminal damage,None known,Out of court,Zoë,Ní Bhriain,Tomasz,Wiśniewski\n"
    )
    made = upload(as_alice, "referrals", csv_file(text, "referrals.csv"))
    mapping = {
        "received_on": "Received",
        "source_agency": "Agency",
        "referrer_name": "Officer",
        "incident_summary": "What happened",
        "harm_type": "Harm",
        "risks": "Risks",
        "justice_stage": "Stage",
        "harmed_given_name": "Victim first",
        "harmed_family_name": "Victim last",
        "responsible_given_name": "Offender first",
        "responsible_family_name": "Offender last",
    }
    page = map_columns(as_alice, made, mapping).content.decode()
    assert "all 1 row can be saved" in page
    as_alice.post(f"/organisation/imports/{made.pk}/save/")
    referral = Referral.objects.get()
    assert referral.status == ReferralStatus.NEW
    assert referral.justice_stage == "out_of_court"
    assert sorted(p.role for p in referral.people.all()) == ["harmed", "responsible"]


def test_a_referral_row_breaking_the_referral_rules_is_refused_with_its_reason(as_alice, org):
    HarmTypeFactory(organisation=org, name="Criminal damage")
    text = (
        "Received,Agency,Officer,What happened,Harm,Risks,Victim first,Victim last\n"
        "20/11/2026,Northbridge Police,PC Evans,Windows broken,Criminal damage,None known,Zoë,Ní Bhriain\n"
        "20/11/2099,Northbridge Police,PC Evans,Graffiti,Arson,Weapons; None known,Zoë,\n"
    )
    made = upload(as_alice, "referrals", csv_file(text))
    mapping = {
        "received_on": "Received",
        "source_agency": "Agency",
        "referrer_name": "Officer",
        "incident_summary": "What happened",
        "harm_type": "Harm",
        "risks": "Risks",
        "harmed_given_name": "Victim first",
        "harmed_family_name": "Victim last",
    }
    page = map_columns(as_alice, made, mapping).content.decode()
    assert "Row 3, date received: Date received must be today or in the past" in page
    assert "Kind of harm must be one of:" in page
    assert "Enter the last name of the person harmed" in page
    # The justice stage, asked of every justice referral, is asked of an imported one too.
    assert "Choose the criminal justice stage" in page
    assert not Referral.objects.exists()


# Access ----------------------------------------------------------------------------------


def test_another_organisations_import_is_a_404(as_alice, as_charlie, org):
    made = upload(as_alice, "people", csv_file(PEOPLE_CSV))
    for path in ("", "columns/", "save/", "progress/", "start-again/"):
        assert as_charlie.get(f"/organisation/imports/{made.pk}/{path}").status_code == 404
    assert as_charlie.post(f"/organisation/imports/{made.pk}/save/").status_code == 404


def test_referrers_viewers_and_facilitators_are_refused(as_rita, as_vera, as_bob, as_alice):
    made = upload(as_alice, "people", csv_file(PEOPLE_CSV))
    for client in (as_rita, as_vera, as_bob):
        assert client.get("/organisation/imports/").status_code == 403
        assert (
            client.post(
                "/organisation/imports/new/people/", {"file": csv_file(PEOPLE_CSV)}
            ).status_code
            == 404
        )
        assert client.get(f"/organisation/imports/{made.pk}/").status_code == 404
    assert Import.objects.count() == 1


def test_a_file_that_is_not_a_spreadsheet_is_refused_at_the_field(as_alice):
    response = as_alice.post(
        "/organisation/imports/new/people/",
        {"file": SimpleUploadedFile("notes.xlsx", b"PK\x03\x04 not really a workbook")},
    )
    assert "The file is not an Excel workbook (.xlsx) we can read" in response.content.decode()
    response = as_alice.post(
        "/organisation/imports/new/people/", {"file": csv_file("First,Last\n", "empty.csv")}
    )
    assert "The file has column headings but no rows under them" in response.content.decode()
    assert not Import.objects.exists()


# In the background ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_checked_and_saved_in_the_background_with_progress(settings, as_alice, org):
    settings.AMENDS_IMPORT_BACKGROUND_ROWS = 5
    rows = "".join(f"Person{n},Família{n},{1 + n % 28:02d}/03/1990\n" for n in range(1200))
    made = upload(as_alice, "people", csv_file("First,Last,Born\n" + rows))
    page = map_columns(
        as_alice, made, {"given_name": "First", "family_name": "Last", "date_of_birth": "Born"}
    ).content.decode()
    assert 'role="progressbar"' not in page  # a <progress> element, labelled with its figure
    assert '<progress id="import-progress-bar"' in page
    assert "0% (0 of 1200 rows checked)" in page
    assert "You can leave this page" in page
    assert 'hx-trigger="every 2s"' in page
    run_worker()
    progress = as_alice.get(
        f"/organisation/imports/{made.pk}/progress/", headers={"HX-Request": "true"}
    )
    assert progress["HX-Refresh"] == "true"  # finished: the page shows itself again
    page = as_alice.get(f"/organisation/imports/{made.pk}/").content.decode()
    assert "all 1200 rows can be saved" in page
    as_alice.post(f"/organisation/imports/{made.pk}/save/")
    page = as_alice.get(f"/organisation/imports/{made.pk}/").content.decode()
    assert "Checking the rows again, then saving them" in page
    assert not Person.objects.exists()
    run_worker()
    made.refresh_from_db()
    assert made.status == ImportStatus.SAVED
    assert (made.added_count, made.rows_done) == (1200, 1200)
    assert Person.objects.count() == 1200
    listing = as_alice.get("/organisation/imports/").content.decode()
    assert "Saved" in listing


@pytest.mark.django_db(transaction=True)
def test_progress_is_reported_while_the_background_run_goes(settings, as_alice, org):
    settings.AMENDS_IMPORT_BACKGROUND_ROWS = 5
    rows = "".join(f"Person{n},Family{n}\n" for n in range(1100))
    made = upload(as_alice, "people", csv_file("First,Last\n" + rows))
    map_columns(as_alice, made, {"given_name": "First", "family_name": "Last"})
    seen = []
    from amends.imports import services

    original = services._progress

    def watch(upload, done):
        original(upload, done)
        seen.append(Import.objects.get(pk=upload.pk).percent)

    services._progress = watch
    try:
        run_worker()
    finally:
        services._progress = original
    assert seen[:2] == [45, 90]
