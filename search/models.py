"""The embedded search index: one row per item per locale, denormalised so
that a search touches only these tables.

* ``SearchDocument`` holds what filters, facets and sorting need; it stays
  narrow so facet counts scan little data.
* ``SearchText`` holds what result cards show, the text snippets are cut
  from, and the token streams (:func:`search.text.index_text`) that feed the full-text index,
  an FTS5 table on SQLite and a ``tsvector`` column on PostgreSQL, both kept in
  step by database triggers (migration ``0002_fulltext``).
* ``SearchFacetValue`` holds the values of the multi-valued facets (ethnic
  groups, places) so they can be counted and filtered with an index.
* ``SearchIndexState`` and ``SearchChange`` order the writes and log which
  documents each one changed, so the tantivy index under ``var/`` (built from
  these rows) knows what it has not applied yet.

The Elasticsearch backend does not use these tables.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FacetFields(models.Model):
    """The single-valued facets and the visibility of a document."""

    kind = models.CharField(max_length=20)
    locale = models.CharField(max_length=16)
    pillar = models.CharField(max_length=20, blank=True)
    licence = models.CharField(max_length=20, blank=True)
    year = models.SmallIntegerField(null=True)
    #: Live, approved, unrestricted, consent not missing, when indexed.
    is_public = models.BooleanField(default=False)
    #: Visibility window checked at query time (go-live, page expiry, end of rights).
    public_from = models.DateTimeField(null=True)
    public_until = models.DateTimeField(null=True)

    class Meta:
        abstract = True


class SearchDocument(FacetFields):
    """The facet row of a document: narrow, so counting facets over tens of
    thousands of matches reads little data. Stored fields live in ``SearchText``."""

    class ObjectType(models.TextChoices):
        PAGE = "page", _("Page")
        IMAGE = "image", _("Image")
        MEDIA = "media", _("Media asset")

    object_type = models.CharField(max_length=10, choices=ObjectType.choices)
    object_id = models.BigIntegerField()
    date = models.DateTimeField(null=True)
    #: Space-separated slugs (counted with the other facets for word searches;
    #: filters and whole-index counts use SearchFacetValue).
    ethnic_groups = models.TextField(blank=True)
    places = models.TextField(blank=True)

    class Meta:
        verbose_name = _("search document")
        constraints = [
            models.UniqueConstraint(fields=["object_type", "object_id", "locale"], name="search_document_unique_item"),
        ]
        indexes = [
            # counts over everything: facet combinations of public documents, in index order
            models.Index(
                fields=["is_public", "kind", "locale", "pillar", "licence", "year", "public_from", "public_until"],
                name="search_doc_browse",
            ),
            models.Index(fields=["date"], name="search_doc_date"),
            models.Index(fields=["public_from"], name="search_doc_public_from"),
            models.Index(fields=["public_until"], name="search_doc_public_until"),
        ]

    def __str__(self) -> str:
        return f"{self.object_type}:{self.object_id}:{self.locale}"


class SearchText(models.Model):
    """Stored fields of a document: what result cards show, the text snippets
    are cut from, and the token streams the full-text index is built from."""

    class Status(models.TextChoices):
        PUBLIC = "public", _("Public")
        DRAFT = "draft", _("Draft")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        RESTRICTED = "restricted", _("Not public (restricted, expired or missing consent)")

    document = models.OneToOneField(
        SearchDocument, primary_key=True, on_delete=models.CASCADE, related_name="text"
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    title = models.TextField()
    url = models.CharField(max_length=500, blank=True)
    thumbnail_url = models.CharField(max_length=500, blank=True)
    thumbnail_image_id = models.BigIntegerField(null=True, db_index=True)
    credit = models.CharField(max_length=255, blank=True)
    rights_expire_on = models.DateField(null=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True)
    #: Exact tokens of the title (``search.text.index_text``); folded by the database.
    title_tokens = models.TextField(blank=True)
    #: Exact tokens of summary, body and metadata (credit, taxonomy names…).
    text_tokens = models.TextField(blank=True)
    #: Distinct CJK characters, for one-character queries.
    cjk_chars = models.TextField(blank=True)
    #: What the highlighter scans to cut a snippet of summary and body (``search.text.snippet_shadows``).
    #: Nullable so that adding it was an ``ADD COLUMN``: SQLite rebuilds a table for a column with a
    #: default, which drops its full-text triggers. NULL: made at search time.
    snippet_shadows = models.TextField(null=True, blank=True)
    indexed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search text")

    def __str__(self) -> str:
        return self.title


class SearchFacetValue(FacetFields):
    """One value of a multi-valued facet (ethnic group, place) of a document.

    The document's single-valued facets and visibility are copied here so that
    counting ethnic groups and places over the whole index (browsing without
    words) reads this table alone."""

    document = models.ForeignKey(
        SearchDocument, on_delete=models.CASCADE, related_name="facet_values", db_index=False
    )
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=120)

    class Meta:
        verbose_name = _("search facet value")
        indexes = [
            # filters: the documents having a value
            models.Index(fields=["facet", "value", "document"], name="search_facet_lookup"),
            # counts over matching documents: their values, without reading the table
            models.Index(fields=["document", "facet", "value"], name="search_facet_by_document"),
            # counts over everything: values of public documents, without reading the table
            models.Index(
                fields=["is_public", "facet", "value", "kind", "locale", "pillar", "licence", "year",
                        "public_from", "public_until"],
                name="search_facet_browse",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.facet}={self.value}"


class SearchIndexState(models.Model):
    """One row: ``generation`` takes a new random value with every write to the
    embedded index, inside the writing transaction. Cached facet counts are
    keyed by it, so a cache entry never outlives the data it was computed from.

    ``sequence`` counts those writes. The first statement of every write
    increments it, so the row stays locked until the write commits: writes
    therefore commit in ``sequence`` order, and the search index under
    ``var/`` can record how far it has applied them (``SearchChange``)."""

    generation = models.BigIntegerField(default=0)
    sequence = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("search index state")

    def __str__(self) -> str:
        return f"generation {self.generation}"


class SearchChange(models.Model):
    """A document added or removed by write ``sequence`` (one row without a
    document marks the write itself). The tantivy index applies these rows
    after commit; until it has, searches leave those documents to the database."""

    sequence = models.BigIntegerField(db_index=True)
    generation = models.BigIntegerField()
    document_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("search change")

    def __str__(self) -> str:
        return f"{self.sequence}: {self.document_id}"
