"""Admin URLs of the KPI dashboard, mounted at ``/admin/kpi/`` by ``wagtail_hooks``."""

from django.urls import path

from . import views

app_name = "analytics"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("report/<int:year>.<slug:kind>", views.annual_report_export, name="annual_report"),
]
