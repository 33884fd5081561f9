from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("", views.invitation_list, name="list"),
    path("<int:pk>/", views.invitation_answer, name="answer"),
]
