"""Every page of each sector's demo organisation speaks that sector's words, for every role.

The demo is loaded once for this module inside a transaction rolled back at the end.
Each role of each sector's organisation signs in, and the walk follows every link from
the home page and the navigation (case, referral, person, meeting and agreement pages,
forms), reading the text a user sees. A page fails on another sector's words ("prisoner"
or "crime" on a school page, "pupil" on a prison page) and on "victim" or "offender",
which no demo organisation has chosen.
"""

from __future__ import annotations

import io
import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.db import transaction

from amends.accounts.models import User
from tests.conftest import signed_in

# Words that belong to another sector (or to no one, unless the organisation chose them).
NOBODYS = ["victim", "victims", "offender", "offenders"]
FOREIGN: dict[str, list[str]] = {
    "justice": ["pupil", "pupils", "prisoner", "prisoners", "tenancy", "tenant", "tenants"],
    "schools": ["prisoner", "prisoners", "crime", "crimes", "offence", "tenancy", "tenant", "wing"],
    "communities": ["pupil", "pupils", "prisoner", "prisoners", "crime", "offence", "wing"],
    "prisons": ["pupil", "pupils", "tenancy", "tenant", "tenants"],
}
# Names that may be shown whatever the words: the justice system's code for victims and the
# referring agency Victim Support (on justice pages only); the demo prison's referring
# departments, by their names in a prison (on prison pages only); the organisation setting
# that offers "victim" and "offender"; and the funders' returns on the reports pages, by the
# funders' own names for them and their measures (longest first: each is taken out in turn).
ALLOWED = {
    "justice": ["Victims' Code", "Victims’ Code", "Victim Support"],
    "prisons": ["Offender management unit", "Victim liaison officer"],
}
FUNDERS_MEASURES = [
    "Police and Crime Commissioner victims’ grant return",
    "Police and Crime Commissioner",
    "victims’ grant",
    "Youth Justice Board victims measure",
    "Victims measure (engaged ÷ consented)",
    "Victims supported",
    "victims supported",
    "Victim satisfaction",
    "Victims giving feedback",
    "Victims satisfied",
    "Victims who consented to be contacted",
    "victims who consented to be contacted",
    "Victims engaged in restorative justice",
]
EVERYWHERE_ALLOWED = ["Victim and offender", *FUNDERS_MEASURES]

DOMAINS = {
    "justice": "justice",
    "schools": "school",
    "communities": "housing",
    "prisons": "prison",
}
ROLES = ["coordinator", "facilitator", "referrer", "viewer"]

# Links not to follow: leaving, switching, files.
SKIP = re.compile(
    r"^/(accounts/logout|static/|media/)|/download|\.pdf$|/pdf/|/export|/certificate/$|\.(csv|xlsx)$"
)
PER_SHAPE = 2  # pages of one shape (same path with the numbers taken out) to open
MOST_PAGES = 120


class _Text(HTMLParser):
    """The text a user sees (and hears: labels, hidden text, titles) and the page's links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "template"}:
            self._skipping += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        for name, value in attrs:
            if name in {"aria-label", "title", "alt", "placeholder"} and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "template"} and self._skipping:
            self._skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def _read(html: str) -> tuple[str, list[str]]:
    parser = _Text()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split()), parser.links


def _shape(path: str) -> str:
    return re.sub(r"\d+", "#", urlsplit(path).path)


def wrong_words(text: str, sector: str) -> list[str]:
    for allowed in [*EVERYWHERE_ALLOWED, *ALLOWED.get(sector, [])]:
        text = text.replace(allowed, "")
    found = []
    for word in [*NOBODYS, *FOREIGN[sector]]:
        for match in re.finditer(rf"\b{word}\b", text, flags=re.IGNORECASE):
            found.append(text[max(0, match.start() - 60) : match.end() + 60])
    return found


def walk(client, sector: str) -> tuple[dict[str, list[str]], dict[str, int], int]:
    """Open every page reachable from home; the wrong words found on each, bad answers, pages."""
    queue = deque(["/home/"])
    seen = {"/home/"}
    shapes: dict[str, int] = {}
    wrong: dict[str, list[str]] = {}
    failed: dict[str, int] = {}
    opened = 0
    while queue and opened < MOST_PAGES:
        url = queue.popleft()
        response = client.get(url, follow=True)
        opened += 1
        if response.status_code >= 500 or response.status_code == 404:
            failed[url] = response.status_code
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        text, links = _read(response.content.decode())
        if found := wrong_words(text, sector):
            wrong[url] = found
        for href in links:
            href = urldefrag(href)[0]
            if not href.startswith("/") or href.startswith("//") or SKIP.search(href):
                continue
            shape = _shape(href)
            if href in seen or shapes.get(shape, 0) >= PER_SHAPE:
                continue
            seen.add(href)
            shapes[shape] = shapes.get(shape, 0) + 1
            queue.append(href)
    return wrong, failed, opened


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo_data", "--if-empty", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.mark.parametrize("sector", list(DOMAINS))
def test_every_page_of_a_sector_speaks_its_words(demo, db, sector):
    pages = 0
    problems = {}
    for role in ROLES:
        user = User.objects.get(email=f"{role}@{DOMAINS[sector]}.amends-demo.example")
        wrong, failed, opened = walk(signed_in(user), sector)
        pages += opened
        problems.update({f"{role} {url}": found for url, found in wrong.items()})
        assert not failed, f"{role} of {sector}: pages that failed {failed}"
    assert not problems, f"Another sector's words on {sector} pages: {problems}"
    # The walk reached the case, referral and person pages, not only the home page.
    assert pages > 40
