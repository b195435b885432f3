from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "amends.notify"
    label = "notify"
    verbose_name = "Messages to people"

    def ready(self) -> None:
        # Registers the e-mail and text senders with the delivery queue.
        from amends.notify import senders  # noqa: F401
