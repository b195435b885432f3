"""CI smoke: the production server answers a real journey over HTTP.

gunicorn with gunicorn.conf.py, DEBUG off, PostgreSQL, static files collected and
served by WhiteNoise, requests arriving as from a TLS proxy (X-Forwarded-Proto).
Migrates a fresh database, makes a coordinator with an authenticator app, then over
HTTP: liveness, readiness, the sign-in page and its stylesheet, signing in with
password and code, a signed-in page. Afterwards every line gunicorn wrote must be
one JSON object, none naming the coordinator, and the audit log's chain must hold.

Run by .ci/run; by hand: `uv run python .ci/smoke.py` (needs PostgreSQL on 127.0.0.1).
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.gunicorn_server import (  # noqa: E402  (needs ROOT on the path)
    free_port,
    production_environment,
    start,
    wait_until_answering,
)
from tests.http_browser import Browser  # noqa: E402

DATABASE = f"amends_smoke_{os.getpid()}"
PG = ["-h", "127.0.0.1", "-U", "postgres"]
EMAIL = "smoke.coordinator@smoke.example"


PORT = free_port()


def environment(var_dir: str) -> dict[str, str]:
    database_url = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
    env = production_environment(var_dir=var_dir, database_url=database_url, port=PORT)
    return {**env, "WEB_CONCURRENCY": "2"}


STARTED = time.monotonic()


def check(condition: object, what: str) -> None:
    if not condition:
        raise SystemExit(f"smoke: FAILED: {what}")
    print(f"smoke: ok ({time.monotonic() - STARTED:4.1f} s): {what}", flush=True)


def wait_until_live(server: subprocess.Popen[bytes]) -> None:
    try:
        wait_until_answering(server, PORT, tls_proxy=True)
    except RuntimeError as exc:
        raise SystemExit(f"smoke: FAILED: {exc}") from None


def make_coordinator() -> tuple[object, str]:
    import django

    django.setup()
    from amends.core.models import Role
    from tests.factories import (
        PASSWORD,
        MembershipFactory,
        OrganisationFactory,
        UserFactory,
        totp_code,
    )

    user = UserFactory(email=EMAIL, full_name="Smoke Coordinator")
    MembershipFactory(
        user=user, organisation=OrganisationFactory(name="Smoke Hub"), role=Role.COORDINATOR
    )
    return lambda: totp_code(user), PASSWORD


def journey(code: object, password: str) -> None:
    browser = Browser(PORT, tls_proxy=True)
    status, _, body = browser.get("/health/live")
    check(status == 200 and json.loads(body)["status"] == "live", "/health/live answers")
    status, _, body = browser.get("/health/ready")
    check(status == 200 and json.loads(body)["status"] == "ready", "/health/ready is ready")

    status, headers, page = browser.get("/accounts/login/")
    check(status == 200 and "Sign in" in page, "the sign-in page is served")
    check("strict-transport-security" in headers, "with HSTS, as over TLS")
    stylesheet = re.search(r'href="(/static/[^"]+\.css)"', page)
    check(stylesheet and re.search(r"\.[0-9a-f]{12}\.css$", stylesheet.group(1)), "hashed CSS")
    assert stylesheet is not None
    status, headers, _ = browser.get(stylesheet.group(1))
    check(status == 200 and "text/css" in headers.get("content-type", ""), "CSS is served")
    check("immutable" in headers.get("cache-control", ""), "CSS is cached for ever")

    status, headers, _ = browser.post(
        "/accounts/login/",
        {**browser.form_of("/accounts/login/"), "login": EMAIL, "password": password},
    )
    check(status == 302, "the password is accepted")
    second = urlsplit(headers["location"]).path
    status, headers, _ = browser.post(second, {**browser.form_of(second), "code": code()})  # type: ignore[operator]
    check(status == 302, "the authenticator code is accepted")
    status, _, page = browser.get(urlsplit(headers["location"]).path)
    check(status == 200 and "Smoke Hub" in page, "a signed-in page names the organisation")
    status, _, page = browser.get("/people/?q=anyone-at-all")
    check(status == 200, "the people list answers a search")


def check_logs(log: Path) -> None:
    lines = [line for line in log.read_text().splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except ValueError:
            raise SystemExit(f"smoke: FAILED: a log line is not JSON: {line[:200]}") from None
    check(lines, f"gunicorn wrote {len(lines)} log lines, each one JSON object")
    requests = [entry for entry in parsed if entry.get("logger") == "amends.request"]
    check(any(entry.get("user") for entry in requests), "request lines carry a user hash")
    check(all(entry.get("request_id") for entry in requests), "request lines carry request ids")
    text = log.read_text()
    for private in (EMAIL, "Smoke Coordinator", "anyone-at-all"):
        check(private not in text, f"no log line carries {private!r}")


def main() -> None:
    os.chdir(ROOT)
    sys.path.insert(0, str(ROOT))
    subprocess.run(["dropdb", *PG, "--if-exists", DATABASE], check=True)
    subprocess.run(["createdb", *PG, DATABASE], check=True)
    var_dir = tempfile.mkdtemp(prefix="amends-smoke-")
    env = environment(var_dir)
    os.environ.update(env)
    manage = [sys.executable, "manage.py"]
    server = None
    try:
        subprocess.run([*manage, "collectstatic", "--noinput", "-v0"], check=True, env=env)
        check(True, "static files collected")
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], check=True, env=env)
        check(True, "a new database migrated")
        code, password = make_coordinator()
        log = Path(var_dir) / "gunicorn.log"
        with log.open("wb") as out:
            server = start(env, log=out)
            wait_until_live(server)
            journey(code, password)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        check(server.returncode == 0, "gunicorn stopped cleanly")
        check_logs(log)
        result = subprocess.run(
            [*manage, "verify_audit_chain"], env=env, capture_output=True, text=True
        )
        check(result.returncode == 0 and "intact" in result.stdout, "the audit chain holds")
    finally:
        if server is not None and server.poll() is None:
            server.kill()
        from django.db import connections

        connections.close_all()
        subprocess.run(["dropdb", *PG, "--if-exists", DATABASE], check=False)
    print(f"smoke: passed in {time.monotonic() - STARTED:.1f} s")


if __name__ == "__main__":
    main()
