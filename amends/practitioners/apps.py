from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "amends.practitioners"
    label = "practitioners"

    def ready(self) -> None:
        from amends.practitioners import audit_names  # noqa: F401  (registers the audit log's namers)
