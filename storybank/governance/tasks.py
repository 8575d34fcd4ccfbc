"""Background work of governance (Django's task framework)."""

from __future__ import annotations

from django_tasks import task

from .rights import withdraw_expired_assets


@task()
def withdraw_expired_assets_task() -> int:
    """Withdraw every asset whose rights have expired; returns how many were
    newly withdrawn. Run daily (``manage.py withdraw_expired_assets`` from
    cron, or the ``rights-expiry`` service of docker-compose)."""
    return len(withdraw_expired_assets())
