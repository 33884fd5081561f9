from django.urls import path

from . import views

app_name = "livechat"

urlpatterns = [
    path("", views.chat_index, name="index"),
    path("start/", views.chat_start, name="start"),
    path("<str:reference>/", views.chat_page, name="chat"),
]
