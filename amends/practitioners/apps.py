from django.apps import AppConfig


class PractitionersConfig(AppConfig):
    name = "amends.practitioners"
    label = "practitioners"

    def ready(self) -> None:
        from amends.practitioners import (  # noqa: F401
            audit_names,  # registers the audit log's namers
            receivers,  # a certificate's file goes with its record
        )
