from django.urls import path

from . import views

app_name = "qualifications"

urlpatterns = [
    path("", views.qualifications_mine, name="mine"),
    path("<int:pk>/scan/", views.qualification_scan, name="scan"),
]
