"""gunicorn's configuration for Amends in production: `gunicorn` (it reads this file itself).

Every value can be changed from the environment, so the container image and a plain
server share it. See docs/deploy.md.
"""

import multiprocessing
import os

from amends.core.request_log import JSON_FORMATTER

wsgi_app = "amends.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")

# Threaded workers: a slow client ties up one thread, not a whole process. Each thread
# keeps its own database connection (CONN_MAX_AGE), so workers times threads connections
# in all: keep it below PostgreSQL's max_connections.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * multiprocessing.cpu_count(), 8)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))

# A request that takes longer than this is stopped and its worker replaced.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so a slow leak never grows into an outage.
max_requests = 2000
max_requests_jitter = 200
# Request line and header limits (gunicorn's defaults, written down).
limit_request_line = 4094
limit_request_fields = 100

# The proxy in front sets X-Forwarded-Proto; only addresses named here are believed.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# The heartbeat files live in memory, not on the container's writable layer.
SHM = "/dev/shm"  # noqa: S108 - gunicorn's own advice for its heartbeat files
worker_tmp_dir = os.environ.get("GUNICORN_WORKER_TMP_DIR", SHM if os.path.isdir(SHM) else None)
# No control socket: nothing administers gunicorn but its signals.
control_socket_disable = True

# No access log: it would carry query strings. Amends writes one JSON line a request
# (amends/core/request_log.py); gunicorn's own messages are JSON lines too.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": JSON_FORMATTER},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "loggers": {
        "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": [], "propagate": False},
    },
}
