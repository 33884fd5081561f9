from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard_page, name="page"),
    path("complaints.csv", views.complaints_csv, name="complaints-csv"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/<int:pk>/", views.report_page, name="report"),
    path("reports/<int:pk>/status.json", views.report_status, name="report-status"),
    path("reports/<int:pk>/<str:kind>/", views.report_file, name="report-file"),
]
