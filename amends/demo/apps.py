from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for trying Amends: sits above every domain app and is used by none."""

    name = "amends.demo"
    label = "demo"
    verbose_name = "Demo data"
