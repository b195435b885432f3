from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "amends.api"
    verbose_name = "API for agency systems"

    def ready(self) -> None:
        from amends.api import audit_names, webhooks  # noqa: F401  (register namer, sender, hook)
