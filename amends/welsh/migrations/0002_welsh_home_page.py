"""The home page's starting text in Welsh, where the page exists and has none yet."""

from django.db import migrations


def seed(apps, schema_editor):
    from amends.website.content import render_markdown
    from amends.welsh import starting_copy as copy

    Page = apps.get_model("website", "Page")
    WelshPage = apps.get_model("welsh", "WelshPage")
    home = Page.objects.filter(slug="home").first()
    if home is None or WelshPage.objects.filter(page=home).exists():
        return
    WelshPage.objects.create(
        page=home,
        title=copy.HOME["title"],
        summary=copy.HOME["summary"],
        body=copy.HOME["body"],
        html=render_markdown(copy.HOME["body"]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("welsh", "0001_welsh_page_text"),
        ("website", "0002_starting_copy"),
    ]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
