"""The production server (gunicorn with gunicorn.conf.py) started as its own process on 127.0.0.1.

Shared by the CI smoke journey (.ci/smoke.py), the crash test and the load test
(benchmarks/load.py): a free port, the environment of a production deployment, starting
gunicorn in its own process group, waiting until it answers, and killing it outright.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO

from tests.http_browser import Browser

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def production_environment(*, var_dir: str, database_url: str, port: int) -> dict[str, str]:
    """DEBUG off, fresh secrets, behind a TLS proxy: as docs/deploy.md sets up a server."""
    from cryptography.fernet import Fernet

    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
        "AUDIT_CHAIN_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "BEHIND_TLS_PROXY": "true",
        "AMENDS_VAR_DIR": var_dir,
        "PORT": str(port),
        "DJANGO_SETTINGS_MODULE": "amends.settings",
    }


def start(
    env: dict[str, str], *, log: IO[bytes] | int = subprocess.DEVNULL
) -> subprocess.Popen[bytes]:
    """gunicorn in a process group of its own, so `kill` reaches its workers too."""
    return subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_until_answering(
    server: subprocess.Popen[bytes],
    port: int,
    *,
    path: str = "/health/live",
    tls_proxy: bool = False,
    seconds: float = 120,
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            if Browser(port, tls_proxy=tls_proxy).get(path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer {path} within {seconds:.0f} seconds")


def kill(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL the master and its workers at once: nothing gets to clean up."""
    os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=10)
