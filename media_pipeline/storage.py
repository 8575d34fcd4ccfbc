"""S3-compatible media storage whose signed URLs work from the outside.

Inside docker-compose the app reaches MinIO as ``http://minio:9000``, a name
no browser can resolve, and a signed URL's signature covers the host, so it
cannot be rewritten afterwards. With ``S3_PUBLIC_ENDPOINT_URL`` set (e.g.
``https://media.laocai.gov.vn`` or ``http://localhost:9000``) URLs are signed
for that address while files are still written through the internal one.
Without it this is django-storages' S3 backend unchanged.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from storages.backends.s3 import S3Storage as BaseS3Storage
from storages.utils import clean_name


class S3Storage(BaseS3Storage):
    _public_client: Any = None

    def public_client(self, endpoint: str) -> Any:
        if self._public_client is None:
            self._public_client = self._create_session().client(
                "s3", region_name=self.region_name, endpoint_url=endpoint, config=self.client_config,
            )
        return self._public_client

    def url(self, name: str, parameters: dict | None = None, expire: int | None = None,
            http_method: str | None = None) -> str:
        endpoint = getattr(settings, "AWS_S3_PUBLIC_ENDPOINT_URL", "")
        if not endpoint or self.custom_domain or not self.querystring_auth:
            return super().url(name, parameters, expire, http_method)
        params = {**(parameters or {}), "Bucket": self.bucket_name, "Key": self._normalize_name(clean_name(name))}
        return self.public_client(endpoint).generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expire or self.querystring_expire, HttpMethod=http_method,
        )
