"""Signed agreements and evidence kept with a case: checked by content, served only to the case team."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from amends.core.models import Role
from amends.documents import services
from amends.documents.models import Document
from tests.conftest import _member, signed_in
from tests.factories import SMALL_PDF, DocumentFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(client, case, content, name="agreement.pdf", **data):
    return client.post(
        reverse("documents:add", args=[case.pk]),
        {
            "document-title": "Signed agreement",
            "document-kind": "signed_agreement",
            "document-file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            **{f"document-{key}": value for key, value in data.items()},
        },
    )


def test_the_facilitator_uploads_and_downloads_a_signed_agreement(as_bob, case, settings):
    response = upload(as_bob, case, SMALL_PDF)
    assert response.status_code == 302
    document = Document.objects.get()
    assert document.content_type == "application/pdf"
    assert document.path.read_bytes() == SMALL_PDF
    assert str(document.path).startswith(str(settings.MEDIA_ROOT))
    assert "agreement" not in document.stored_name  # nothing of the upload's name on disk

    page = as_bob.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "Signed agreement" in page

    download = as_bob.get(reverse("documents:download", args=[case.pk, document.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == SMALL_PDF
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download["Cache-Control"]


def test_a_png_is_recognised_by_its_content_not_its_name(as_bob, case):
    upload(as_bob, case, PNG, name="photo.pdf", kind="evidence")
    assert Document.objects.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"<html><script>alert(1)</script></html>", "agreement.pdf"),
        (b"MZ\x90\x00 an executable", "evidence.jpg"),
        (b"", "empty.pdf"),
    ],
)
def test_other_kinds_of_file_are_refused_and_nothing_is_kept(as_bob, case, settings, content, name):
    response = upload(as_bob, case, content, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert "must be a PDF, PNG or JPEG" in page or "The selected file is empty" in page
    assert not Document.objects.exists()
    folder = settings.MEDIA_ROOT / "documents"
    assert not folder.exists() or not any(folder.iterdir())


def test_a_file_over_the_limit_is_refused(as_bob, case, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    response = upload(as_bob, case, SMALL_PDF + b"0" * 200)
    assert "must be smaller than 10MB" in response.content.decode()
    assert not Document.objects.exists()


def test_only_the_case_team_and_coordinators_can_open_a_document(
    org, case, as_alice, as_rita, as_vera
):
    document = DocumentFactory(organisation=org, case=case)
    url = reverse("documents:download", args=[case.pk, document.pk])
    other_facilitator = signed_in(
        _member(org, Role.FACILITATOR, "fran@northbridge.example", "Fran")
    )
    assert as_alice.get(url).status_code == 200
    for outsider in (other_facilitator, as_rita, as_vera):
        assert outsider.get(url).status_code == 404


def test_no_url_serves_the_upload_folder(as_alice, org, case):
    document = DocumentFactory(organisation=org, case=case)
    for url in (
        f"/uploads/documents/{document.stored_name}",
        f"/var/uploads/documents/{document.stored_name}",
        f"/media/documents/{document.stored_name}",
        f"/static/../var/uploads/documents/{document.stored_name}",
    ):
        assert as_alice.get(url).status_code == 404


def test_removing_a_document_deletes_its_file(
    as_bob, org, case, django_capture_on_commit_callbacks
):
    document = DocumentFactory(organisation=org, case=case)
    assert document.path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = as_bob.post(reverse("documents:remove", args=[case.pk, document.pk]))
    assert response.status_code == 302
    assert not Document.objects.exists()
    assert not document.path.exists()


def test_deleting_a_case_deletes_its_files(org, case, django_capture_on_commit_callbacks):
    document = DocumentFactory(organisation=org, case=case)
    with django_capture_on_commit_callbacks(execute=True):
        case.delete()
    assert not document.path.exists()
