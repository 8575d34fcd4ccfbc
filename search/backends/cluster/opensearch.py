"""OpenSearch 2/3 through ``opensearch-py``: the cluster backend's requests,
sent as they are. Credentials and TLS come with the URL
(``https://user:password@host:9200``); an AWS-managed domain signs each
request with SigV4 instead when ``SEARCH_AWS_REGION`` is set (credentials
from boto3's usual chain: environment, instance role…).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from opensearchpy import NotFoundError, OpenSearch, TransportError
from opensearchpy.helpers import bulk

from search.backends.cluster.backend import Connection


class OpenSearchConnection(Connection):
    engine = "opensearch"
    not_found = NotFoundError
    failure = (TransportError,)
    bulk_helper = staticmethod(bulk)

    def __init__(self, url: str) -> None:
        options: dict[str, Any] = {"hosts": [url], "timeout": settings.SEARCH_CLUSTER_TIMEOUT}
        if settings.SEARCH_CLUSTER_CA_CERTS:
            options["ca_certs"] = settings.SEARCH_CLUSTER_CA_CERTS
        if settings.SEARCH_AWS_REGION:
            options["http_auth"] = aws_signer(settings.SEARCH_AWS_REGION, settings.SEARCH_AWS_SERVICE)
        self.client = OpenSearch(**options)

    def create_index(self, name: str, body: dict[str, Any], aliases: Iterable[str]) -> None:
        with self.unavailable_on_failure():
            self.client.indices.create(index=name, body={**body, "aliases": {alias: {} for alias in aliases}})

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        with self.unavailable_on_failure():
            self.client.indices.update_aliases(body={"actions": actions})

    def get_alias(self, alias: str) -> dict[str, Any]:
        return self.client.indices.get_alias(name=alias, ignore=404)


def aws_signer(region: str, service: str) -> Callable[..., dict[str, str]]:
    """SigV4 signing for Amazon OpenSearch Service (``es``) or Serverless (``aoss``)."""
    import boto3
    from opensearchpy import Urllib3AWSV4SignerAuth

    return Urllib3AWSV4SignerAuth(boto3.Session().get_credentials(), region, service)
