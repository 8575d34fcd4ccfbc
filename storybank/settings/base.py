"""Settings shared by every environment.

With no environment variables at all the site runs on SQLite, local media
under ``var/`` and the embedded search backend. Each production engine is
switched on by one environment variable (see ``production.py`` and README).
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url

from .languages import DEFAULT_LANGUAGE, LANGUAGE_FALLBACKS, LANGUAGES  # noqa: F401  (re-exported)
from .machine_translation import machine_translator

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("STORYBANK_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_list(name: str, default: str = "") -> list[str]:
    """Comma-separated environment variable as a list of stripped values."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-change-me")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

INSTALLED_APPS = [
    # Our apps first so their templates and commands win.
    "storybank.core",
    "storybank.taxonomy",
    "storybank.assets",
    "storybank.home",
    "storybank.stories",
    "storybank.products",
    "storybank.culture",
    # Before the feeds: its content_changed receiver brings translation states up to date before the feeds
    # build items from them; before wagtail_localize: its admin hooks and addresses answer first.
    "storybank.translations",
    "storybank.demo",
    "storybank.feeds",
    "storybank.governance",
    "storybank.analytics",
    "storybank.press",
    "storybank.public",
    "storybank.lightboxes",
    "storybank.operations",
    "search",
    "media_pipeline",
    # Wagtail and translation.
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "storybank.governance.apps.GovernedUsersConfig",  # wagtail.users; only superusers grant superuser
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
]

# Requests run down this list and responses back up it; the order matters.
MIDDLEWARE = [
    # First: counts responses labelled X-LaoCai-Count (pages, press downloads, feed pulls) on their way
    # out, above every middleware that answers from a cache, so cached pages are counted too.
    "storybank.analytics.middleware.AnalyticsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside everything that may answer (static files and the page cache included): every response gets
    # the security policy headers (SECURITY_POLICY_HEADERS).
    "storybank.core.middleware.SecurityPolicyMiddleware",
    # Outside everything that may fail (CSRF, unknown URLs, a method not allowed, a view's error): errors on
    # API and feed URLs become JSON (MACHINE_URL_PREFIXES).
    "storybank.core.middleware.MachineErrorsMiddleware",
    # Static files are answered here, before sessions and languages are looked at.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # After sessions (it may use session data), before CommonMiddleware (which needs the language to resolve URLs).
    "storybank.core.middleware.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Turns a retracted page's 404 into 410 Gone with its notice; above the redirects, so a redirect
    # an editor sets up for the address wins (it sees the 404 first).
    "storybank.public.retracted.RetractedPageMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # A POST (publish, unpublish, an asset saved…) commits whole with its feed, search and cache updates;
    # below the redirects and above the cache, which never answers a POST.
    "storybank.core.transactions.WriteRequestTransactionMiddleware",
    # Below everything that must see cached pages too (analytics, security headers, language):
    # a hit is answered here. See PUBLIC_PAGE_CACHE_SECONDS.
    "storybank.public.cache.PageCacheMiddleware",
    # Logs exports (press kits, the annual report, admin spreadsheets) as they leave; it needs the
    # resolved URL and the signed-in user. Exports are never cached, so it sits below the cache.
    "storybank.governance.audit.ExportAuditMiddleware",
    # Records downloads by press accounts (audit and KPI) from the analytics label; needs the signed-in user.
    "storybank.press.downloads.PressDownloadMiddleware",
]

