from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "amends.training"
    label = "training"
    verbose_name = "Training"

    def ready(self) -> None:
        from amends.core.context_processors import NAVIGATION_CHECKS
        from amends.training import audit_names  # noqa: F401  (registers the audit log's namers)
        from amends.training.queries import sees_training

        NAVIGATION_CHECKS["training:overview"] = sees_training
