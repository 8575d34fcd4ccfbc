"""People at work over real HTTP: an editor signed in to the Wagtail admin
(publishing through the bulk action, unpublishing through the page's own
view, as the admin's buttons do) and visitors reading pages and feeds."""

from __future__ import annotations

import requests


class Editor:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base = base_url
        self.session = requests.Session()
        self.session.get(f"{base_url}/admin/login/", timeout=60)
        response = self.session.post(
            f"{base_url}/admin/login/", timeout=60, allow_redirects=False,
            data={"username": username, "password": password, "csrfmiddlewaretoken": self.csrf},
        )
        assert response.status_code == 302, response.text[:500]

    @property
    def csrf(self) -> str:
        return self.session.cookies["csrftoken"]

    def publish(self, page_id: int, timeout: float = 60) -> requests.Response:
        return self.session.post(
            f"{self.base}/admin/bulk/wagtailcore/page/publish/?id={page_id}&next=/admin/", timeout=timeout,
            data={"csrfmiddlewaretoken": self.csrf}, allow_redirects=False,
        )

    def unpublish(self, page_id: int, timeout: float = 60) -> requests.Response:
        return self.session.post(
            f"{self.base}/admin/pages/{page_id}/unpublish/", timeout=timeout,
            data={"csrfmiddlewaretoken": self.csrf}, allow_redirects=False,
        )
