"""Settings for the spinal metastases MDT tracker.

One module for every environment: production differs only through environment
variables (see README "Settings"). Tests add a few overrides in
`config/settings_test.py`.
"""

import base64
import hashlib
import string
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap as xstatic_bootstrap
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_map, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# GENERAL
# ------------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (or set SECRET_KEY_FILE). "
            "On a development machine run with DEBUG=1, as `make run` does: DEBUG=1 .venv/bin/python manage.py ..."
        )
    SECRET_KEY = "insecure-development-key-only-for-debug"  # noqa: S105 - never used with DEBUG off
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# The service's local time: everything is stored in UTC and shown in this zone.
TIME_ZONE = env_str("TIME_ZONE", "Europe/London")
USE_TZ = True
LANGUAGE_CODE = "en-gb"
# 24-hour times wherever no format is given (Django's en_GB default is "2:30 p.m.").
FORMAT_MODULE_PATH = ["config.formats"]
USE_I18N = True

# APPS
# ------------------------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "simple_history",
    "cases",
    "mdt",
    "referrals",
    "live",
    "reminders",
    "accounts",
    "reports",
    "signin",
    "integrations",
    "letters",
    "home",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy header (SECURE_CSP below) on every response.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Cache-Control: no-store on everything a signed-in user is sent (static files excepted).
    "accounts.middleware.NoStoreForSignedInMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # A NUL character in any parameter: 400, before a view or the admin passes it to the database.
    "core.middleware.RejectNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Every page needs a signed-in user unless its view is marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Signs out after SESSION_IDLE_SECONDS idle or SESSION_COOKIE_AGE after sign-in (needs messages).
    "accounts.middleware.SessionLimitsMiddleware",
    # Referrers (clinicians at referring hospitals) reach their referral pages only.
    "accounts.middleware.ReferrerConfinementMiddleware",
    # A password-only session is held at the second-factor pages until it passes one (signin/).
    "signin.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records which user made each change in the history tables.
    "simple_history.middleware.HistoryRequestMiddleware",
]

# History is read-only in the workspace: no "revert" button (core.admin.SafeHistoryAdmin refuses the POST too).
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # {% oneline %} in every template: long lines of markup written over several (core.templatetags.markup).
            "builtins": ["core.templatetags.markup"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.checks",
                "referrals.context_processors.front_door",
            ],
        },
    },
]

# DATABASE
# ------------------------------------------------------------------------------
# PostgreSQL in production and CI (DATABASE_URL=postgres://...); SQLite in the
# project folder by default. Web, worker and beat share the SQLite file, so it
# runs in WAL mode and writers take the lock up front (IMMEDIATE) and wait for
# it (timeout) instead of failing with "database is locked".
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and not env_bool("DB_JIT", False):
    # The app runs short OLTP queries: PostgreSQL's JIT compiles a plan whose estimated cost
    # passes jit_above_cost, which on a report costs more than the query (measured at 100,000
    # patients: 768 ms with JIT, 128 ms without; docs/deploy.md, "PostgreSQL settings").
    # DB_JIT=1 leaves the server's setting alone.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"

