# syntax=docker/dockerfile:1
# Amends' container image: `docker compose up` (compose.yaml) or `docker build -t amends .`
# Three stages: the stylesheet built with Node, the Python packages installed with uv from
# the lock file, and a final image with neither Node nor uv nor a compiler in it, running
# as a user without privileges. See docs/deploy.md.

# 1. The front end: GOV.UK Frontend and MOJ Frontend compiled with our brand.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ frontend/
RUN npm run --silent build

# 2. The Python packages, exactly as uv.lock pins them, without the development tools.
FROM python:3.11-slim-bookworm AS python
COPY --from=ghcr.io/astral-sh/uv:0.13 /uv /usr/local/bin/uv
ENV UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv sync --locked --no-dev --no-install-project

# 3. What runs: the application, its packages and its built static files.
FROM python:3.11-slim-bookworm AS runtime
# WeasyPrint's libraries (PDFs), fonts for them, and pg_dump/pg_restore for backups.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
      postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 amends \
 && useradd --system --uid 10001 --gid amends --home-dir /app --shell /usr/sbin/nologin amends \
 && install -d -o amends -g amends -m 0700 /var/lib/amends
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DEBUG=false \
    AMENDS_VAR_DIR=/var/lib/amends
WORKDIR /app
COPY --from=python /opt/venv /opt/venv
COPY . .
COPY --from=frontend /src/static/dist static/dist
# Hashed, compressed static files, served by WhiteNoise. Placeholder secrets: collectstatic
# needs settings to load, and nothing it writes depends on them.
RUN SECRET_KEY=collectstatic-only AUDIT_CHAIN_KEY=collectstatic-only \
    FIELD_ENCRYPTION_KEYS=Y29sbGVjdHN0YXRpYy1vbmx5LW5vdC1hLXJlYWwta2U= \
    AMENDS_VAR_DIR=/tmp/collectstatic python manage.py collectstatic --noinput -v0 \
 && rm -rf /tmp/collectstatic
USER amends:amends
VOLUME ["/var/lib/amends"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8000/health/live', timeout=4)"]
CMD ["gunicorn", "--config", "gunicorn.conf.py"]
