"""API of owners' decisions under /api/v1/assembly/.

Who may do what (the same answers as the pages):

* reads: members, limited to ``visible_to`` (strangers 404); meetings, ballots lists and cases: staff only;
* writes: admins of the estate's community/street/district (``can_write_estate``); other roles 403, nothing changed;
* voting: a resident, for the electors (homes) they own; anyone else 404 for someone else's elector;
* ``POST tally/``: the CLI's count as a service (no database write);
* ``GET public/estates/{id}/notices/``: no sign-in, no personal data.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import path
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from linli.assembly import filters, serializers, services, tally
from linli.assembly import permissions as assembly_permissions
from linli.assembly.models import Ballot, Meeting, Motion, Notice, SelectionCase
from linli.assembly.selectors import public_notices, sees_choices
from linli.core.api import IsMember, ScopedViewSet
from linli.people.models import Organization
from linli.people.scopes import scope_for
from linli.places.models import Estate


def _staff_for(request, estate):
    if not Estate.objects.managed_by_staff_of(request.user).filter(pk=estate.pk).exists():
        raise Http404


class AssemblyViewSet(ScopedViewSet):
    """Scoped reads; creates and steps call the services, whose refusals linli.core.api.exception_handler answers."""

    def create(self, request, *args, **kwargs):
        if not (scope_for(request.user).admin_paths or scope_for(request.user).admin_estate_ids):
            raise exceptions.PermissionDenied(_("只读角色不能修改"))
        return super().create(request, *args, **kwargs)


def _ballot_choice(motion, value):
    try:
        return motion.parse_ballot_choice(value)
    except ValueError:
        raise ValidationError({"choice": _("须为本次表决的选项之一：%(values)s") % {
            "values": ", ".join(v for v, _label in motion.ballot_choices())}}) from None


class MotionViewSet(AssemblyViewSet):
    """业主表决 (Civil Code art. 278): draft, open (electorate snapshot), vote, close (count + notice)."""

    queryset = Motion.objects.select_related("estate")
    serializer_class = serializers.AssemblyMotionSerializer
    filterset_class = filters.MotionFilterSet

    def perform_create(self, serializer):
        d = serializer.validated_data
        self.require_write(estate=d["estate"])
        d = dict(d)
        d["options"] = [dict(o) for o in d.get("options") or []]
        serializer.instance = services.motion_create(actor=self.request.user, **d)


    @extend_schema(request=serializers.AssemblyOpenSerializer, responses=serializers.AssemblyMotionSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        motion = self.get_object()
        self.require_write(estate=motion.estate)
        s = serializers.AssemblyOpenSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        motion = services.motion_open(motion=motion, actor=request.user,
                                     developer_home_ids=s.validated_data["developer_home_ids"])
        return Response(serializers.AssemblyMotionSerializer(motion, context={"request": request}).data)

    @extend_schema(request=None, responses=serializers.AssemblyMotionSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        motion = self.get_object()
        self.require_write(estate=motion.estate)
        motion = services.motion_close(motion=motion, actor=request.user)
        return Response(serializers.AssemblyMotionSerializer(motion, context={"request": request}).data)

    @extend_schema(request=serializers.AssemblyVoteSerializer, responses=serializers.AssemblyMyElectorSerializer(many=True))
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        """A resident votes (or changes their vote) for the homes they own."""
        motion = self.get_object()
        s = serializers.AssemblyVoteSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        elector = services.electors_of(motion, request.user).filter(pk=s.validated_data["elector"]).first()
        if elector is None:
            raise Http404
        choice, option = _ballot_choice(motion, s.validated_data["choice"])
        services.ballot_cast(motion=motion, elector=elector, choice=choice, option=option, actor=request.user,
                             replaces=s.validated_data.get("replaces"))
        return self.mine(request, pk)

    @extend_schema(request={"multipart/form-data": serializers.AssemblyPaperBallotSerializer},
                   responses=serializers.AssemblyBallotRowSerializer(many=True))
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def paper(self, request, pk=None):
        """Staff enter a paper ballot with its scanned sheet."""
        motion = self.get_object()
        # Refused before the upload is read; the service decides the same (linli/assembly/permissions.py).
        if not assembly_permissions.can_record_paper_ballot(request.user, motion):
            raise exceptions.PermissionDenied(_("只读角色或范围外不能修改"))
        s = serializers.AssemblyPaperBallotSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        elector = get_object_or_404(motion.electors, pk=s.validated_data["elector"])
        choice, option = _ballot_choice(motion, s.validated_data["choice"])
        services.ballot_cast(motion=motion, elector=elector, choice=choice, option=option,
                             channel="paper", sheet=s.validated_data["sheet"], actor=request.user,
                             replaces=s.validated_data.get("replaces"))
        return self.ballots(request, pk)

    @extend_schema(responses=serializers.AssemblyBallotRowSerializer(many=True))
    @action(detail=True, methods=["get"])
    def ballots(self, request, pk=None):
        """The electorate and who voted; how only on an open vote and only for the community, street and district
        (never for the property company). Staff of the estate only."""
        motion = self.get_object()
        _staff_for(request, motion.estate)
        show = sees_choices(request.user, motion)
        rows = []
        for e in motion.electors.select_related("ballot__current").order_by("id"):
            ballot = getattr(e, "ballot", None)
            e.voted = ballot is not None
            e.channel = ballot.channel if ballot else None
            e.choice = ((f"option:{ballot.option_id}" if ballot.option_id else ballot.choice)
                        if ballot and show else None)
            e.ballot_id, e.event = (ballot.pk, ballot.current_id) if ballot else (None, None)
            e.at = ballot.current.at if ballot and ballot.current else None
            rows.append(e)
        return Response(serializers.AssemblyBallotRowSerializer(rows, many=True).data)

    @extend_schema(responses=serializers.AssemblyMyElectorSerializer(many=True))
    @action(detail=True, methods=["get"])
    def mine(self, request, pk=None):
        """The caller's own electors on this motion (their homes, area and current choice)."""
        motion = self.get_object()
        rows = []
        for e in services.electors_of(motion, request.user).prefetch_related("homes__home__building"):
            e.homes_list = [str(eh.home) for eh in e.homes.all()]
            ballot = Ballot.objects.filter(elector=e).first()
            choice = (f"option:{ballot.option_id}" if ballot.option_id else ballot.choice) if ballot else None
            rows.append({"pk": e.pk, "area": e.area, "homes": e.homes_list, "choice": choice,
                         "channel": ballot.channel if ballot else None, "event": ballot.current_id if ballot else None})
        return Response(serializers.AssemblyMyElectorSerializer(rows, many=True).data)