ROOT_URLCONF = "storybank.urls"
WSGI_APPLICATION = "storybank.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# --- Database: SQLite under var/ unless DATABASE_URL says otherwise. -------
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'storybank.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes write the embedded database (gunicorn workers, the task
    # and push workers, the scheduler): WAL lets readers go on while one writes,
    # every transaction takes the write lock when it begins (IMMEDIATE: no
    # "database is locked" half-way through a transaction that read first), and
    # a writer waits up to SQLITE_BUSY_TIMEOUT_SECONDS for its turn.
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": float(os.environ.get("SQLITE_BUSY_TIMEOUT_SECONDS", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    })
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache: local memory unless REDIS_URL is set. --------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Background tasks (Django's task framework, backported by django-tasks).
# Immediate by default so a newcomer needs no worker; the database backend
# (run ``manage.py db_worker``) when TASKS_BACKEND=database, as in compose.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "immediate")
#: A task still RUNNING after this long lost its worker; the next worker to start runs it again.
TASKS_STALE_AFTER_SECONDS = int(os.environ.get("TASKS_STALE_AFTER_SECONDS", "1800"))
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Journalists sign in on the public site (press accounts); editors use the admin's own login page.
LOGIN_URL = "press_accounts:sign_in"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages -------------------------------------------------------------
LANGUAGE_CODE = DEFAULT_LANGUAGE
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# The project's catalogues first; then Vietnamese for Wagtail's and wagtail-localize's own strings that their
# catalogues lack or get wrong (locales/wagtail: written by people, not by `make messages`).
LOCALE_PATHS = [BASE_DIR / "locales", BASE_DIR / "locales" / "wagtail"]
# Formats of the languages Django has no data for (H'Mông writes dates the Vietnamese way).
FORMAT_MODULE_PATH = ["storybank.settings.formats"]
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
# Editors work in Vietnamese or English.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]

# --- Static and media ------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "storybank" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"

# Media live in an S3-compatible object store (MinIO, AWS S3) when a bucket is configured.
AWS_STORAGE_BUCKET_NAME = os.environ.get("S3_BUCKET", "")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL") or None
    AWS_ACCESS_KEY_ID = os.environ.get("S3_ACCESS_KEY_ID", "")
    AWS_SECRET_ACCESS_KEY = os.environ.get("S3_SECRET_ACCESS_KEY", "")
    AWS_S3_REGION_NAME = os.environ.get("S3_REGION", "us-east-1")
    AWS_QUERYSTRING_AUTH = True
    AWS_QUERYSTRING_EXPIRE = int(os.environ.get("S3_SIGNED_URL_SECONDS", "900"))
    AWS_DEFAULT_ACL = None
    AWS_S3_FILE_OVERWRITE = False
    # MinIO and most S3-compatible stores want path-style addresses (http://minio:9000/bucket/key).
    AWS_S3_ADDRESSING_STYLE = os.environ.get("S3_ADDRESSING_STYLE", "path")
    AWS_S3_SIGNATURE_VERSION = "s3v4"
    # The address browsers use for signed URLs when the app reaches the store
    # by an internal name (http://minio:9000 in docker-compose).
    AWS_S3_PUBLIC_ENDPOINT_URL = os.environ.get("S3_PUBLIC_ENDPOINT_URL", "")

STORAGES = {
    # The bucket through media_pipeline.storage.S3Storage (signed URLs for the public address), else var/media.
    "default": {"BACKEND": "media_pipeline.storage.S3Storage" if AWS_STORAGE_BUCKET_NAME
                else "django.core.files.storage.FileSystemStorage"},
    # production.py serves hashed, compressed files instead (collected when the image is built).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Search ----------------------------------------------------------------
# The product's search is configured in the search/ section below.
# Wagtail's own admin search stays on the database.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}

# --- Wagtail ---------------------------------------------------------------
WAGTAIL_SITE_NAME = "Câu chuyện Lào Cai"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILIMAGES_IMAGE_MODEL = "assets.LaoCaiImage"
WAGTAILDOCS_DOCUMENT_MODEL = "assets.MediaAsset"
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp", "avif", "heic"]
WAGTAILDOCS_EXTENSIONS = [
    "mp4", "webm", "mov", "mp3", "m4a", "ogg", "wav", "pdf", "docx", "xlsx", "odt", "txt",
]
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}


# ===========================================================================
# Settings of the product's parts. Each part keeps its settings in its own
# section below, read from the environment where they vary by deployment.
# ===========================================================================

# --- search/ ---------------------------------------------------------------
# Embedded search (in the site's database) unless a cluster URL is set:
# OPENSEARCH_URL (OpenSearch 2/3) or ELASTICSEARCH_URL (Elasticsearch 8) name the engine;
# SEARCH_URL leaves it to the cluster's own answer (GET /), or to SEARCH_ENGINE.
# Credentials and TLS go in the URL: https://user:password@search.example.org:9200
OPENSEARCH_URL = os.environ.get("OPENSEARCH_URL", "")
ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "")
SEARCH_CLUSTER_URL = os.environ.get("SEARCH_URL", "") or OPENSEARCH_URL or ELASTICSEARCH_URL
SEARCH_ENGINE = os.environ.get("SEARCH_ENGINE", "") or (
    "opensearch" if OPENSEARCH_URL else "elasticsearch" if ELASTICSEARCH_URL else "auto")
