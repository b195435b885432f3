from django.db import migrations, models

# The names as they stood when the flag arrived (amends.referrals.models.NEEDS_ADVANCED_TRAINING).
NEEDS_ADVANCED_TRAINING = [
    "domestic abuse",
    "sexual harm",
    "stalking",
    "hate crime",
    "hate incident",
    "serious violence",
]


def flag_the_kinds_that_need_extra_care(apps, schema_editor):
    HarmType = apps.get_model("referrals", "HarmType")
    for harm_type in HarmType.objects.all().only("pk", "name"):
        if " ".join(harm_type.name.split()).lower() in NEEDS_ADVANCED_TRAINING:
            HarmType.objects.filter(pk=harm_type.pk).update(needs_advanced_training=True)


class Migration(migrations.Migration):
    dependencies = [
        ("referrals", "0004_referral_source"),
    ]

    operations = [
        migrations.AddField(
            model_name="harmtype",
            name="needs_advanced_training",
            field=models.BooleanField(
                default=False,
                help_text="A lead facilitator needs advanced training for the case's sector.",
                verbose_name="Needs advanced training",
            ),
        ),
        migrations.RunPython(flag_the_kinds_that_need_extra_care, migrations.RunPython.noop),
    ]
