from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "amends.meetings"
    label = "meetings"

    def ready(self) -> None:
        from amends.meetings import audit_names  # noqa: F401  (registers the audit log's namers)
