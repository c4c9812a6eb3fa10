"""Append-only rows: the one base for every event, log and ledger model.

An event says who (``actor``) did what (``kind``, with its details in ``data``) and when (``at``). Once written
it is never changed or deleted by the application: a mistake is corrected by a new row (a reversal, a void, a
newer correction). The guard is on every way Django writes a row: ``save()`` of a stored row, ``delete()``, and
the queryset's ``update()`` and ``delete()`` all raise :class:`AppendOnlyError`. The admin shows events read-only
(:class:`linli.core.admin.EventAdmin`).

The one exception is retention (PIPL art. 19): a retention job may delete rows past their period or mask personal
data in them, and says so by name — ``Model.objects.filter(...).retention_delete()`` and
``.retention_redact(field=value)`` — so that a search for those two words finds every place a stored event
changes.

A model that keeps domain names for some of these columns (a ledger's ``approved_by``) subclasses
:class:`AppendOnly` and gets the guard alone; every other one subclasses :class:`Event`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(ValueError):
    """An attempt to change or delete a stored append-only row (a programming error, never a user's)."""


def _refuse(model, what: str):
    raise AppendOnlyError(f"{model._meta.label} rows are append-only: {what} is refused; write a new row instead")


class AppendOnlyQuerySet(models.QuerySet):
    """Refuses ``update()`` and ``delete()``; retention jobs use the two methods named for what they do."""

    def update(self, **kwargs):
        _refuse(self.model, "update()")

    def delete(self):
        _refuse(self.model, "delete()")

    # Django's own bulk writers of stored rows go through update(); named here so that nobody has to look.
    def bulk_update(self, objs, fields, batch_size=None):
        _refuse(self.model, "bulk_update()")

    def retention_delete(self) -> tuple[int, dict[str, int]]:
        """Delete the rows of this queryset because their retention period is over (PIPL art. 19)."""
        return super().delete()

    def retention_redact(self, **fields) -> int:
        """Overwrite personal data in these rows (masking, clearing) at the end of its retention period."""
        return super().update(**fields)


class AppendOnly(models.Model):
    """Abstract: a row that is written once and never changed or deleted (see the module docstring)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding and not kwargs.get("force_insert"):
            _refuse(type(self), "save() of a stored row")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        _refuse(type(self), "delete()")


class Event(AppendOnly):
    """Abstract: who did what, when — ``actor`` (null for the system), ``kind``, ``data``, ``at``."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=40)
    data = models.JSONField(_("内容"), default=dict, blank=True)

    class Meta(AppendOnly.Meta):
        abstract = True


def append_only_models() -> list[type[AppendOnly]]:
    """Every concrete model with the append-only guard, found by inheritance (for tests and checks)."""
    from django.apps import apps

    return [m for m in apps.get_models() if issubclass(m, AppendOnly)]
