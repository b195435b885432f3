"""The printable agreement: a shared document, so it carries first names only.

It is built from a fixed, small set of values chosen here (never from the
models' full records), so no surname, contact detail, address, private note,
consent or risk detail can reach it.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from amends.agreements.models import Agreement


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> Any:
    # The document needs nothing from outside: no file, no network.
    raise ValueError(f"The agreement PDF does not load {url!r}")


def agreement_context(agreement: Agreement) -> dict[str, Any]:
    case = agreement.case
    actions = agreement.actions.select_related("owner__person").order_by("due_on", "pk")
    acceptances = agreement.acceptances.select_related("party__person").order_by(
        "accepted_on", "pk"
    )
    facilitators = [u for u in (case.lead_facilitator, case.co_facilitator) if u is not None]
    return {
        "organisation_name": case.organisation.name,
        "reference": case.reference,
        "agreed_on": agreement.agreed_on,
        "facilitators": [u.get_short_name() for u in facilitators],
        "actions": [
            {
                "owner": a.owner.first_name,
                "kind": a.get_kind_display(),
                "description": a.description,
                "due_on": a.due_on,
                "hours": a.hours,
                "amount": a.amount,
                "status": a.get_status_display(),
            }
            for a in actions
        ],
        "acceptances": [
            {
                "name": a.party.first_name,
                "role": a.party.get_role_display(),
                "accepted_on": a.accepted_on,
            }
            for a in acceptances
        ],
        "printed_on": timezone.localdate(),
    }


def agreement_pdf(agreement: Agreement) -> bytes:
    import weasyprint  # slow to import (~1.5 s): only when a PDF is wanted

    html = render_to_string("agreements/agreement_pdf.html", agreement_context(agreement))
    css = render_to_string("agreements/agreement_pdf.css")
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch)
    pdf: bytes = document.write_pdf(stylesheets=[weasyprint.CSS(string=css)])
    return pdf
