"""The chat's WebSocket addresses (served by ``config.asgi``)."""

from django.urls import path

from .consumers import ConsoleConsumer, LearnerChatConsumer

websocket_urlpatterns = [
    path("ws/chat/<str:reference>/", LearnerChatConsumer.as_asgi()),
    path("ws/chat-console/", ConsoleConsumer.as_asgi()),
]
