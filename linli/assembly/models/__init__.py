"""Owners' decisions: meetings with minutes, motions with their electorate and ballots, notices, selection cases,
the bodies that speak for the owners (owners' committee, 物业管理委员会)."""

from .committees import (
    Committee,
    CommitteeCandidate,
    CommitteeDocument,
    CommitteeEvent,
    CommitteeQuerySet,
    MemberEnd,
)
from .drafts import NoticeDraft, NoticeDraftEvent, NoticeDraftQuerySet  # issue 19 (review)
from .meetings import (
    MATTER_CHOICES,
    Attendance,
    Decision,
    FollowUpTask,
    Level,
    Meeting,
    MeetingEvent,
    MeetingQuerySet,
    MeetingSeries,
    Referral,
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
from .proposals import (  # issue 19 (review)
    AssemblyRequest,
    AssemblyRequestEvent,
    Proposal,
    ProposalAnswer,
    RequestSignature,
)
from .ratings import RATING_ITEMS, ServiceRating, ServiceRatingQuerySet
from .selection import SelectionCase, SelectionCaseQuerySet, SelectionEvent

# -- surveys (issue 19 item 5) --
from .surveys import Survey, SurveyOption, SurveyQuerySet, SurveyQuestion, SurveyResponse

__all__ = [
    "Committee",
    "CommitteeDocument",
    "CommitteeEvent",
    "CommitteeQuerySet",
    "CommitteeCandidate",
    "MemberEnd",
    "MATTER_CHOICES",
    "Level",
    "MeetingQuerySet",
    "Meeting",
    "Attendance",
    "Decision",
    "FollowUpTask",
    "MeetingEvent",
    "MeetingSeries",
    "Referral",
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
    # issue 19 (review)
    "NoticeDraft",
    "NoticeDraftEvent",
    "NoticeDraftQuerySet",
    "Proposal",
    "ProposalAnswer",
    "AssemblyRequest",
    "AssemblyRequestEvent",
    "RequestSignature",

    # -- surveys (issue 19 item 5) --
    "Survey",
    "SurveyQuerySet",
    "SurveyQuestion",
    "SurveyOption",
    "SurveyResponse",

    # issue 19 (reach)
    "RATING_ITEMS",
    "ServiceRating",
    "ServiceRatingQuerySet",
]