SEARCH_BACKEND = "cluster" if SEARCH_CLUSTER_URL else "embedded"
SEARCH_INDEX_ALIAS = os.environ.get("SEARCH_INDEX_ALIAS", "laocai-search")
SEARCH_CLUSTER_TIMEOUT = float(os.environ.get("SEARCH_CLUSTER_TIMEOUT", "10"))
# Replicas of the cluster's index (0 suits a single node, as in docker-compose).
SEARCH_CLUSTER_REPLICAS = int(os.environ.get("SEARCH_CLUSTER_REPLICAS", "0"))
# A CA bundle for a cluster whose TLS certificate is not publicly trusted.
SEARCH_CLUSTER_CA_CERTS = os.environ.get("SEARCH_CLUSTER_CA_CERTS", "")
# Amazon OpenSearch Service with IAM: requests are signed with SigV4 for this region
# (service "es"; "aoss" for OpenSearch Serverless), credentials from boto3's usual chain.
SEARCH_AWS_REGION = os.environ.get("SEARCH_AWS_REGION", "")
SEARCH_AWS_SERVICE = os.environ.get("SEARCH_AWS_SERVICE", "es")
# Facet counts and totals of the embedded backend are cached (in CACHES) until the
# index changes or an item enters or leaves its visibility window; 0 turns it off.
SEARCH_FACET_CACHE_SECONDS = int(os.environ.get("SEARCH_FACET_CACHE_SECONDS", "300"))
# SQLite reads the embedded index through memory-mapped I/O (bytes; 0 turns it off).
SEARCH_SQLITE_MMAP_SIZE = int(os.environ.get("SEARCH_SQLITE_MMAP_SIZE", str(512 * 1024 * 1024)))
# The embedded backend's tantivy index (one folder per database); see search/backends/embedded/.
SEARCH_INDEX_DIR = Path(os.environ.get("SEARCH_INDEX_DIR", VAR_DIR / "search-index"))
# Seconds a committed write waits for another process's writer before leaving its change to the next one.
SEARCH_INDEX_WRITE_WAIT = float(os.environ.get("SEARCH_INDEX_WRITE_WAIT", "5"))
# Documents a search matches in memory while the index applies them; more, and the database answers.
SEARCH_INDEX_PENDING_LIMIT = int(os.environ.get("SEARCH_INDEX_PENDING_LIMIT", "2000"))
# A missing or foreign index is rebuilt while the search waits up to this many documents (else by the task worker).
SEARCH_INDEX_INLINE_REBUILD = int(os.environ.get("SEARCH_INDEX_INLINE_REBUILD", "20000"))


