from rest_framework import serializers


class MessageSerializer(serializers.Serializer):
    """The `{"message": ...}` body of confirmations such as deletes, shared by every app."""

    message = serializers.CharField()
