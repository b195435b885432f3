"""Amends settings: one file, driven by the environment.

Development defaults (DEBUG on, SQLite in var/, secrets generated into
var/dev-secrets.json) are safe on one laptop. With DEBUG=false every secret must
come from the environment and `manage.py check --deploy` passes.
"""

import datetime
import ipaddress
import json
import os
import secrets
from pathlib import Path

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from amends.core.request_log import JSON_FORMATTER

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("AMENDS_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)


def _dev_secrets() -> dict[str, str]:
    """Secrets for a development machine, made once and kept out of git."""
    path = VAR_DIR / "dev-secrets.json"
    data: dict[str, str] = json.loads(path.read_text()) if path.exists() else {}
    wanted = {
        "SECRET_KEY": lambda: secrets.token_urlsafe(50),
        "FIELD_ENCRYPTION_KEYS": lambda: Fernet.generate_key().decode(),
        "AUDIT_CHAIN_KEY": lambda: secrets.token_urlsafe(32),
    }
    missing = {name: make() for name, make in wanted.items() if name not in data}
    if missing:
        # A secret added since the file was made joins it; the others are kept.
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        data.update(missing)
        path.write_text(json.dumps(data))
        path.chmod(0o600)
    return data


def _secret(name: str) -> str:
    value = os.environ.get(name, "")
    if value:
        return value
    if DEBUG:
        return _dev_secrets()[name]
    raise ImproperlyConfigured(f"{name} must be set in the environment when DEBUG is off.")


SECRET_KEY = _secret("SECRET_KEY")
# Keys for the encrypted personal-data fields: a comma-separated list of
# Fernet keys, newest first. Never SECRET_KEY. See docs/security.md.
FIELD_ENCRYPTION_KEYS = [k.strip() for k in _secret("FIELD_ENCRYPTION_KEYS").split(",") if k]
# The key that seals the audit log's chain (core/audit_chain.py). Kept outside
# the database, so someone who can edit the database cannot re-seal an edit.
AUDIT_CHAIN_KEY = _secret("AUDIT_CHAIN_KEY")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "django_htmx",
    "csp",
    "amends.core",
    "amends.accounts",
    "amends.people",
    "amends.referrals",
    "amends.cases",
    "amends.meetings",
    "amends.agreements",
    "amends.documents",
    "amends.privacy",
    "amends.home",
    "amends.demo",
    "amends.outcomes",
    "amends.website",
    "amends.training",
    "amends.reports",
    "amends.practitioners",
    "amends.housing",
    "amends.custody",
    "amends.schools",
    # Background work and the API for agency systems (docs/decisions/0008).
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves its documentation page's scripts from our own static files
    "amends.tasks",
    "amends.imports",
    "amends.exports",
    "amends.api",
    "amends.groups",
    "amends.notify",
    # Welsh and English for the public (docs/decisions/0018).
    "amends.welsh",
]

MIDDLEWARE = [
    # First: probes are answered before the host check and the HTTPS redirect.
    "amends.core.health.HealthCheckMiddleware",
    "amends.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The visitor's language: the language cookie, else their browser's (docs/decisions/0018).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After AccountMiddleware, so a locked-out sign-in gets the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "amends.core.middleware.SessionLimitsMiddleware",
    "amends.accounts.middleware.SecondFactorRequiredMiddleware",
    "amends.core.middleware.CurrentMembershipMiddleware",
    "amends.core.vocabulary.SectorWordsMiddleware",
    "amends.home.middleware.RecordElsewhereMiddleware",
    "amends.core.middleware.NoStoreMiddleware",
    "amends.api.middleware.ApiCallAuditMiddleware",
]

ROOT_URLCONF = "amends.urls"
WSGI_APPLICATION = "amends.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "amends.core.context_processors.amends",
                "amends.website.context_processors.website",
                "amends.core.context_processors.words",
            ],
            "builtins": [
                "amends.core.templatetags.govuk",
                "amends.core.templatetags.words",
                "django.templatetags.i18n",
            ],
        },
    }
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: SQLite in var/ by default, PostgreSQL in production via DATABASE_URL.
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'amends.sqlite3'}",
        # Each worker keeps its connection between requests, checked before reuse.
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers carry on while one writer writes; IMMEDIATE takes
        # the write lock at the start of a transaction, so two writers queue
        # instead of failing half-way with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file, not shared-cache memory, so concurrent writers queue
    # on the lock as they do in production instead of failing at once.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-amends.sqlite3")}
