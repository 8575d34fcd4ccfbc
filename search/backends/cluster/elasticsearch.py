"""Elasticsearch 8 through the ``elasticsearch`` client: the cluster backend's
requests, sent as they are (the 8.x client refuses to talk to anything but
Elasticsearch, hence a connection of its own). Credentials and TLS come with
the URL (``https://user:password@host:9200``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError
from elasticsearch.helpers import bulk

from search.backends.cluster.backend import Connection


class ElasticsearchConnection(Connection):
    engine = "elasticsearch"
    not_found = NotFoundError
    failure = (ApiError, TransportError)
    bulk_helper = staticmethod(bulk)

    def __init__(self, url: str) -> None:
        options: dict[str, Any] = {"request_timeout": settings.SEARCH_CLUSTER_TIMEOUT}
        if settings.SEARCH_CLUSTER_CA_CERTS:
            options["ca_certs"] = settings.SEARCH_CLUSTER_CA_CERTS
        self.client = Elasticsearch(url, **options)

    def create_index(self, name: str, body: dict[str, Any], aliases: Iterable[str]) -> None:
        with self.unavailable_on_failure():
            self.client.indices.create(index=name, aliases={alias: {} for alias in aliases}, **body)

    def update_aliases(self, actions: list[dict[str, Any]]) -> None:
        with self.unavailable_on_failure():
            self.client.indices.update_aliases(actions=actions)

    def get_alias(self, alias: str) -> dict[str, Any]:
        return dict(self.client.options(ignore_status=404).indices.get_alias(name=alias))
