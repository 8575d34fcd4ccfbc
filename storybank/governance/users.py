"""Wagtail's user screens, with "administrators are not superusers" kept.

The Administrators group holds every permission but is not superuser, so the
editorial rules hold for its members too. Wagtail's user form still offers
the superuser box to anyone who may edit users; here only a superuser sees
it, and only a superuser may edit or delete a superuser's account (a new
password would hand the account over). Installed through
``GovernedUsersConfig`` in place of ``wagtail.users``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from wagtail.users.forms import UserCreationForm, UserEditForm
from wagtail.users.views import users


class SuperuserBoxForSuperusersMixin:
    def __init__(self, *args: Any, granted_by: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if granted_by is None or not granted_by.is_superuser:
            self.fields.pop("is_superuser", None)


class GovernedUserCreationForm(SuperuserBoxForSuperusersMixin, UserCreationForm):
    pass


class GovernedUserEditForm(SuperuserBoxForSuperusersMixin, UserEditForm):
    pass


class GrantingUserMixin:
    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "granted_by": self.request.user}


class CreateView(GrantingUserMixin, users.CreateView):
    pass


class EditView(GrantingUserMixin, users.EditView):
    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        if self.object.is_superuser and not request.user.is_superuser:
            raise PermissionDenied


class GovernedUserViewSet(users.UserViewSet):
    add_view_class = CreateView
    edit_view_class = EditView

    def get_form_class(self, for_update: bool = False) -> type:
        return GovernedUserEditForm if for_update else GovernedUserCreationForm