# AUTHENTICATION
# ------------------------------------------------------------------------------
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 60 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# SIGN-IN AND SESSION PROTECTION (accounts/)
# ------------------------------------------------------------------------------
# Sign-in goes through the throttle (accounts/throttle.py explains the two counters).
# The second is never asked to authenticate: it labels sessions opened by single sign-on.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend", "signin.backends.SingleSignOnBackend"]
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
LOGIN_COOLOFF_SECONDS = env_int("LOGIN_COOLOFF_SECONDS", 15 * 60, minimum=1)
# Failures from one client address before it is paused; 0 turns the address counter off
# (e.g. when many people share one address through a terminal server).
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 4 * LOGIN_FAILURE_LIMIT, minimum=0)
# Behind a reverse proxy: the header it sets to the client's address (e.g. X-Real-IP).
# Empty: the connection's own address. Never name a header the proxy does not overwrite.
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER")
# Idle limit; SESSION_COOKIE_AGE above is the absolute limit from sign-in. Both enforced
# by accounts.middleware.SessionLimitsMiddleware.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 15 * 60, minimum=60)
# A reviewer can take back a scan review (marked by mistake) for this long after marking it; later,
# the review stands (a coordinator corrects it in the workspace, with history).
SCAN_UNREVIEW_MINUTES = env_int("SCAN_UNREVIEW_MINUTES", 15, minimum=1)
# The meetings list's "open cases on no agenda" (mdt.unlisted, HAZ-028): an open case waiting more than this
# many days since its referral or its last MDT discussion, on no agenda. An operational setting for the
# coordinators' worklist, not a clinical figure (docs/clinical-reference.md gives none).
UNLISTED_CASE_DAYS = env_int("UNLISTED_CASE_DAYS", 14, minimum=1)
# How often a follower's live meeting screen asks whether the shared screen changed (live/).
LIVE_POLL_MS = env_int("LIVE_POLL_MS", 2000, minimum=250)
# The MDT's name and contact details, printed on outcome letters as the sender.
MDT_SERVICE_NAME = env_str("MDT_SERVICE_NAME", "Spinal metastases MDT")
MDT_SERVICE_ADDRESS = env_str("MDT_SERVICE_ADDRESS")
MDT_SERVICE_PHONE = env_str("MDT_SERVICE_PHONE")
MDT_SERVICE_EMAIL = env_str("MDT_SERVICE_EMAIL")
# The 24-hour number printed in the safety-netting box of every patient letter and on the
# information sheet: who a patient calls, day or night, with warning signs of cord compression.
# Set per deployment; a letter cannot be released while it is empty (letters.services).
# The demo (DEBUG) prints a number from the range Ofcom keeps for drama, never a real line.
PATIENT_SAFETY_NET_PHONE = env_str("PATIENT_SAFETY_NET_PHONE", "01632 960000" if DEBUG else "")
# Who answers that number, as the patient should ask for them (e.g. "the acute oncology service").
PATIENT_SAFETY_NET_NAME = env_str("PATIENT_SAFETY_NET_NAME", "the MSCC coordinator")
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # no script here reads the CSRF cookie: forms carry the token
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# SINGLE SIGN-ON AND THE SECOND FACTOR (signin/; docs/deploy.md "Single sign-on")
# ------------------------------------------------------------------------------
# Local usernames and passwords; a trust that signs everyone in through its identity
# provider turns them off (the sign-in page then offers single sign-on only).
PASSWORD_SIGN_IN = env_bool("PASSWORD_SIGN_IN", True)
# A local account must pass a second factor (a one-time code or a passkey) after its
# password; set up at the first sign-in. Off by default only on a development machine.
MFA_REQUIRED = env_bool("MFA_REQUIRED", not DEBUG)
# Wrong second factors before that account's second step is paused for LOGIN_COOLOFF_SECONDS.
MFA_FAILURE_LIMIT = env_int("MFA_FAILURE_LIMIT", LOGIN_FAILURE_LIMIT, minimum=1)
# Passkeys belong to one site name (the host, without port), checked with the page's origin.
WEBAUTHN_RP_ID = env_str("WEBAUTHN_RP_ID")  # empty: the host of each request
WEBAUTHN_RP_NAME = env_str("WEBAUTHN_RP_NAME", "Spinal MDT tracker")
# OpenID Connect: set OIDC_ISSUER to turn single sign-on on.
OIDC_ISSUER = env_str("OIDC_ISSUER").rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = env_str("OIDC_CLIENT_SECRET")  # or OIDC_CLIENT_SECRET_FILE
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "your organisation's account")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid profile email")
# How this app proves itself at the token endpoint: client_secret_basic or client_secret_post (the
# secret), or private_key_jwt (an assertion signed with OIDC_CLIENT_KEY, a PEM private key: set
# OIDC_CLIENT_KEY_FILE, with the key id the provider registered, OIDC_CLIENT_KEY_ID). signin/checks.py.
OIDC_TOKEN_AUTH_METHOD = env_str("OIDC_TOKEN_AUTH_METHOD", "client_secret_basic")
OIDC_CLIENT_KEY = env_str("OIDC_CLIENT_KEY")  # or OIDC_CLIENT_KEY_FILE
OIDC_CLIENT_KEY_ID = env_str("OIDC_CLIENT_KEY_ID")
OIDC_CLIENT_KEY_ALG = env_str("OIDC_CLIENT_KEY_ALG", "RS256")
# Keys retired by a rotation, published beside the current one (never used to sign) until the provider has
# fetched the new set: `kid=path` pairs, comma-separated (signin/oidc/jwks.py, check signin.E007).
OIDC_CLIENT_PREVIOUS_KEY_FILES = env_list("OIDC_CLIENT_PREVIOUS_KEY_FILES", [])
# The authentication assurance a sign-in must have: the ID token's acr is one of these (comma-separated;
# asked for as acr_values). Empty: not checked (Entra ID). CIS2: e.g. AAL3_ANY (docs/deploy.md).
OIDC_ACCEPTED_ACR = env_list("OIDC_ACCEPTED_ACR", [])
# Where the roles are in the ID token (and in the userinfo answer, if OIDC_USERINFO is on):
# Entra ID puts app roles in "roles" (or group ids in "groups"); CIS2 sends
# "nhsid_nrbac_roles" from userinfo, a list of objects whose OIDC_ROLES_KEY is the code.
OIDC_ROLES_CLAIM = env_str("OIDC_ROLES_CLAIM", "roles")
OIDC_ROLES_KEY = env_str("OIDC_ROLES_KEY", "role_code")
OIDC_USERINFO = env_bool("OIDC_USERINFO", False)
# The role table: "claim value=app role" pairs separated by ";" (the app roles are the MDT
# roles, e.g. oncologist, mdt_coordinator, and read_only). Nobody gets a role not listed here.
OIDC_ROLE_MAP = env_str("OIDC_ROLE_MAP")
# Only roles held at these organisations count (ODS codes, comma-separated; CIS2's role objects carry
# org_code). Empty: a role counts wherever it is held.
OIDC_ROLE_ORGANISATIONS = env_list("OIDC_ROLE_ORGANISATIONS", [])
# Seconds of clock difference allowed between this server and the provider.
OIDC_CLOCK_LEEWAY_SECONDS = env_int("OIDC_CLOCK_LEEWAY_SECONDS", 60, minimum=0)
if OIDC_ISSUER and not OIDC_CLIENT_ID:
    raise ImproperlyConfigured("OIDC_ISSUER is set but OIDC_CLIENT_ID is not: both are needed for single sign-on")
