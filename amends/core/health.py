"""Health and readiness for load balancers, orchestrators and the deployment's own checks.

/health/live   the process answers (no database): restart it if this fails.
/health/ready  the database answers and every migration on disk is applied: send it
               traffic only while this says so. 503 with a plain JSON body otherwise.

Answered by a middleware placed first, before the host check, HTTPS redirect,
sessions and sign-in: a probe from inside the container network (Host: 127.0.0.1:8000,
plain HTTP) gets the answer, and the answer costs one small query at most. Neither
says anything about anyone, and neither needs signing in.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, HttpResponse, JsonResponse

LIVE = "/health/live"
READY = "/health/ready"


@functools.cache
def migrations_on_disk() -> frozenset[tuple[str, str]]:
    """Every migration the code has: read once, as the code does not change while it runs."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    return frozenset(loader.graph.nodes)


def unapplied_migrations(using: str = DEFAULT_DB_ALIAS) -> int:
    """How many migrations on disk the database lacks: one query, which also shows it answers."""
    recorder = MigrationRecorder(connections[using])
    applied = set(recorder.migration_qs.values_list("app", "name"))
    return len(migrations_on_disk() - applied)


def _answer(code: int, **body: str | int) -> HttpResponse:
    response = JsonResponse(body, status=code)
    response["Cache-Control"] = "no-store"
    return response


def live() -> HttpResponse:
    return _answer(200, status="live")


def ready() -> HttpResponse:
    try:
        unapplied = unapplied_migrations()
    except DatabaseError:
        connection = connections[DEFAULT_DB_ALIAS]
        try:
            # A database that answers but was never migrated has no table of migrations.
            never_migrated = not MigrationRecorder(connection).has_table()
        except DatabaseError:
            never_migrated = False
        # A broken connection is not reused by the next probe.
        connection.close()
        if never_migrated:
            return _answer(503, status="not ready", database="not migrated")
        return _answer(503, status="not ready", database="not answering")
    if unapplied:
        return _answer(
            503, status="not ready", database="migrations not applied", unapplied=unapplied
        )
    return _answer(200, status="ready", database="ok")


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in {"GET", "HEAD"}:
            if request.path == LIVE:
                return live()
            if request.path == READY:
                return ready()
        return self.get_response(request)
