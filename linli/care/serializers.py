"""Serializers of the care API (read-only outputs, small inputs; choice values as plain strings)."""

from rest_framework import serializers

from linli.care import models as m
from linli.core.api import choice_text
from linli.people.models import Person, User
from linli.places.serializers import VisibleRelatedField
from linli.volunteers.serializers import Out


class SubjectSerializer(Out):
    name = serializers.CharField(source="person.name", read_only=True)
    kinds = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = m.CareSubject
        fields = ["id", "person", "name", "kinds", "community", "estate", "home", "guardian_contact", "note", "active",
                  "created_at"]


class SubjectInput(serializers.Serializer):
    person = VisibleRelatedField(queryset=Person.objects.all())
    kinds = serializers.ListField(child=choice_text(m.CareSubject.Kind.choices), required=False, allow_null=True,
                                  default=None,
                                  help_text="elderly_alone, disabled, hardship, left_behind_child；不填按人员登记的标记")
    guardian_contact = serializers.CharField(required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="")


class PlanSerializer(Out):
    visitors = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = m.VisitPlan
        fields = ["id", "subject", "frequency", "visitors", "next_due", "active", "created_at"]


class PlanInput(serializers.Serializer):
    subject = VisibleRelatedField(queryset=m.CareSubject.objects.all())
    frequency = choice_text(m.VisitPlan.Frequency.choices, help_text="weekly, biweekly, monthly")
    visitors = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), many=True)
    first_due = serializers.DateField(required=False, allow_null=True)


class ProblemSerializer(Out):
    class Meta:
        model = m.Problem
        fields = ["id", "visit", "description", "urgent", "place", "status", "work_order_ref", "resolved_at",
                  "resolution"]


class VisitSerializer(Out):
    problems = ProblemSerializer(many=True, read_only=True)

    class Meta:
        model = m.Visit
        fields = ["id", "subject", "plan", "visited_at", "visitor", "visitor_person", "recorded_by", "via", "condition",
                  "notes", "recorded_at", "problems"]


class VisitInput(serializers.Serializer):
    subject = VisibleRelatedField(queryset=m.CareSubject.objects.all())
    visited_at = serializers.DateTimeField()
    condition = choice_text(m.Visit.Condition.choices, help_text="good, fair, poor, urgent")
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    problems = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    urgent_problems = serializers.ListField(child=serializers.CharField(), required=False, default=list)
    problem_place = choice_text(m.Problem.Place.choices, help_text="common, home", required=False, default="home")


class ResolveInput(serializers.Serializer):
    resolution = serializers.CharField(max_length=200)

