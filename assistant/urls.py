from assistant.views import ChatView
from shop.routing import api_route

urlpatterns = [
    api_route("assistant/chat", ChatView.as_view(), "assistant-chat"),
    # The storefront's original path (sic).
    api_route("opnai/chat", ChatView.as_view(deprecated_alias_of="/api/assistant/chat"), "assistant-chat-alias"),
]


def register(router):
    """The assistant has plain routes only."""
