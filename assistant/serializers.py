from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from assistant.services import ChatMessage
from shop.serializers import Serializer

MAX_MESSAGES = 40
MAX_MESSAGE_CHARS = 8000
MAX_CONVERSATION_CHARS = 32_000
CLIENT_ROLES = ("user", "assistant")


@extend_schema_field({"type": "string", "enum": list(CLIENT_ROLES)})
class RoleField(serializers.CharField):
    """A role the client may send; checked by ChatInputSerializer so that the error names `messages`."""


class ChatMessageInputSerializer(Serializer):
    role = RoleField(max_length=20)
    content = serializers.CharField(max_length=MAX_MESSAGE_CHARS)


class ChatInputSerializer(Serializer):
    prompt = serializers.CharField(max_length=MAX_MESSAGE_CHARS, required=False)
    messages = ChatMessageInputSerializer(
        many=True, required=False, help_text=f"1 to {MAX_MESSAGES} messages of role user or assistant."
    )
    temperature = serializers.FloatField(min_value=0, max_value=2, default=0.7)
    max_tokens = serializers.IntegerField(min_value=1, max_value=4096, default=512)

    def validate_messages(self, messages):
        if not messages:
            raise serializers.ValidationError("At least one message is required.")
        if len(messages) > MAX_MESSAGES:
            raise serializers.ValidationError(f"At most {MAX_MESSAGES} messages.")
        for index, message in enumerate(messages):
            if message["role"] not in CLIENT_ROLES:
                # The system prompt is the server's; a client cannot replace or add to it.
                raise serializers.ValidationError(
                    f"Message {index} has role {message['role']!r}; only user and assistant are accepted."
                )
        if sum(len(message["content"]) for message in messages) > MAX_CONVERSATION_CHARS:
            raise serializers.ValidationError(f"The conversation is longer than {MAX_CONVERSATION_CHARS} characters.")
        if messages[-1]["role"] != "user":
            raise serializers.ValidationError("The last message must come from the user.")
        return messages

    def validate(self, attrs):
        if ("prompt" in attrs) == ("messages" in attrs):
            raise serializers.ValidationError({"prompt": "Send either prompt or messages, not both and not neither."})
        # Both shapes reach the service as one conversation.
        if "prompt" in attrs:
            attrs["conversation"] = [ChatMessage(role="user", content=attrs.pop("prompt"))]
        else:
            attrs["conversation"] = [ChatMessage(**message) for message in attrs.pop("messages")]
        return attrs


class ChatReplyMessageSerializer(Serializer):
    role = serializers.ChoiceField(choices=["assistant"])
    content = serializers.CharField()


class ChatOutputSerializer(Serializer):
    message = ChatReplyMessageSerializer()
    raw = serializers.DictField(help_text="The model API's chat completion, as it answered.")
