"""Owners' decisions: meetings with minutes, motions with their electorate and ballots, notices, selection cases."""

from .meetings import (
    MATTER_CHOICES,
    Attendance,
    Decision,
    FollowUpTask,
    Level,
    Meeting,
    MeetingEvent,
    MeetingQuerySet,
)
from .motions import (
    MANAGER_MODES,
    Ballot,
    BallotEvent,
    Channel,
    Choice,
    Elector,
    ElectorHome,
    Motion,
    MotionEvent,
    MotionOption,
    MotionQuerySet,
)
from .motions import _event_sheet_path as _event_sheet_path
from .motions import _sheet_path as _sheet_path
from .notices import Acknowledgement, Notice, NoticeAttachment, NoticeQuerySet
from .notices import _attachment_path as _attachment_path
from .selection import SelectionCase, SelectionCaseQuerySet, SelectionEvent

__all__ = [
    "MATTER_CHOICES",
    "Level",
    "MeetingQuerySet",
    "Meeting",
    "Attendance",
    "Decision",
    "FollowUpTask",
    "MeetingEvent",
    "MotionQuerySet",
    "Motion",
    "MotionOption",
    "MANAGER_MODES",
    "Elector",
    "ElectorHome",
    "Choice",
    "Channel",
    "Ballot",
    "BallotEvent",
    "MotionEvent",
    "NoticeQuerySet",
    "Notice",
    "NoticeAttachment",
    "Acknowledgement",
    "SelectionCaseQuerySet",
    "SelectionCase",
    "SelectionEvent",
]
