"""Journalists' accounts, inside the language prefix: ``/vi/press-accounts/register/``…"""

from django.urls import path

from . import views

app_name = "press_accounts"

urlpatterns = [
    path("press-accounts/", views.room, name="room"),
    path("press-accounts/register/", views.register, name="register"),
    path("press-accounts/sign-in/", views.SignInView.as_view(), name="sign_in"),
    path("press-accounts/sign-out/", views.SignOutView.as_view(), name="sign_out"),
    path("press-accounts/confirm/<str:token>/", views.confirm_email, name="confirm_email"),
    path("press-accounts/confirm-again/", views.resend_confirmation, name="resend_confirmation"),
    path("press-accounts/claim/<str:token>/", views.claim, name="claim"),
    path("photos/<int:image_id>/request-access/", views.request_access, name="request_access"),
]
