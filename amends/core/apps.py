from typing import Any

from django.apps import AppConfig
from django.db.backends.signals import connection_created


def register_audit_guard(sender: Any, connection: Any, **kwargs: Any) -> None:
    """SQLite: the function the audit log's triggers ask before an UPDATE or DELETE.

    It answers 1 only inside core.audit.audit_guard_lifted() on this connection.
    """
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        "amends_audit_unlocked",
        0,
        lambda: 1 if getattr(connection, "amends_audit_unlocked", False) else 0,
    )


class CoreConfig(AppConfig):
    name = "amends.core"
    label = "core"
    verbose_name = "Organisations and access"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from amends.core import length_limits
        from amends.core.middleware import note_sign_in

        connection_created.connect(register_audit_guard, dispatch_uid="amends_audit_guard")
        user_logged_in.connect(note_sign_in, dispatch_uid="amends_sign_in_time")
        length_limits.install()
