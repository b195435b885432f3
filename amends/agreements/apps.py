from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "amends.agreements"
    label = "agreements"

    def ready(self) -> None:
        from amends.agreements import audit_names  # noqa: F401  (registers the audit log's namers)
