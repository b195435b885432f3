"""Reports read from a replica when one is configured.

Set DATABASE_REPLICA_URL to a read-only copy of the database (PostgreSQL streaming
replication) and the report pages, downloads and the quarterly PDF read from it, so a
coordinator's yearly figures never compete with the caseworkers' pages on the primary.
Writes (the audit of a download) and every other page stay on the primary. Without the
setting the router answers nothing and everything uses the default database.

Reports tolerate the replica's small lag: they count whole days and quarters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any

from django.conf import settings

REPLICA = "replica"
_reading_reports: ContextVar[bool] = ContextVar("amends_reading_reports", default=False)


@contextmanager
def report_reads() -> Iterator[None]:
    """Inside this block, reads go to the replica (where one is configured)."""
    token = _reading_reports.set(True)
    try:
        yield
    finally:
        _reading_reports.reset(token)


def reads_from_replica(view: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with report_reads():
            return view(*args, **kwargs)

    return wrapper


class ReportReplicaRouter:
    """Sends reads made inside `report_reads()` to the replica database."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if _reading_reports.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return None

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        # The replica is a copy of the primary: records from either may be related.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        # The replica receives the primary's schema by replication, never by migrate.
        return False if db == REPLICA else None