if not PASSWORD_SIGN_IN and not OIDC_ISSUER:
    raise ImproperlyConfigured("PASSWORD_SIGN_IN is off and OIDC_ISSUER is not set: nobody could sign in")

# HTTPS AND BROWSER PROTECTIONS (python manage.py check --deploy must stay silent)
# ------------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# Load balancers may probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]


def _proxy_ssl_header(raw: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https")."""
    if not raw:
        return None
    name, sep, value = raw.partition(":")
    name, value = name.strip(), (value.strip() if sep else "https")
    if not name or not value or not name.replace("-", "").isalnum():
        raise ImproperlyConfigured(
            f"SECURE_PROXY_SSL_HEADER={raw!r} is not a header: use e.g. 'X-Forwarded-Proto: https'"
        )
    return "HTTP_" + name.upper().replace("-", "_"), value


# Only behind a proxy that sets this header itself on every request (see docs/deploy.md).
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header(env_str("SECURE_PROXY_SSL_HEADER"))
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 365 * 24 * 60 * 60, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading is a promise to browser makers that is slow to undo: off unless asked for.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]  # W021: "preload is off"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"


def _csp_hash(source: str) -> str:
    return f"'sha256-{base64.b64encode(hashlib.sha256(source.encode()).digest()).decode()}'"


# Everything from this origin; no inline script, no <style> block. The one exception is a
# single style attribute, allowed by its hash: django-simple-history's object history page
# writes style="border-top: 0". Bootstrap's CSS draws small icons from data: URIs.
# tests/accounts/test_csp_browser.py opens the admin in Chromium and fails on any violation.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_HASHES, _csp_hash("border-top: 0")],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
}

