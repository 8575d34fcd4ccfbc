"""Production: every secret and engine comes from the environment.

Required: SECRET_KEY, ALLOWED_HOSTS. Optional engines: DATABASE_URL
(PostgreSQL), OPENSEARCH_URL or ELASTICSEARCH_URL, S3_BUCKET + S3_ENDPOINT_URL + keys (MinIO or
S3), REDIS_URL. See README ("Running against the production engines") and
docker-compose.yml.
"""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F401,F403
from .base import env_list

DEBUG = False
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set in production.")
# The keys shipped in this repository (settings, docker-compose) are public: refuse them.
if SECRET_KEY in {"dev-only-insecure-key-change-me", "change-me-to-a-long-random-string-before-any-real-use"} or \
        "change-me" in SECRET_KEY.lower():
    raise ImproperlyConfigured(
        "SECRET_KEY is a published default: set a long random value, e.g. "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))' (see docs/deployment.md)."
    )
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
# load_demo creates users with a published password: never in production.
DEMO_CONTENT_ALLOWED = False
# Content-Security-Policy and Permissions-Policy (see base.py; SECURITY_POLICY_HEADERS=0 turns them off).
SECURITY_POLICY_HEADERS = os.environ.get("SECURITY_POLICY_HEADERS", "1") == "1"

# Hashed, compressed static files (collected when the image is built); media storage as in base.
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
