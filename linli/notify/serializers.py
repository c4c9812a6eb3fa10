"""Serializers of the notifications API (the caller's own inbox)."""

from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "link", "created_at", "read_at"]
        read_only_fields = fields


class ReadAllResult(serializers.Serializer):
    marked = serializers.IntegerField()
