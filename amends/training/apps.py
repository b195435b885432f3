from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "amends.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from amends.training import audit_names  # noqa: F401  (registers the audit log's namers)
