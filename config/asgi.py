"""ASGI entry point: the site's pages over HTTP, and the online customer service's chats over WebSocket.

WebSocket connections are authenticated from the site's session (the same cookie as the pages) and refused
unless their Origin is one of ALLOWED_HOSTS: another site's page cannot open a chat in a visitor's name.
"""

from django.core.asgi import get_asgi_application

from config.entry import settings_module_default

settings_module_default()

# Django is set up before anything imports a model.
django_application = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from livechat.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_application,
        "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
