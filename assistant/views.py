from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from assistant.serializers import ChatInputSerializer, ChatOutputSerializer
from assistant.services import assistant_reply
from shop.permissions import AllowAny
from shop.throttles import AssistantThrottle


class ChatView(APIView):
    parser_classes = [JSONParser]
    permission_classes = [AllowAny]
    throttle_classes = [*APIView.throttle_classes, AssistantThrottle]
    # Set on the storefront's original path (sic): documented as a deprecated alias (shop.schema).
    deprecated_alias_of: str | None = None

    @extend_schema(
        summary="Ask the shopping assistant (anyone, throttled)",
        request=ChatInputSerializer,
        responses={
            200: ChatOutputSerializer,
            501: OpenApiResponse(description="OPENAI_API_KEY is not set"),
            502: OpenApiResponse(description="The model's API failed or timed out"),
        },
    )
    def post(self, request):
        serializer = ChatInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        reply = assistant_reply(
            messages=data["conversation"], temperature=data["temperature"], max_tokens=data["max_tokens"]
        )
        return Response({"message": {"role": "assistant", "content": reply.content}, "raw": reply.raw})
