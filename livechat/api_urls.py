"""The chat endpoints under /api/v1/."""

from django.urls import path

from . import api

urlpatterns = [
    path("chats/", api.ChatListAPI.as_view(), name="chat-list"),
    path("chats/<str:reference>/", api.ChatDetailAPI.as_view(), name="chat-detail"),
    path("chats/<str:reference>/messages/", api.ChatMessageAPI.as_view(), name="chat-messages"),
]
