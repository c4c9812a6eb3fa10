from django.contrib import admin

from linli.core.admin import EventAdmin, ReadOnlyAdmin
from linli.dashboard.models import AssessmentWeights, MonthlyScore, ScoreEvent


@admin.register(AssessmentWeights)
class AssessmentWeightsAdmin(ReadOnlyAdmin):
    """Weights change on the weights page (a new row each time), never here."""

    list_display = ["district", "effective_from", "response", "resolution", "satisfaction", "complaints", "on_time",
                    "repeat", "fees", "created_by", "created_at"]
    list_filter = ["district"]


@admin.register(ScoreEvent)
class ScoreEventAdmin(EventAdmin):
    list_display = ["at", "kind", "district", "month", "actor", "reason"]
    list_filter = ["kind", "district"]


@admin.register(MonthlyScore)
class MonthlyScoreAdmin(ReadOnlyAdmin):
    list_display = ["month", "subject", "name", "score", "rank_district", "rank_street", "event"]
    list_filter = ["subject", "district", "month"]
    search_fields = ["name"]
