"""Organisations are sealed from one another.

Walks every URL pattern of the project. For each pattern whose URL names a
record (a `<…_pk>` argument), it builds the URL for records of Northbridge and
asserts that Charlie, a coordinator of another organisation, gets 404 on GET
and on POST, while Alice, Northbridge's coordinator, does not. New URLs are
found by the walk itself; a new kind of record needs only a factory.
"""

from __future__ import annotations

from collections.abc import Iterator

import factory as factory_boy
import pytest
from django.apps import apps
from django.db import models
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests import factories

# URL arguments that do not name a record, and why.
NOT_RECORDS = {
    "token": "a one-time secret token (invitations), checked by hash",
    "key": "allauth's password-reset key",
    "uidb36": "allauth's password-reset user id, paired with its key",
    "page_slug": "a public web page's name: site-wide content, no organisation's record "
    "(tests/test_website.py)",
    "number": "a published version of a public web page (tests/test_website.py)",
    "sector": "a public training programme page, named by its sector (tests/test_website.py, "
    "tests/test_training.py)",
    "referral_id": "the API's referral id, read with an API key rather than a session "
    "(tests/test_api.py: another organisation's referral, or another key's, is a 404)",
    "pk": "allauth's own passkey pages, which look keys up among the signed-in user's "
    "(tests/test_mfa.py: another user's passkey is a 404)",
    "kind": "the kind of import to start (people, referrals, a school's roll), or a kind of "
    "message whose wording the page reads from the coordinator's own organisation, not a "
    "record (tests/test_imports.py, tests/test_notifications.py)",
    "code": "a language the public site speaks, en-gb or cy (tests/test_welsh.py)",
    "language": "the language of a message's wording, paired with its kind "
    "(tests/test_notifications.py)",
}


# Pages that belong to one sector's services (elsewhere they do not exist, and answer 404):
# the walks open them with the organisations working in that sector.
SECTOR_PAGES = {"custody": "prisons", "reports:custody": "prisons"}


def open_in_its_sector(url_name: str, *organisations: models.Model) -> None:
    sector = SECTOR_PAGES.get(url_name) or SECTOR_PAGES.get(url_name.partition(":")[0])
    for organisation in organisations if sector else ():
        organisation.sectors = [sector]  # type: ignore[attr-defined]
        organisation.save()


def walk(
    resolver: URLResolver | None = None, namespace: str = ""
) -> Iterator[tuple[str, list[str]]]:
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            outer = list(getattr(entry.pattern, "converters", {}))
            for name, kwargs in walk(entry, inner):
                yield name, outer + kwargs
        elif isinstance(entry, URLPattern) and entry.name:
            # Route patterns name their converters; regex patterns their named groups.
            kwargs = list(getattr(entry.pattern, "converters", None) or {}) or list(
                entry.pattern.regex.groupindex
            )
            yield f"{namespace}{entry.name}", kwargs


def model_for(kwarg: str) -> type[models.Model]:
    wanted = kwarg.removesuffix("_pk").replace("_", "")
    for model in apps.get_models():
        if model._meta.model_name == wanted:
            return model
    raise AssertionError(f"URL argument {kwarg!r} names no model; name it <modelname>_pk")


def factory_for(model: type[models.Model]):
    for value in vars(factories).values():
        if (
            isinstance(value, type)
            and issubclass(value, factory_boy.Factory)
            and value._meta.model is model
        ):
            return value
    raise AssertionError(f"tests/factories.py needs a factory for {model.__name__}")


def build_objects(org, kwargs: list[str]) -> dict[str, models.Model]:
    """One consistent set of Northbridge's records for the URL's arguments.

    Records that others in the URL point at are taken from those others, so a
    URL like /people/<person_pk>/identifiers/<identifier_pk>/ names a real pair.
    """
    wanted = {kwarg: model_for(kwarg) for kwarg in kwargs}
    objects: dict[str, models.Model] = {}

    # The most dependent records first: those that point at another wanted model.
    def depth(model):
        return sum(
            1
            for f in model._meta.get_fields()
            if f.many_to_one and f.related_model in wanted.values()
        )

    for kwarg in sorted(kwargs, key=lambda k: -depth(wanted[k])):
        model = wanted[kwarg]
        found = None
        for obj in objects.values():
            for field in obj._meta.get_fields():
                if field.many_to_one and field.related_model is model:
                    found = getattr(obj, field.name)
        if found is None:
            factory = factory_for(model)
            params = {}
            if any(f.name == "organisation" for f in model._meta.get_fields()):
                params["organisation"] = org
            found = factory(**params)
        objects[kwarg] = found
    return objects


def object_urls():
    for name, kwargs in walk():
        record_kwargs = [k for k in kwargs if k.endswith("_pk")]
        unknown = [k for k in kwargs if not k.endswith("_pk") and k not in NOT_RECORDS]
        assert not unknown, (
            f"{name}: URL argument(s) {unknown} are neither <model>_pk nor listed in NOT_RECORDS"
        )
        if record_kwargs and len(record_kwargs) == len(kwargs):
            yield name, tuple(kwargs)


OBJECT_URLS = sorted(set(object_urls()))


def test_the_walk_finds_the_object_pages():
    names = {name for name, _ in OBJECT_URLS}
    assert {"people:detail", "people:edit", "core:member_detail"} <= names


@pytest.mark.parametrize(("url_name", "kwargs"), OBJECT_URLS, ids=[n for n, _ in OBJECT_URLS])
def test_another_organisation_gets_404(
    url_name, kwargs, org, other_org, alice, as_alice, as_charlie
):
    open_in_its_sector(url_name, org, other_org)
    objects = build_objects(org, kwargs)
    for obj in objects.values():
        if obj._meta.model_name == "export":
            obj.created_by = alice  # an export is seen only by the member who asked for it
            obj.save()
    url = reverse(url_name, kwargs={k: obj.pk for k, obj in objects.items()})

    assert as_alice.get(url).status_code != 404, f"{url} should open for its own coordinator"
    assert as_charlie.get(url).status_code == 404
    assert as_charlie.post(url, {}).status_code == 404
    # Nothing was changed by the refused POST.
    for obj in objects.values():
        before = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        obj.refresh_from_db()
        after = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
        assert before == after
