"""Running in production: health and readiness, logs without personal data, the server's
configuration, the container image and compose file, and requests that write no session."""

from __future__ import annotations

import io
import ipaddress
import json
import logging
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amends.core.models import AuditAction, AuditEvent
from amends.core.request_log import PrivateJsonFormatter, user_hash

ROOT = Path(__file__).resolve().parent.parent


# Health and readiness -------------------------------------------------------------


def test_liveness_answers_without_the_database(client):
    # No `db` fixture: any query would fail the test.
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "live"}
    assert response["Cache-Control"] == "no-store"


def test_readiness_says_ready_in_one_query(db, client, django_assert_num_queries):
    client.get("/health/ready")  # the migrations on disk are read once per process
    with django_assert_num_queries(1):
        response = client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "database": "ok"}
    assert not response.cookies, "a probe starts no session and sets no cookie"


def test_readiness_is_503_while_a_migration_is_unapplied(db, client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE app = 'core' AND name = '0005_audit_chain'"
        )
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "not ready",
        "database": "migrations not applied",
        "unapplied": 1,
    }


def test_probes_are_answered_over_plain_http_to_any_host(db, settings):
    """A probe inside the container network says Host: 127.0.0.1:8000 over HTTP."""
    settings.ALLOWED_HOSTS = ["amends.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    probe = Client(HTTP_HOST="10.0.0.7:8000")
    assert probe.get("/health/live").status_code == 200
    assert probe.get("/health/ready").status_code == 200
    # ...while every other page still gets the host check and the redirect.
    assert probe.get("/accounts/login/").status_code == 400


def test_readiness_from_the_command_line(db):
    from django.core.management import call_command

    call_command("readiness", stdout=(out := io.StringIO()))
    assert "Ready." in out.getvalue()


# Logs -------------------------------------------------------------------------------


def json_line(record: logging.LogRecord) -> dict:
    formatter = PrivateJsonFormatter(**{k: v for k, v in _json_formatter().items() if k != "()"})
    line = formatter.format(record)
    assert "\n" not in line, "one JSON object a line"
    return json.loads(line)


def _json_formatter() -> dict:
    return settings.LOGGING["formatters"]["json"]


def request_lines(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "amends.request"]


def test_a_signed_in_request_is_logged_without_personal_data(as_alice, alice, caplog):
    caplog.set_level(logging.INFO, logger="amends.request")
    response = as_alice.get(
        reverse("people:list"), {"q": "Ashworth", "email": alice.email}, HTTP_X_REQUEST_ID="b7"
    )
    assert response.status_code == 200
    [record] = request_lines(caplog)
    line = json_line(record)
    text = json.dumps(line)
    for private in (alice.email, "Alice", "Ashworth", "q=", "email"):
        assert private not in text
    assert line["logger"] == "amends.request"
    assert line["method"] == "GET"
    assert line["path"] == reverse("people:list")
    assert line["status"] == 200
    assert line["duration_ms"] >= 0
    assert line["user"] == user_hash(alice.pk)
    assert re.fullmatch(r"[0-9a-f]{16}", line["user"])
    assert line["membership"] == alice.memberships.get().pk
    assert re.fullmatch(r"[0-9a-f]{32}", line["request_id"]), "too short an id is replaced"
    assert response["X-Request-ID"] == line["request_id"]
    assert "timestamp" in line and line["level"] == "INFO"


def test_a_proxys_request_id_is_kept(db, client, caplog):
    caplog.set_level(logging.INFO, logger="amends.request")
    response = client.get("/accounts/login/", HTTP_X_REQUEST_ID="req-0123456789abcdef")
    assert response["X-Request-ID"] == "req-0123456789abcdef"
    assert json_line(request_lines(caplog)[0])["request_id"] == "req-0123456789abcdef"


def test_a_token_in_the_path_is_not_logged(db, client, caplog):
    caplog.set_level(logging.INFO, logger="amends.request")
    token = "s3cr3t-calendar-token-for-someone"
    client.get(reverse("home:calendar_feed", args=[token]))
    line = json_line(request_lines(caplog)[0])
    assert token not in json.dumps(line)
    assert line["path"] == "/calendar/<token>.ics"


def test_probes_are_not_logged(db, client, caplog):
    caplog.set_level(logging.INFO, logger="amends.request")
    client.get("/health/live")
    client.get("/health/ready")
    assert request_lines(caplog) == []


def test_what_a_library_attaches_to_a_line_is_left_out(rf):
    """Django's error lines carry the whole request (its query string, its cookies)."""
    request = rf.get("/people/?q=Ashworth")
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Not Found: %s", ("/people/",), None
    )
    record.request = request
    record.status_code = 404
    record.email = "alice@northbridge.example"
    line = json_line(record)
    assert line["message"] == "Not Found: /people/"
    assert line["status_code"] == 404
    assert "request" not in line and "email" not in line
    assert "Ashworth" not in json.dumps(line)


# Sessions and connections ----------------------------------------------------------


def session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "django_session" in q["sql"]
        and q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]


def test_a_signed_in_page_does_not_write_the_session_each_time(as_alice):
    as_alice.get(reverse("people:list"))
    with CaptureQueriesContext(connection) as queries:
        assert as_alice.get(reverse("people:list")).status_code == 200
    assert session_writes(queries.captured_queries) == []


def test_the_idle_time_is_still_noted_each_minute(as_alice):
    as_alice.get(reverse("people:list"))
    session = as_alice.session
    session["amends_last_seen"] = int(time.time()) - 90
    session.save()
    with CaptureQueriesContext(connection) as queries:
        as_alice.get(reverse("people:list"))
    assert len(session_writes(queries.captured_queries)) == 1
    assert as_alice.session["amends_last_seen"] >= int(time.time()) - 5


