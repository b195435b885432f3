from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "amends.people"
    label = "people"
    verbose_name = "People"

    def ready(self) -> None:
        from amends.people import audit_names  # noqa: F401  (registers the audit log's namers)