# --- media_pipeline/ -------------------------------------------------------
# Every admin upload (single, multiple, "replace file") runs the same ingest as
# the bulk import; the forms keep the per-language alt text of assets.forms.
WAGTAILIMAGES_IMAGE_FORM_BASE = "media_pipeline.forms.SafeImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "media_pipeline.forms.SafeMediaAssetForm"
MEDIA_MAX_IMAGE_BYTES = int(os.environ.get("MEDIA_MAX_IMAGE_MB", "80")) * 1024 * 1024
MEDIA_MAX_IMAGE_PIXELS = int(os.environ.get("MEDIA_MAX_IMAGE_MEGAPIXELS", "100")) * 1_000_000
MEDIA_MAX_MEDIA_BYTES = int(os.environ.get("MEDIA_MAX_MEDIA_MB", "2048")) * 1024 * 1024
MEDIA_MASTER_JPEG_QUALITY = 95
MEDIA_NEAR_DUPLICATE_BITS = 6  # of 64: perceptual hashes this close are flagged to the editor
MEDIA_BRAND_MARK_PATH = os.environ.get("MEDIA_BRAND_MARK_PATH", "")  # the province's logo (PNG), if supplied
WAGTAILIMAGES_MAX_UPLOAD_SIZE = MEDIA_MAX_IMAGE_BYTES
WAGTAILIMAGES_MAX_IMAGE_PIXELS = MEDIA_MAX_IMAGE_PIXELS
# Decoding cost: the pixels one process decodes at once (uploads and renditions wait for
# their share), how long an upload waits before it is refused as "busy", and the size above
# which a press download's missing rendition is made by the worker instead of the request.
MEDIA_DECODE_BUDGET_PIXELS = int(os.environ.get("MEDIA_DECODE_BUDGET_MEGAPIXELS", "120")) * 1_000_000
MEDIA_DECODE_WAIT_SECONDS = float(os.environ.get("MEDIA_DECODE_WAIT_SECONDS", "60"))
MEDIA_RENDER_INLINE_MAX_PIXELS = int(os.environ.get("MEDIA_RENDER_INLINE_MAX_MEGAPIXELS", "40")) * 1_000_000
# Uploads the multiple uploader parks until their form is completed are deleted after this.
MEDIA_PARKED_UPLOAD_HOURS = int(os.environ.get("MEDIA_PARKED_UPLOAD_HOURS", "24"))
# Documents are always downloaded, never opened in the site's origin.
WAGTAILDOCS_INLINE_CONTENT_TYPES: list[str] = []
# S3 storage: AWS_* and STORAGES above.


# --- storybank/feeds/ ------------------------------------------------------
# Absolute URLs in feeds use the default Wagtail site unless this is set.
FEEDS_BASE_URL = os.environ.get("FEEDS_BASE_URL", "")
# Page text is published under this licence; images and media carry their own.
FEEDS_TEXT_LICENCE = "gov-reuse"
FEEDS_RENDITION_PRESETS = env_list("FEEDS_RENDITION_PRESETS", "thumbnail,web")
FEEDS_LATEST_PAGE_SIZE = 50  # items without ?since=
FEEDS_PAGE_SIZE = 500  # changes per page with ?since=
FEEDS_MAX_PAGE_SIZE = int(os.environ.get("FEEDS_MAX_PAGE_SIZE", "1000"))
FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE = int(os.environ.get("FEEDS_ANONYMOUS_REQUESTS_PER_MINUTE", "60"))
# Push delivery: queue a delivery task when a change commits (or leave it to
# ``manage.py deliver_feeds``), retry with exponential backoff, dead-letter
# after the last attempt. A worker's lease must outlast one request timeout.
FEEDS_PUSH_ON_COMMIT = os.environ.get("FEEDS_PUSH_ON_COMMIT", "1") == "1"
FEEDS_PUSH_MAX_ATTEMPTS = int(os.environ.get("FEEDS_PUSH_MAX_ATTEMPTS", "8"))
FEEDS_PUSH_BACKOFF_SECONDS = float(os.environ.get("FEEDS_PUSH_BACKOFF_SECONDS", "30"))
FEEDS_PUSH_MAX_BACKOFF_SECONDS = float(os.environ.get("FEEDS_PUSH_MAX_BACKOFF_SECONDS", str(6 * 3600)))
FEEDS_PUSH_TIMEOUT_SECONDS = float(os.environ.get("FEEDS_PUSH_TIMEOUT_SECONDS", "15"))
FEEDS_PUSH_LEASE_SECONDS = float(os.environ.get("FEEDS_PUSH_LEASE_SECONDS", "120"))
FEEDS_PUSH_BATCH = int(os.environ.get("FEEDS_PUSH_BATCH", "16"))  # deliveries leased at once
FEEDS_PUSH_CONCURRENCY = int(os.environ.get("FEEDS_PUSH_CONCURRENCY", "8"))  # sent in parallel


