"""Search at scale on a cluster: OpenSearch 2/3 or Elasticsearch 8, one
backend for both.

| file | job |
| --- | --- |
| ``bodies.py`` | analysis, mapping and every request body, as pure data (built once for both engines) |
| ``backend.py`` | :class:`ClusterBackend` (index lifecycle, writes, alias swap, search), the |
|  | :class:`Connection` it sends through, ``connect()`` (engine from a setting or ``GET /``) |
| ``opensearch.py`` | the connection through ``opensearch-py`` (SigV4 for AWS-managed domains) |
| ``elasticsearch.py`` | the connection through the ``elasticsearch`` 8 client |
"""

from search.backends.cluster.backend import ClusterBackend, Connection, connect

__all__ = ["ClusterBackend", "Connection", "connect"]
