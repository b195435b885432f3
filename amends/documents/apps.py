from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "amends.documents"
    label = "documents"
    verbose_name = "Documents"

    def ready(self) -> None:
        from amends.documents import receivers  # noqa: F401
