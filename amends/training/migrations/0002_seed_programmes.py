"""The four programmes, one per sector, for each consultancy already set up.

A consultancy set up later has them from the training page's "Set up the four
programmes" (services.programmes_seed), which uses the same words.
"""

from django.db import migrations

PROGRAMMES = {
    "justice": "Restorative justice in criminal and civil justice",
    "schools": "Restorative practice in schools",
    "communities": "Restorative practice in communities and social housing",
    "prisons": "Restorative justice in prisons",
}


def seed(apps, schema_editor):
    Organisation = apps.get_model("core", "Organisation")
    Programme = apps.get_model("training", "Programme")
    for organisation in Organisation.objects.filter(kind="consultancy"):
        for sector, title in PROGRAMMES.items():
            Programme.objects.get_or_create(
                organisation=organisation, sector=sector, defaults={"title": title}
            )


class Migration(migrations.Migration):
    dependencies = [("training", "0001_initial"), ("core", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
