from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "amends.schools"
    label = "schools"
    verbose_name = "Schools"

    def ready(self) -> None:
        # Registers the pause on restorative work, the menu item and the schools report.
        from amends.schools import figures, hooks  # noqa: F401
