"""The dashboard's own tables. Each part keeps its models in its own module, imported here."""

from .assessment import AssessmentWeights, MonthlyScore, ScoreEvent, Subject
from .visits import OverviewVisit

__all__ = ["AssessmentWeights", "MonthlyScore", "OverviewVisit", "ScoreEvent", "Subject"]
