from django.apps import AppConfig


class HousingConfig(AppConfig):
    name = "amends.housing"
    label = "housing"
    verbose_name = "Communities and social housing"

    def ready(self) -> None:
        from amends.housing import audit_names, navigation  # noqa: F401  (registers them)
