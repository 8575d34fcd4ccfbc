"""The page cache's generation: one row whose value changes whenever what a
public page shows may have changed."""

from __future__ import annotations

from django.db import models


class PageCacheGeneration(models.Model):
    """A single row (pk 1). Its ``value`` is part of every cached page's key,
    so writing a new value makes every cached page unreachable at once, in
    every process and on every app server, with the transaction that made
    the change (a rolled-back change leaves the old value)."""

    value = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "page cache generation"

    def __str__(self) -> str:
        return self.value