# --- storybank/governance/ and storybank/analytics/ -----------------------
# governance: the last approval of a workflow publishes through our check
# (consent, sensitive review); exports are audited as they leave; editors are
# told by email (the console unless EMAIL_BACKEND/EMAIL_HOST are set).
WAGTAIL_FINISH_WORKFLOW_ACTION = "storybank.governance.workflows.publish_approved"
# The export audit is ExportAuditMiddleware in MIDDLEWARE above.
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Câu chuyện Lào Cai <noreply@laocai.example>")
WAGTAILADMIN_NOTIFICATION_FROM_EMAIL = DEFAULT_FROM_EMAIL
# Weeks back the home page and highlight feeds look when this week has no highlights yet.
GOVERNANCE_HIGHLIGHTS_FALLBACK_WEEKS = int(os.environ.get("GOVERNANCE_HIGHLIGHTS_FALLBACK_WEEKS", "4"))
# Admin sign-in is throttled per account and per address (storybank.governance.login).
WAGTAILADMIN_USER_LOGIN_FORM = "storybank.governance.login.ThrottledLoginForm"
ADMIN_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("ADMIN_LOGIN_FAILURES_PER_ACCOUNT", "5"))
ADMIN_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("ADMIN_LOGIN_FAILURES_PER_ADDRESS", "20"))
ADMIN_LOGIN_WINDOW_MINUTES = int(os.environ.get("ADMIN_LOGIN_WINDOW_MINUTES", "15"))

# Analytics counts responses labelled X-LaoCai-Count: AnalyticsMiddleware, first in MIDDLEWARE above.
# The plan's target: reach grows by this fraction every year (+20 %).
ANALYTICS_YEARLY_GROWTH_TARGET = float(os.environ.get("ANALYTICS_YEARLY_GROWTH_TARGET", "0.20"))
# load_demo refuses to run where this is False (production.py): it creates users with a published password.
DEMO_CONTENT_ALLOWED = True
# Months of deterministic demo counters written by load_demo (0: none).
ANALYTICS_DEMO_MONTHS = int(os.environ.get("ANALYTICS_DEMO_MONTHS", "24"))


# --- storybank/translations/ -----------------------------------------------
# Where a language's visitors are shown what is not yet in their language: LANGUAGE_FALLBACKS above
# (settings/languages.py; ``LANGUAGE_FALLBACKS=ko:en,vi;ja:en,vi`` in the environment).
# Machine translation in the translation editor, off unless the environment names a service
# (MACHINE_TRANSLATION_LIBRETRANSLATE_URL or MACHINE_TRANSLATION_DEEPL_KEY; see machine_translation.py).
WAGTAILLOCALIZE_MACHINE_TRANSLATOR = machine_translator(os.environ)


