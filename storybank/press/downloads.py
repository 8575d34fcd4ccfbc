"""Downloads by press accounts: written to the audit trail (Reports › Site
history, against the image; press kits and lightbox ZIPs are audited as exports already) and counted
as the KPI ``Metric.PRESS_DOWNLOAD``, each asset of a lightbox ZIP once.

The download views already label their responses for the analytics
(``X-LaoCai-Count``, metric ``download``); :class:`PressDownloadMiddleware`
reads that label on the way out, so media_pipeline knows nothing of press
accounts and nothing is counted that was not served.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from django.http import HttpRequest, HttpResponse
from wagtail.log_actions import log

from storybank.analytics.models import Metric
from storybank.analytics.recording import COUNT_HEADER, Hit, count_safely
from storybank.assets.models import LaoCaiImage
from storybank.core.visibility import is_press_account

from .audit import PRESS_DOWNLOAD_ACTION

logger = logging.getLogger(__name__)


def downloaded_image(request: HttpRequest) -> LaoCaiImage | None:
    """The image a download route served, from its URL. (A press kit is
    already audited as an export by ``governance.audit``.)"""
    match = getattr(request, "resolver_match", None)
    if match is None or "image_id" not in match.kwargs:
        return None
    return LaoCaiImage.objects.filter(pk=match.kwargs["image_id"]).first()


def record_press_download(request: HttpRequest, response: HttpResponse, hit: Hit, amount: int = 1) -> None:
    user = request.user
    count_safely(replace(hit, metric=Metric.PRESS_DOWNLOAD), amount)
    image = downloaded_image(request)
    if image is not None:
        log(instance=image, action=PRESS_DOWNLOAD_ACTION, user=user,
            data={"what": image.title, "type": hit.detail, "path": request.get_full_path()})


class PressDownloadMiddleware:
    """Below the session and authentication middleware: it needs the user."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        label = response.headers.get(COUNT_HEADER) if request.method == "GET" else None
        if label and 200 <= response.status_code < 400:
            try:
                downloads = [(hit, amount) for hit, amount in Hit.counted_from_header(label)
                             if hit.metric == Metric.DOWNLOAD]
                if downloads and is_press_account(getattr(request, "user", None)):
                    for hit, amount in downloads:
                        record_press_download(request, response, hit, amount)
            except Exception:  # recording must never break a download
                logger.exception("Could not record a press download of %s", request.path)
        return response
