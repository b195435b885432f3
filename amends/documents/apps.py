from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "amends.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from amends.documents import (
            audit_names,  # noqa: F401  (registers the audit log's namers)
            receivers,  # noqa: F401
        )