def test_connections_persist_and_are_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_MAX_AGE"] >= 60
    assert database["CONN_HEALTH_CHECKS"] is True


def test_postgresql_does_not_compile_each_report_query_just_in_time(db, tmp_path):
    """The just-in-time compiler cost the funnel report two thirds of its time; every
    PostgreSQL connection, the replica's too, turns it off."""
    found = subprocess.run(
        [
            sys.executable,
            "-c",
            "from django.conf import settings; "
            "print({k: d.get('OPTIONS', {}).get('options') for k, d in settings.DATABASES.items()})",
        ],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "amends.settings",
            "DEBUG": "true",
            "AMENDS_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://amends@db.example:5432/amends",
            "DATABASE_REPLICA_URL": "postgres://amends@replica.example:5432/amends",
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    ).stdout
    assert found.strip() == "{'default': '-c jit=off', 'replica': '-c jit=off'}"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


# The server, the image and the compose file ---------------------------------------


def test_gunicorn_accepts_its_configuration():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--config",
            "gunicorn.conf.py",
            "--check-config",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_gunicorn_writes_no_access_log_and_logs_json():
    namespace: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own file
    assert namespace["accesslog"] is None, "an access log would carry query strings"
    assert namespace["wsgi_app"] == "amends.wsgi:application"
    formatter = namespace["logconfig_dict"]["formatters"]["json"]
    assert formatter["()"] == "amends.core.request_log.PrivateJsonFormatter"


def dockerfile_stages() -> list[list[str]]:
    stages: list[list[str]] = []
    text = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    for line in text.splitlines():
        if line.startswith("FROM "):
            stages.append([])
        if stages and line.strip() and not line.startswith("#"):
            stages[-1].append(line.strip())
    return stages


def test_the_image_is_built_in_stages_and_runs_without_build_tools_or_root():
    stages = dockerfile_stages()
    assert len(stages) >= 3
    build = " ".join(" ".join(s) for s in stages[:-1])
    assert "npm ci" in build and "npm run" in build
    assert "uv sync --locked --no-dev" in build
    final = stages[-1]
    final_text = " ".join(final)
    for tool in ("npm", "node", " uv ", "gcc", "build-essential", "pip install"):
        assert tool not in final_text, f"{tool.strip()} in the final image"
    assert "COPY --from=python /opt/venv" in final_text
    assert "COPY --from=frontend /src/static/dist" in final_text
    assert "collectstatic" in final_text
    users = [line.split()[1] for line in final if line.startswith("USER ")]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    assert final[-1].startswith("CMD") and "gunicorn" in final[-1]
    assert any(line.startswith("HEALTHCHECK") and "/health/live" in line for line in final)


def test_compose_starts_amends_its_worker_and_postgresql():
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    services = compose["services"]
    assert {"db", "migrate", "web", "worker"} <= services.keys()
    assert "pg_isready" in str(services["db"]["healthcheck"]["test"])
    assert "/health/ready" in str(services["web"]["healthcheck"]["test"])
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert "readiness" in str(services["worker"]["healthcheck"]["test"])
    for name in ("migrate", "web", "worker"):
        service = services[name]
        assert service["user"] == "10001:10001"
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert service["depends_on"]["db"]["condition"] == "service_healthy"
        assert service["environment"]["DEBUG"] == "false"
        assert "${SECRET_KEY:?" in service["environment"]["SECRET_KEY"]
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )
    # Only the proxy on the same machine reaches Amends; the database is not published.
    assert services["web"]["ports"] == ["127.0.0.1:8000:8000"]
    assert "ports" not in services["db"]


@pytest.mark.parametrize(
    "name", ["SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "AUDIT_CHAIN_KEY", "POSTGRES_PASSWORD"]
)
def test_the_example_environment_names_every_secret_compose_needs(name):
    example = (ROOT / "deploy" / "env.example").read_text()
    assert re.search(rf"^{name}=$", example, re.MULTILINE)


def readiness_of(database_url: str, tmp_path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "readiness"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "AMENDS_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_database_never_migrated_is_not_ready(tmp_path):
    result = readiness_of(f"sqlite:///{tmp_path}/empty.sqlite3", tmp_path)
    assert result.returncode == 1
    assert "Not ready: not migrated." in result.stderr


def test_a_database_that_does_not_answer_is_not_ready(tmp_path):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    result = readiness_of(f"postgres://nobody@127.0.0.1:{port}/amends?connect_timeout=2", tmp_path)
    assert result.returncode == 1
    assert "Not ready: not answering." in result.stderr


# The client's address behind a proxy ------------------------------------------------

LOGIN = "/accounts/login/"


def failed_sign_in_from(alice, **meta) -> str:
    Client().post(LOGIN, {"login": alice.email, "password": "not-the-password"}, **meta)
    event = AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).latest("id")
    return event.ip_address


def test_behind_a_trusted_proxy_the_audit_log_records_the_clients_address(alice, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("172.16.0.0/12")]
    forwarded = {"REMOTE_ADDR": "172.18.0.1", "HTTP_X_FORWARDED_FOR": "10.9.9.9, 203.0.113.9"}
    assert failed_sign_in_from(alice, **forwarded) == "203.0.113.9"


def test_an_address_forwarded_by_anyone_else_is_ignored(alice, settings):
    settings.TRUSTED_PROXIES = [ipaddress.ip_network("172.16.0.0/12")]
    spoofed = {"REMOTE_ADDR": "198.51.100.7", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    assert failed_sign_in_from(alice, **spoofed) == "198.51.100.7"
    settings.TRUSTED_PROXIES = []
    assert (
        failed_sign_in_from(alice, REMOTE_ADDR="172.18.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
        == "172.18.0.1"
    )
