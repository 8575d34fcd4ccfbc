"""Background work of governance (Django's task framework)."""

from __future__ import annotations

from django_tasks import task


@task()
def withdraw_expired_assets_task() -> int:
    """Withdraw every asset whose rights have expired; returns how many were
    newly withdrawn. Run daily (``manage.py withdraw_expired_assets`` from
    cron, or the ``rights-expiry`` service of docker-compose)."""
    from .rights import withdraw_expired_assets

    return len(withdraw_expired_assets())
