"""Writing the Welsh text of the website's pages."""

from __future__ import annotations

from django.db import transaction

from amends.accounts.models import User
from amends.core.audit import audit_record
from amends.core.models import AuditAction
from amends.website.access import website_owner
from amends.website.content import render_markdown
from amends.website.models import Page
from amends.welsh.models import WelshPage


def welsh_page_save(*, page: Page, by: User, title: str, summary: str, body: str) -> WelshPage:
    """Save a page's Welsh text; it is what Welsh visitors see from now on. A blank title
    takes the Welsh text down (the Welsh site shows the English with a note)."""
    with transaction.atomic():
        welsh, _ = WelshPage.objects.select_for_update().get_or_create(page=page)
        welsh.title, welsh.summary, welsh.body = title.strip(), summary.strip(), body
        welsh.html = render_markdown(body)
        welsh.updated_by = by
        welsh.full_clean()
        welsh.save()
        audit_record(
            actor=by,
            action=AuditAction.UPDATE,
            organisation=website_owner(),
            record=page,
            summary=f"Saved the Welsh text of “{page.draft_title}”"
            if welsh.is_written
            else f"Took down the Welsh text of “{page.draft_title}”",
        )
    return welsh
