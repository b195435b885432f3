"""The certificate: the holder's name, the course, its level and hours, the date, and the code
anyone can check on the public page. Built from the certificate as issued."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from amends.core.models import Sector
from amends.training.models import Certificate


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    # The certificate needs nothing from outside: no file, no network.
    raise ValueError(f"The certificate PDF does not load {url!r}")


def certificate_context(certificate: Certificate) -> dict[str, Any]:
    return {
        "certificate": certificate,
        "organisation_name": certificate.enrolment.cohort.organisation.name,
        "programme": dict(Sector.choices).get(certificate.sector, ""),
        "check_url": settings.SITE_URL.rstrip("/") + reverse("training:certificate_check"),
    }


def certificate_pdf(certificate: Certificate) -> bytes:
    import weasyprint  # slow to import (~1.5 s): only when a PDF is wanted

    html = render_to_string("training/certificate_pdf.html", certificate_context(certificate))
    css = render_to_string("training/certificate_pdf.css")
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=css)])
    return pdf