# STATIC FILES
# ------------------------------------------------------------------------------
# Bootstrap comes from the xstatic-bootstrap package, never from a CDN: hospital
# networks often block them, and a strict Content Security Policy forbids them.
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", xstatic_bootstrap.BASE_DIR),
]
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

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# EMAIL
# ------------------------------------------------------------------------------
# Django 6.1 mailers. The console backend prints mail while developing.
_EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
_SMTP_OPTIONS = {
    "host": env_str("EMAIL_HOST", "localhost"),
    "port": env_int("EMAIL_PORT", 25, minimum=1),
    "username": env_str("EMAIL_HOST_USER"),
    "password": env_str("EMAIL_HOST_PASSWORD"),
    "use_tls": env_bool("EMAIL_USE_TLS", False),
    "timeout": env_int("EMAIL_TIMEOUT", 30, minimum=1),
}
MAILERS = {
    "default": {
        "BACKEND": _EMAIL_BACKEND,
        "OPTIONS": _SMTP_OPTIONS if _EMAIL_BACKEND.endswith("smtp.EmailBackend") else {},
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "mdt-tracker@localhost")

# CELERY
# ------------------------------------------------------------------------------
# Redis only carries work; the database is the source of truth. The schedule
# itself lives in config/celery.py.
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
# Two queues, each with workers of its own (Procfile: `worker` and `printer`). Laying out PDFs takes
# seconds of CPU per document; on the default queue a few agenda packs at once would hold the
# reminder sends behind them. The printer's work goes to its own queue, so reminders never wait for
# a PDF, and the printer's processes (two in the Procfile) bound how many cores layout takes from the web.
CELERY_TASK_DEFAULT_QUEUE = "celery"
PRINT_QUEUE = "print"
CELERY_TASK_ROUTES = {
    "mdt.tasks.build_document": {"queue": PRINT_QUEUE},
    "mdt.tasks.prepare_pack": {"queue": PRINT_QUEUE},
    "mdt.tasks.print_heartbeat": {"queue": PRINT_QUEUE},
}

# THE SERVICE
# ------------------------------------------------------------------------------
# NICE pathway targets: value, unit, source and version per timer key (docs/clinical-reference.md §7.1).
CLINICAL_TARGETS_FILE = Path(env_str("CLINICAL_TARGETS_FILE", str(BASE_DIR / "config" / "clinical_targets.toml")))
# Working days (a referral's plan clock) skip the bank holidays of this part of the UK (core.workdays):
# ENG (England and Wales), SCT, NIR, or "none" for weekends only.
BANK_HOLIDAYS = env_str("BANK_HOLIDAYS", "ENG")
if BANK_HOLIDAYS not in ("ENG", "WLS", "SCT", "NIR", "none"):
    raise ImproperlyConfigured(
        f"BANK_HOLIDAYS={BANK_HOLIDAYS!r} must be ENG (England and Wales), WLS, SCT, NIR or none"
    )
# Patients' letters: the reading-level target with its source (letters.readability).
PATIENT_LETTERS_FILE = Path(env_str("PATIENT_LETTERS_FILE", str(BASE_DIR / "config" / "patient_letters.toml")))
# A periodic run older than this makes /healthz report the scheduler as stale.
PERIODIC_STALE_AFTER_SECONDS = env_int("PERIODIC_STALE_AFTER_SECONDS", 5 * 60, minimum=60)

# REMINDERS (reminders/)
# ------------------------------------------------------------------------------
# Operational times chosen by the service, not clinical targets: the NICE targets live in
# CLINICAL_TARGETS_FILE. Each can be set per trust through the environment.
# The site's address, for the links in reminder emails (emails leave the app: no patient names).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# INTEGRATIONS (docs/integration.md)
# ------------------------------------------------------------------------------
# The base of the app's own FHIR code systems and identifier systems: stable names, so set it
# once per service (to the address its FHIR API is published at) and never change it.
FHIR_SYSTEM_BASE = env_str("FHIR_SYSTEM_BASE", f"{SITE_URL}/fhir").rstrip("/")
# The identifier system of the hospital number (MRN) in FHIR, e.g. https://fhir.<trust>.nhs.uk/Id/mrn.
FHIR_MRN_SYSTEM = env_str("FHIR_MRN_SYSTEM", f"{FHIR_SYSTEM_BASE}/Id/mrn")
FHIR_PAGE_SIZE = env_int("FHIR_PAGE_SIZE", 50, minimum=1)
FHIR_MAX_PAGE_SIZE = env_int("FHIR_MAX_PAGE_SIZE", 200, minimum=1)
# The PACS viewer: {accession} and {study_uid} are filled in (URL-quoted); empty: no "Open images" link.
PACS_VIEWER_URL = env_str("PACS_VIEWER_URL", "")
_pacs_fields = {name for _, name, _, _ in string.Formatter().parse(PACS_VIEWER_URL) if name}
_pacs_scheme_ok = PACS_VIEWER_URL.startswith(("https://", "http://"))
if PACS_VIEWER_URL and (not _pacs_scheme_ok or _pacs_fields - {"accession", "study_uid"}):
    raise ImproperlyConfigured(
        f"PACS_VIEWER_URL={PACS_VIEWER_URL!r}: give an http(s) address whose only fields are {{accession}} and "
        "{study_uid}, e.g. https://pacs.example/viewer?acc={accession}&uid={study_uid}"
    )
# The HL7 v2 feed listener (manage.py hl7_listener): where it listens and how much it accepts.
HL7_HOST = env_str("HL7_HOST", "127.0.0.1")
HL7_PORT = env_int("HL7_PORT", 2575, minimum=1)
HL7_MAX_MESSAGE_BYTES = env_int("HL7_MAX_MESSAGE_BYTES", 1_000_000, minimum=1024)
HL7_MAX_CONNECTIONS = env_int("HL7_MAX_CONNECTIONS", 8, minimum=1)
HL7_IDLE_TIMEOUT_SECONDS = env_int("HL7_IDLE_TIMEOUT_SECONDS", 300, minimum=1)
# The national datasets (COSD, cancer waiting times): the ODS site code of the service's own treating site.
DATASET_PROVIDER_SITE = env_str("DATASET_PROVIDER_SITE", "")
# The username the feed's changes are recorded under in the history (created when first needed).
HL7_FEED_USERNAME = env_str("HL7_FEED_USERNAME", "pas-feed")
# The PAS's local procedure codes (BAR^P01, PR1-3) -> the app's treatments (mdt Treatment keys), for the
# delivery of decided treatments: "CODE=treatment,..." (docs/integration.md). Empty: every code needs review.
HL7_PROCEDURE_TREATMENTS = env_map("HL7_PROCEDURE_TREATMENTS", {})
# The discharge dispositions (ADT^A03 PV1-36) that say the patient died: HL7 table 0112's deaths by default;
# a PAS that sends its own codes (e.g. the NHS discharge destination 79, "patient died or still birth") lists
# them here, after checking its interface specification (docs/integration.md; HAZ-061).
HL7_DEATH_DISPOSITIONS = env_list("HL7_DEATH_DISPOSITIONS", ["20", "40", "41", "42"])
# Usernames (comma-separated) that receive, as the last resort, any reminder whose roles nobody active holds
# (reminders.kinds.base.Run.users_with_roles; HAZ-021). Inactive or unknown names are skipped; checks
# reminders.W001 (empty with DEBUG off) and reminders.E001 (a name with no account).
REMINDER_LAST_RESORT_USERNAMES = env_list("REMINDER_LAST_RESORT_USERNAMES", [])
# A performed MRI not reviewed after this many hours reminds the radiologists; after twice as
# long the case's responsible clinician; after three times, the MSCC coordinators.
REMINDER_MRI_REVIEW_HOURS = env_int("REMINDER_MRI_REVIEW_HOURS", 24, minimum=1)
# The agenda email goes to the team this many hours before a meeting starts.
REMINDER_AGENDA_HOURS_BEFORE = env_int("REMINDER_AGENDA_HOURS_BEFORE", 24, minimum=1)
# An agenda item still "listed" this many hours after its meeting ended: remind the chair.
REMINDER_OUTCOME_HOURS = env_int("REMINDER_OUTCOME_HOURS", 24, minimum=1)
# A sign-off still pending this many hours after the decision: remind the clinician named on it.
REMINDER_SIGNOFF_HOURS = env_int("REMINDER_SIGNOFF_HOURS", 24, minimum=1)
# "Follow-up due soon" goes out this many days before it is due (0: on the day).
REMINDER_FOLLOW_UP_DAYS_BEFORE = env_int("REMINDER_FOLLOW_UP_DAYS_BEFORE", 3, minimum=0)
# Steroids still recorded as active this many days after treatment started (docs/clinical-reference.md §7.4:
# the taper length is UNVERIFIED, so this is the service's choice, not a clinical rule).
REMINDER_STEROIDS_DAYS_AFTER_TREATMENT = env_int("REMINDER_STEROIDS_DAYS_AFTER_TREATMENT", 7, minimum=1)
# Date-based reminders (follow-ups) go out at this hour of the service's local day.
REMINDER_DAY_START_HOUR = env_int("REMINDER_DAY_START_HOUR", 8, minimum=0)
if REMINDER_DAY_START_HOUR > 23:
    raise ImproperlyConfigured(f"REMINDER_DAY_START_HOUR={REMINDER_DAY_START_HOUR} must be an hour from 0 to 23")
# The sweep claims due rows this many at a time, and stops claiming after the time budget
# (seconds) so that it ends well inside CELERY_TASK_SOFT_TIME_LIMIT; the next sweep goes on.
REMINDER_BATCH_SIZE = env_int("REMINDER_BATCH_SIZE", 500, minimum=1)
REMINDER_SWEEP_BUDGET_SECONDS = env_int("REMINDER_SWEEP_BUDGET_SECONDS", 40, minimum=1)
# A claimed row whose send task never started (its message lost with Redis) is claimed again
# after this long. Safe at any value: a late message finds its claim superseded and does nothing.
REMINDER_CLAIM_TIMEOUT_SECONDS = env_int("REMINDER_CLAIM_TIMEOUT_SECONDS", 60, minimum=1)
# A row whose send started but never finished (the worker died) is sent again after this
# long. It must exceed the task time limit, or a slow send could be repeated.
REMINDER_SENDING_TIMEOUT_SECONDS = env_int("REMINDER_SENDING_TIMEOUT_SECONDS", 10 * 60, minimum=1)
if REMINDER_SENDING_TIMEOUT_SECONDS <= CELERY_TASK_TIME_LIMIT:
    raise ImproperlyConfigured(
        f"REMINDER_SENDING_TIMEOUT_SECONDS={REMINDER_SENDING_TIMEOUT_SECONDS} must exceed the task time limit "
        f"({CELERY_TASK_TIME_LIMIT} s), or a send still running could be repeated"
    )
# A PDF waiting this long for the print worker is asked for again at the next request (its message
# was lost, e.g. with a Redis restart); a second build of the same document does nothing.
PRINT_REQUEUE_AFTER_SECONDS = env_int("PRINT_REQUEUE_AFTER_SECONDS", 120, minimum=10)
# Delivery tries before a reminder is marked failed (a coordinator can resend it from the
# admin); between tries the send task backs off exponentially from REMINDER_RETRY_SECONDS.
REMINDER_MAX_ATTEMPTS = env_int("REMINDER_MAX_ATTEMPTS", 5, minimum=1)
REMINDER_RETRY_SECONDS = env_int("REMINDER_RETRY_SECONDS", 30, minimum=1)
REMINDER_RETRY_MAX_SECONDS = env_int("REMINDER_RETRY_MAX_SECONDS", 30 * 60, minimum=1)
# /healthz counts a reminder as overdue once it is this late and still unsent.
REMINDER_OVERDUE_AFTER_SECONDS = env_int("REMINDER_OVERDUE_AFTER_SECONDS", 5 * 60, minimum=60)

# REFERRALS (referrals/: the front door)
# ------------------------------------------------------------------------------
# Referrers sign up with a work email on one of these domains (and confirm it by a one-time link).
REFERRER_EMAIL_DOMAINS = [d.lower().lstrip("@") for d in env_list("REFERRER_EMAIL_DOMAINS", ["nhs.net"])]
# Confirmed referrers on these domains are approved at once; others wait for a coordinator.
REFERRER_AUTO_APPROVE_DOMAINS = [d.lower().lstrip("@") for d in env_list("REFERRER_AUTO_APPROVE_DOMAINS", ["nhs.net"])]

# LOGGING
# ------------------------------------------------------------------------------
# Log lines carry ids only, never names or clinical text.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