# Reports may read from a replica (amends/core/replica.py); without one, from the default.
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
    # Tests read the replica as the default database itself (no second test database).
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# PostgreSQL's just-in-time compiler is off: it compiles a report's counting query afresh on
# every run, which at 20,000 cases took 750 ms of the funnel report's 1,100 (docs/scaling.md).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASE_ROUTERS = ["amends.core.replica.ReportReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out account and address is refused before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

# django-allauth: e-mail sign-in; accounts are made by invitation, not sign-up.
ACCOUNT_ADAPTER = "amends.accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "Amends: "
ACCOUNT_PREVENT_ENUMERATION = True
# No e-mail to addresses without an account: a reset form must not send mail to strangers.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
# django-axes locks an account at an address after 5 failures (below); allauth's
# wider limits catch one address trying many accounts, and guessing of
# second-factor codes (10 per 5 minutes per account).
ACCOUNT_RATE_LIMITS = {"login_failed": "20/m/ip,10/5m/key"}
# Asking for the password again before adding or removing a second factor.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_FORMS = {
    name: f"amends.accounts.forms.{cls}"
    for name, cls in [
        ("login", "LoginForm"),
        ("reauthenticate", "ReauthenticateForm"),
        ("reset_password", "ResetPasswordForm"),
        ("reset_password_from_key", "ResetPasswordKeyForm"),
        ("change_password", "ChangePasswordForm"),
        ("set_password", "SetPasswordForm"),
        ("add_email", "AddEmailForm"),
    ]
}

# Multi-factor sign-in (allauth.mfa): an authenticator app with recovery codes,
# or passkeys. SecondFactorRequiredMiddleware sends anyone who can see personal
# data to enrol; platform administrators must have a passkey.
MFA_ADAPTER = "amends.accounts.adapters.MFAAdapter"
MFA_FORMS = {
    name: f"amends.accounts.forms.{cls}"
    for name, cls in [
        ("authenticate", "AuthenticateForm"),
        ("reauthenticate", "MFAReauthenticateForm"),
        ("activate_totp", "ActivateTOTPForm"),
        ("add_webauthn", "AddWebAuthnForm"),
        ("edit_webauthn", "EditWebAuthnForm"),
    ]
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_PASSKEY_SIGNUP_ENABLED = False
MFA_TOTP_ISSUER = "Amends"
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
MFA_TRUST_ENABLED = False
# Passkeys need a secure origin; http://localhost counts as one for browsers.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG

# Lockout (django-axes): 5 failed sign-ins from one address for one account
# lock that pair out for 30 minutes. Amends' own audit log records every
# attempt, so axes keeps only its counters, not a second log.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
AXES_USERNAME_CALLABLE = "amends.accounts.lockout.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# Axes would log each attempt with the e-mail address; logs carry no personal data.
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_SENSITIVE_PARAMETERS = ["password", "csrfmiddlewaretoken"]
# The same client address the audit log records.
AXES_CLIENT_IP_CALLABLE = "amends.core.audit.client_ip"

# Sessions: 30 minutes idle, 12 hours in all (SessionLimitsMiddleware).
SESSION_IDLE_SECONDS = 30 * 60
SESSION_ABSOLUTE_SECONDS = 12 * 60 * 60
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Security headers. Production (DEBUG off) adds HTTPS-only cookies with the
# __Host- prefix, HSTS for a year and the HTTPS redirect.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = 31_536_000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_bool("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Proxies (addresses or networks) whose X-Forwarded-For is believed for the client's
# address, which the audit log and lockout record (core/request_log.py).
TRUSTED_PROXIES = [ipaddress.ip_network(n, strict=False) for n in env_list("TRUSTED_PROXIES")]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# E-mail: SMTP when EMAIL_HOST is set, otherwise printed to the console.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Amends <no-reply@amends.invalid>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
# The public site, request form, feedback form and certificate checks speak both (the
# Welsh Language Standards); staff pages are marked for translation as they are written.
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "amends_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = Path(os.environ.get("AMENDS_UPLOAD_DIR", VAR_DIR / "uploads"))

# Logs carry no personal data: no request bodies, no form values, no query strings.
# In production one JSON object a line (core/request_log.py), with a line for each
# request; in development plain text, without the request lines runserver prints itself.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": JSON_FORMATTER,
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # django-axes writes e-mail addresses into its INFO messages.
        "axes": {"level": "WARNING"},
        "amends.request": {"level": "INFO" if LOG_FORMAT == "json" else "WARNING"},
    },
}

