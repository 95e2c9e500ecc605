from rest_framework import serializers

# The largest id a BIGINT column holds: a bigger one in input is a 400, never a driver overflow.
MAX_ID = 2**63 - 1


class MessageSerializer(serializers.Serializer):
    """The `{"message": ...}` body of confirmations such as deletes, shared by every app."""

    message = serializers.CharField()
