from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "amends.cases"
    label = "cases"

    def ready(self) -> None:
        from amends.cases import audit_names  # noqa: F401  (registers the audit log's namers)