AMENDS_PAGE_SIZE = 25

# The public website (amends/website). It belongs to the organisation named here, or else the
# first consultancy. Forms sent on it are refused when sent faster than a person could fill
# them in, and limited per address (allauth's rate limiter, as for sign-in).
AMENDS_WEBSITE_ORGANISATION = os.environ.get("AMENDS_WEBSITE_ORGANISATION", "")
WEBSITE_FORM_MIN_SECONDS = 3
ACCOUNT_RATE_LIMITS["website_form"] = "10/10m/ip"
# Training: an offer of a place from the waiting list lasts this many days, then passes to
# the next person; enrolled people get a reminder this many days before their course.
TRAINING_OFFER_DAYS = int(os.environ.get("TRAINING_OFFER_DAYS", "5"))
TRAINING_REMINDER_DAYS = int(os.environ.get("TRAINING_REMINDER_DAYS", "7"))
# Background work: django-tasks with its database back end; `manage.py db_worker` runs the
# tasks (`make run` starts one beside the web server). See docs/decisions/0008.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# How often a failing delivery is tried, and how long to wait between tries (doubling).
AMENDS_TASK_MAX_ATTEMPTS = int(os.environ.get("AMENDS_TASK_MAX_ATTEMPTS", "8"))
AMENDS_TASK_FIRST_RETRY_SECONDS = int(os.environ.get("AMENDS_TASK_FIRST_RETRY_SECONDS", "30"))
# Imports (amends/imports) of more rows than this are checked and saved in the background.
AMENDS_IMPORT_BACKGROUND_ROWS = int(os.environ.get("AMENDS_IMPORT_BACKGROUND_ROWS", "2000"))
# Exports (amends/exports) of more rows than this are made in the background, and their
# files kept (encrypted, for the member who asked) for this many days.
AMENDS_EXPORT_BACKGROUND_ROWS = int(os.environ.get("AMENDS_EXPORT_BACKGROUND_ROWS", "10000"))
AMENDS_EXPORT_KEEP_DAYS = int(os.environ.get("AMENDS_EXPORT_KEEP_DAYS", "7"))

# The API for agency systems (amends/api): requests a minute for each key, and how long
# a webhook receiver has to answer.
AMENDS_API_RATE = os.environ.get("AMENDS_API_RATE", "120/min")
AMENDS_WEBHOOK_TIMEOUT_SECONDS = 10
# Plain http:// webhook addresses, for trying the API on one machine only.
AMENDS_WEBHOOK_ALLOW_HTTP = env_bool("AMENDS_WEBHOOK_ALLOW_HTTP", DEBUG)

# Messages to people (amends/notify): e-mail through Django's mail ("smtp") or GOV.UK Notify
# ("notify"); texts through Notify, or none. See docs/deploy.md.
AMENDS_EMAIL_SERVICE = os.environ.get("AMENDS_EMAIL_SERVICE", "smtp")
AMENDS_TEXT_SERVICE = os.environ.get("AMENDS_TEXT_SERVICE", "")
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
NOTIFY_EMAIL_TEMPLATE_ID = os.environ.get("NOTIFY_EMAIL_TEMPLATE_ID", "")
NOTIFY_TEXT_TEMPLATE_ID = os.environ.get("NOTIFY_TEXT_TEMPLATE_ID", "")
if AMENDS_EMAIL_SERVICE not in {"smtp", "notify"} or AMENDS_TEXT_SERVICE not in {"", "notify"}:
    raise ImproperlyConfigured(
        'AMENDS_EMAIL_SERVICE must be "smtp" or "notify"; AMENDS_TEXT_SERVICE "notify" or empty'
    )
if "notify" in {AMENDS_EMAIL_SERVICE, AMENDS_TEXT_SERVICE} and not NOTIFY_API_KEY:
    raise ImproperlyConfigured("GOV.UK Notify is chosen for messages: set NOTIFY_API_KEY")
