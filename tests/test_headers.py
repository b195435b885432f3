"""Security headers on every page, and the production-only settings."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet
from django.urls import reverse

ROOT = Path(__file__).resolve().parent.parent


def test_pages_with_personal_data_are_never_cached(as_alice):
    for url in (reverse("core:dashboard"), reverse("people:list"), reverse("people:add")):
        response = as_alice.get(url)
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store"


def test_sign_in_pages_are_never_cached(client):
    assert client.get(reverse("account_login"))["Cache-Control"] == "no-store"


def test_content_security_policy_uses_a_nonce_and_forbids_framing(as_alice):
    response = as_alice.get(reverse("people:list"))
    policy = response["Content-Security-Policy"]
    html = response.content.decode()
    nonce = html.split('<script nonce="', 1)[1].split('"', 1)[0]
    assert f"'nonce-{nonce}'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "object-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # htmx is served from our own origin ('self'), and told not to eval.
    assert "script-src 'self'" in policy
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert '"allowEval": false' in html


def test_nonce_changes_on_every_response(as_alice):
    first = as_alice.get(reverse("core:dashboard"))["Content-Security-Policy"]
    second = as_alice.get(reverse("core:dashboard"))["Content-Security-Policy"]
    assert first != second


def test_other_headers(client):
    response = client.get(reverse("account_login"))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def production_env(tmp_path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        SECRET_KEY="production-like-secret-" + "x" * 50,
        FIELD_ENCRYPTION_KEYS=Fernet.generate_key().decode(),
        AUDIT_CHAIN_KEY="production-like-audit-key-" + "y" * 30,
        ALLOWED_HOSTS="amends.example.org",
        AMENDS_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="amends.settings",
    )
    return env


def test_production_settings(tmp_path):
    script = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps({k: getattr(s, k) for k in ["
        "'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', 'SECURE_SSL_REDIRECT', "
        "'SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_HTTPONLY', 'DEBUG']}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
        check=True,
    )
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values["DEBUG"] is False
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_HTTPONLY"]


def test_production_passes_the_deployment_checks(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(tmp_path),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = production_env(tmp_path)
    del env["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