class MeetingViewSet(AssemblyViewSet):
    """会议: owners' assemblies, committee meetings and consultation meetings, with minutes and tasks."""

    queryset = Meeting.objects.select_related("estate", "division").prefetch_related("attendance", "decisions",
                                                                                     "tasks")
    serializer_class = serializers.AssemblyMeetingSerializer
    filterset_class = filters.MeetingFilterSet

    def perform_create(self, serializer):
        d = serializer.validated_data
        estate = d.get("estate") or (d["building"].estate if d.get("building") else None)
        self.require_write(estate=estate, division=d.get("division"))
        serializer.instance = services.meeting_schedule(actor=self.request.user, **d)

    @extend_schema(request=serializers.AssemblyMinutesSerializer, responses=serializers.AssemblyMeetingSerializer)
    @action(detail=True, methods=["post"])
    def minutes(self, request, pk=None):
        meeting = self.get_object()
        self.require_write(estate=meeting.estate, division=meeting.division)
        s = serializers.AssemblyMinutesSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        services.meeting_record(meeting=meeting, minutes=d["minutes"], decisions=d["decisions"],
                                attendees=[(a["name"], a.get("capacity", "")) for a in d["attendees"]],
                                actor=request.user)
        return Response(serializers.AssemblyMeetingSerializer(self.get_object(), context={"request": request}).data)

    @extend_schema(request=serializers.AssemblyTaskSerializer, responses=serializers.AssemblyTaskSerializer)
    @action(detail=True, methods=["post"])
    def tasks(self, request, pk=None):
        meeting = self.get_object()
        self.require_write(estate=meeting.estate, division=meeting.division)
        s = serializers.AssemblyTaskSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        task = services.task_add(meeting=meeting, title=d["title"], assignee=d["assignee"], due=d.get("due"),
                                 decision=d.get("decision"), actor=request.user)
        return Response(serializers.AssemblyTaskSerializer(task).data, status=201)


