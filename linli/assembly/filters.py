"""Filtersets of the assembly lists (motions, meetings, notices, selection cases), used by the API."""

from linli.assembly.models import Meeting, Motion, Notice, SelectionCase
from linli.core.filters import FilterSet


class MotionFilterSet(FilterSet):
    class Meta:
        model = Motion
        fields = ["estate", "status", "matter"]


class MeetingFilterSet(FilterSet):
    class Meta:
        model = Meeting
        fields = ["kind", "level", "estate", "status"]


class NoticeFilterSet(FilterSet):
    class Meta:
        model = Notice
        fields = ["estate", "scope"]


class SelectionCaseFilterSet(FilterSet):
    class Meta:
        model = SelectionCase
        fields = ["estate", "status", "kind"]
