from django.apps import AppConfig
from django.conf import settings
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _

from search.text import fold


class SearchConfig(AppConfig):
    name = "search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from search import receivers  # imports the models, which exist only once the apps are loaded

        connection_created.connect(register_sqlite_functions, dispatch_uid="search.sqlite_functions")
        receivers.connect()


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite's FTS triggers fold text with the same Python function queries
    use. Reading the index through memory-mapped I/O (``mmap_size``) roughly
    halves the time of facet counts over large result sets."""
    if connection.vendor == "sqlite":
        connection.connection.create_function("search_fold", 1, _null_safe(fold), deterministic=True)
        mmap_size = int(getattr(settings, "SEARCH_SQLITE_MMAP_SIZE", 0))
        if mmap_size:
            connection.connection.execute(f"PRAGMA mmap_size = {mmap_size}")


def _null_safe(function):
    def wrapped(value):
        return function(value) if value is not None else None

    return wrapped