# --- public site (templates/, caching, static files) -----------------------
# Whole anonymous responses of /<lang>/… pages and the sitemaps are cached (in CACHES, Redis when
# REDIS_URL is set) until anything they show changes; 0 turns the page cache off.
PUBLIC_PAGE_CACHE_SECONDS = int(os.environ.get("PUBLIC_PAGE_CACHE_SECONDS", "3600"))
# Search results follow the search index, which Elasticsearch updates a few seconds after a change.
PUBLIC_SEARCH_CACHE_SECONDS = int(os.environ.get("PUBLIC_SEARCH_CACHE_SECONDS", "60"))
PUBLIC_SEARCH_PATH_SUFFIX = "search/"
PUBLIC_PAGE_CACHE_ALIAS = "default"
PUBLIC_PAGE_CACHE_EXTRA_PATHS = ["/sitemap"]
# Listing pages (stories, products, culture, places).
PUBLIC_LISTING_PAGE_SIZE = 12
# Map tiles, loaded only when the visitor opens a place page with a network; the page works without them.
PUBLIC_MAP_TILE_URL = os.environ.get("PUBLIC_MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
PUBLIC_MAP_ATTRIBUTION = os.environ.get(
    "PUBLIC_MAP_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)


# --- storybank/operations/ (the processes of the deployment) ---------------
# Recurring jobs, run by ``manage.py run_scheduler`` (APScheduler; the
# ``scheduler`` service of docker-compose): a management command, and either
# ``every`` N seconds (first run at start) or a ``cron`` line in TIME_ZONE.
def env_seconds(name: str, default: int) -> int:
    return int(os.environ.get(name, str(default)))


OPERATIONS_SCHEDULE = {
    # Wagtail's go-live and expiry times of pages (embargoes).
    "publish-scheduled": {"command": "publish_scheduled", "every": env_seconds("SCHEDULE_PUBLISH_SECONDS", 60)},
    # Feeds: what no signal announces (an embargo passing, rights ending by the calendar).
    "reconcile-feeds": {"command": "reconcile_feeds", "every": env_seconds("SCHEDULE_RECONCILE_SECONDS", 300)},
    # Rights expiry: renditions deleted, originals moved, partners and editors told.
    "withdraw-expired-assets": {
        "command": "withdraw_expired_assets", "every": env_seconds("SCHEDULE_RIGHTS_EXPIRY_SECONDS", 3600),
    },
    "clear-sessions": {"command": "clearsessions", "cron": "30 3 * * *"},
    # Uploads the multiple uploader parked and nobody completed (they keep their GPS position).
    "purge-parked-uploads": {
        "command": "purge_parked_uploads", "every": env_seconds("SCHEDULE_PURGE_PARKED_UPLOADS_SECONDS", 3600),
    },
}
if TASKS_BACKEND == "database":
    OPERATIONS_SCHEDULE["prune-task-results"] = {
        "command": "prune_db_task_results --min-age-days 7", "cron": "45 3 * * *",
    }
# Long-running processes touch a file here every round; ``manage.py healthcheck`` reads it.
OPERATIONS_HEARTBEAT_DIR = os.environ.get("OPERATIONS_HEARTBEAT_DIR", str(VAR_DIR / "run"))


# --- security: headers, machine URLs, client addresses ---------------------
# Content-Security-Policy and Permissions-Policy are sent when this is on (production.py);
# the Wagtail admin (inline scripts) gets the Permissions-Policy only.
SECURITY_POLICY_HEADERS = os.environ.get("SECURITY_POLICY_HEADERS", "0") == "1"
SECURITY_POLICY_EXEMPT_PREFIXES = ("/admin/",)


def origin_of(url: str) -> str:
    """``https://tile.openstreetmap.org`` of a URL template ({s}. becomes *.)."""
    parts = urlsplit(url.replace("{s}.", "SUBDOMAIN."))
    return f"{parts.scheme}://{parts.netloc.replace('SUBDOMAIN.', '*.')}" if parts.scheme and parts.netloc else ""


# Images come from the site itself, the map's tile server and, with S3, the signed URLs' store.
_image_origins = [origin_of(PUBLIC_MAP_TILE_URL)]
if AWS_STORAGE_BUCKET_NAME:
    _image_origins.append(origin_of(AWS_S3_PUBLIC_ENDPOINT_URL or AWS_S3_ENDPOINT_URL or ""))
    if not (AWS_S3_PUBLIC_ENDPOINT_URL or AWS_S3_ENDPOINT_URL):
        _image_origins.append(f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com")
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src " + " ".join(["'self'", "data:", *[origin for origin in _image_origins if origin]]),
    "font-src 'self'",
    "connect-src 'self'",
    "media-src 'self'" + (" " + origin_of(AWS_S3_PUBLIC_ENDPOINT_URL or AWS_S3_ENDPOINT_URL or "")
                          if AWS_STORAGE_BUCKET_NAME else ""),
    "object-src 'none'",
    "frame-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
]).strip()
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in (
    "accelerometer", "camera", "geolocation", "gyroscope", "magnetometer", "microphone", "payment", "usb",
    "browsing-topics",
))
# Errors under these paths are JSON (storybank.core.middleware.MachineErrorsMiddleware).
MACHINE_URL_PREFIXES = ("/api/", "/feeds/")
# Behind a proxy that sets the client's address in a header (e.g. HTTP_X_REAL_IP), rate limits and
# the sign-in throttle read it there; empty: REMOTE_ADDR.
CLIENT_ADDRESS_HEADER = os.environ.get("CLIENT_ADDRESS_HEADER", "")