class NoticeViewSet(AssemblyViewSet):
    """公示: notices with a notice period; residents acknowledge them."""

    queryset = Notice.objects.select_related("estate", "community").prefetch_related("attachments")
    serializer_class = serializers.AssemblyNoticeSerializer
    filterset_class = filters.NoticeFilterSet

    def perform_create(self, serializer):
        d = serializer.validated_data
        estate = d.get("estate") or (d["building"].estate if d.get("building") else None)
        self.require_write(estate=estate, division=d.get("community"))
        serializer.instance = services.notice_post(actor=self.request.user, **d)

    @extend_schema(request=None, responses=serializers.AssemblyNoticeSerializer)
    @action(detail=True, methods=["post"])
    def ack(self, request, pk=None):
        notice = self.get_object()
        if not scope_for(request.user).home_ids:
            raise exceptions.PermissionDenied(_("只有居民可以确认已阅"))
        services.notice_acknowledge(notice=notice, user=request.user)
        return Response(self.get_serializer(notice).data)

    @extend_schema(request=serializers.AssemblyWithdrawSerializer, responses=serializers.AssemblyNoticeSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Take a notice down with a reason (it is kept); a vote's result notice cannot be withdrawn."""
        notice = self.get_object()
        self.require_write(estate=notice.estate, division=notice.community)
        s = serializers.AssemblyWithdrawSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.notice_withdraw(notice=notice, reason=s.validated_data["reason"], actor=request.user)
        return Response(self.get_serializer(notice).data)


class SelectionCaseViewSet(AssemblyViewSet):
    """选聘案: an unmanaged estate finding a manager, or a contract up for renewal (art. 947)."""

    queryset = SelectionCase.objects.select_related("estate").prefetch_related("events")
    serializer_class = serializers.AssemblySelectionCaseSerializer
    filterset_class = filters.SelectionCaseFilterSet

    def get_queryset(self):
        return super().get_queryset().filter(estate__in=Estate.objects.managed_by_staff_of(self.request.user))

    def perform_create(self, serializer):
        d = serializer.validated_data
        self.require_write(estate=d["estate"])
        serializer.instance = services.selection_open(actor=self.request.user, estate=d["estate"],
                                                      deadline=d.get("deadline"))

    def _step(self, request, fn, **mapping):
        case = self.get_object()
        self.require_write(estate=case.estate)
        s = serializers.AssemblyCaseStepSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        motions = Motion.objects.filter(estate=case.estate)
        refs = {
            "motion": lambda v: motions.filter(pk=v).first(),
            "committee_meeting": lambda v: Meeting.objects.filter(estate=case.estate, pk=v).first(),
            "provider": lambda v: Organization.objects.visible_to(request.user).filter(pk=v).first(),
        }
        kwargs = {}
        for arg, field in mapping.items():
            value = d.get(field)
            kwargs[arg] = refs[field](value) if field in refs and value is not None else value
        fn(case=case, actor=request.user, **kwargs)
        return Response(self.get_serializer(self.get_object()).data)

    @extend_schema(request=serializers.AssemblyCaseStepSerializer, responses=serializers.AssemblySelectionCaseSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        return self._step(request, services.selection_decide_mode, mode="mode", motion="motion", start="start")

    @extend_schema(request=serializers.AssemblyCaseStepSerializer, responses=serializers.AssemblySelectionCaseSerializer)
    @action(detail=True, methods=["post"])
    def hire(self, request, pk=None):
        return self._step(request, services.selection_hire, provider="provider", motion="motion",
                          committee_meeting="committee_meeting", start="start", contract_end="contract_end",
                          contract_no="contract_no")

    @extend_schema(request=serializers.AssemblyCaseStepSerializer, responses=serializers.AssemblySelectionCaseSerializer)
    @action(detail=True, methods=["post"])
    def custodian(self, request, pk=None):
        return self._step(request, services.selection_appoint_custodian, provider="provider", consent="motion",
                          start="start", contract_end="contract_end")


class TallyView(APIView):
    """Count a vote from a document shaped like the CLI's file; nothing is stored."""

    permission_classes = [IsMember]
    parser_classes = [JSONParser]

    @extend_schema(request=serializers.AssemblyTallySerializer, responses=serializers.AssemblyTallyResultSerializer)
    def post(self, request):
        doc = request.data
        if isinstance(doc, dict):
            # JSON numbers were parsed as floats by DRF; go through their text so that 62.5 stays 62.5.
            for row in doc.get("homes") or []:
                if isinstance(row, dict) and isinstance(row.get("area"), float):
                    row["area"] = Decimal(repr(row["area"]))
        try:
            result = tally.tally_document(doc)
        except tally.TallyError as exc:  # the document does not add up: the caller's data, not a bug
            raise ValidationError(str(exc), code="invalid_document") from None
        return Response(result.as_dict())


class PublicNoticesView(APIView):
    """The notices on an estate's public board (no sign-in, no personal data)."""

    permission_classes = [permissions.AllowAny]
    authentication_classes = []

    @extend_schema(responses=serializers.AssemblyPublicNoticeSerializer(many=True))
    def get(self, request, pk):
        from django.utils import timezone

        estate = get_object_or_404(Estate.objects.select_related("community"), pk=pk)
        notices = public_notices(estate, timezone.localdate())
        return Response(serializers.AssemblyPublicNoticeSerializer(notices, many=True).data)


def register(router):
    router.register("assembly/motions", MotionViewSet, basename="assembly-motion")
    router.register("assembly/meetings", MeetingViewSet, basename="assembly-meeting")
    router.register("assembly/notices", NoticeViewSet, basename="assembly-notice")
    router.register("assembly/cases", SelectionCaseViewSet, basename="assembly-case")


extra_urls = [
    path("assembly/tally/", TallyView.as_view(), name="assembly-tally"),
    path("assembly/public/estates/<int:pk>/notices/", PublicNoticesView.as_view(), name="assembly-public-notices"),
]
