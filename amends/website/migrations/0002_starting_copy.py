"""The site's starting pages, each with its first published version, and its settings."""

from django.db import migrations


def seed(apps, schema_editor):
    from amends.website import starting_copy as copy
    from amends.website.content import render_markdown

    Page = apps.get_model("website", "Page")
    PageVersion = apps.get_model("website", "PageVersion")
    SiteSettings = apps.get_model("website", "SiteSettings")
    if not SiteSettings.objects.exists():
        SiteSettings.objects.create(pk=1, site_name=copy.SITE_NAME)
    pages = [("home", "home", "", 0, copy.HOME)]
    pages += [
        (f"programme-{p['sector']}", "programme", p["sector"], 10 + n, p)
        for n, p in enumerate(copy.PROGRAMMES)
    ]
    pages += [
        ("privacy-notice", "privacy", "", 90, copy.PRIVACY),
        ("accessibility-statement", "accessibility", "", 91, copy.ACCESSIBILITY),
    ]
    for slug, kind, sector, position, text in pages:
        if Page.objects.filter(slug=slug).exists():
            continue
        page = Page.objects.create(
            slug=slug,
            kind=kind,
            sector=sector,
            position=position,
            draft_title=text["title"],
            draft_summary=text["summary"],
            draft_body=text["body"],
        )
        page.published = PageVersion.objects.create(
            page=page,
            number=1,
            title=text["title"],
            summary=text["summary"],
            body=text["body"],
            html=render_markdown(text["body"]),
        )
        page.save()


class Migration(migrations.Migration):
    dependencies = [("website", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
