"""Resident orders (群众点单、超市下单、物业接单, seed 004) and the estate's parcel station (驿站)."""


from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.events import Event
from linli.volunteers.models import Volunteer
from linli.volunteers.scoping import person_q


def _estate_staff_q(user, field: str = "estate"):
    from linli.people.scopes import scope_for

    scope = scope_for(user)
    from django.apps import apps

    Estate = apps.get_model("places", "Estate")
    if not (scope.paths or scope.estate_ids or scope.cluster_ids or scope.org_ids):
        return Q(pk__in=[])
    return Q(**{f"{field}__in": Estate.objects.filter(scope.estate_q(staff_only=True)).values("pk")})


def _own_org_q(user, field: str):
    from linli.people.scopes import scope_for

    ids = scope_for(user).own_org_ids
    return Q(**{f"{field}__in": sorted(ids)}) if ids else Q(pk__in=[])


class ProviderQuerySet(models.QuerySet):
    def visible_to(self, user):
        from linli.people.scopes import scope_for

        scope = scope_for(user)
        q = _estate_staff_q(user) | _own_org_q(user, "organization")
        if scope.resident_estate_ids:
            q |= Q(estate_id__in=sorted(scope.resident_estate_ids))
        return self.filter(q)


class Provider(models.Model):
    """An organisation that takes residents' orders in an estate (物业, 超市, 社区食堂, 家政 …)."""

    organization = models.ForeignKey("people.Organization", verbose_name=_("服务单位"), on_delete=models.PROTECT,
                                     related_name="order_providers")
    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT,
                               related_name="order_providers")
    active = models.BooleanField(_("接单中"), default=True)

    objects = ProviderQuerySet.as_manager()

    class Meta:
        verbose_name = _("接单单位")
        verbose_name_plural = _("接单单位")
        ordering = ["estate_id", "organization__name"]
        constraints = [models.UniqueConstraint(fields=["organization", "estate"], name="provider_once_per_estate")]

    def __str__(self):
        return f"{self.organization} · {self.estate}"


class OfferingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(provider__in=Provider.objects.visible_to(user))


class Offering(models.Model):
    """A service or goods a provider offers in an estate, with its price (recorded, not charged here)."""

    class Kind(models.TextChoices):
        SERVICE = "service", _("上门服务")
        GOODS = "goods", _("商品")
        MEAL = "meal", _("助老餐")

    provider = models.ForeignKey(Provider, verbose_name=_("接单单位"), on_delete=models.PROTECT,
                                 related_name="offerings")
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    price = models.DecimalField(_("单价(元)"), max_digits=10, decimal_places=2)
    unit = models.CharField(_("单位"), max_length=16, default="次")
    bulky = models.BooleanField(_("大件（可请志愿者送上楼）"), default=False)
    active = models.BooleanField(_("上架"), default=True)

    objects = OfferingQuerySet.as_manager()

    class Meta:
        verbose_name = _("点单项目")
        verbose_name_plural = _("点单项目")
        ordering = ["provider_id", "kind", "name"]
        constraints = [models.CheckConstraint(condition=Q(price__gte=0), name="offering_price_not_negative")]

    def __str__(self):
        return self.name


class ResidentOrderQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(person_q(user) | _own_org_q(user, "provider__organization") | _estate_staff_q(user))


class ResidentOrder(models.Model):
    """A resident's order (群众点单) to a provider of their estate: placed → accepted → completed.

    No money moves here: the amount is recorded; payment will go through the fee app's gateway."""

    class Status(models.TextChoices):
        PLACED = "placed", _("已下单")
        ACCEPTED = "accepted", _("已接单")
        COMPLETED = "completed", _("已完成")
        CANCELLED = "cancelled", _("已取消")
        REFUSED = "refused", _("已拒单")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("下单居民"), on_delete=models.PROTECT,
                               related_name="orders")
    provider = models.ForeignKey(Provider, verbose_name=_("接单单位"), on_delete=models.PROTECT, related_name="orders")
    offering = models.ForeignKey(Offering, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="orders")
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    amount = models.DecimalField(_("金额(元)"), max_digits=10, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    wanted_on = models.DateField(_("希望日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.PLACED, db_index=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("下单账号"), on_delete=models.PROTECT,
                                  related_name="+")
    placed_at = models.DateTimeField(_("下单时间"), default=timezone.now)
    accepted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接单人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("接单时间"), null=True, blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    reason = models.CharField(_("取消/拒单原因"), max_length=200, blank=True)

    objects = ResidentOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("居民点单")
        verbose_name_plural = _("居民点单")
        ordering = ["-placed_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gte=0), name="order_amount_not_negative")]

    def __str__(self):
        return f"{self.offering} × {self.quantity}"


class OrderEvent(Event):
    """What happened to an order, who did it and when (append-only)."""

    order = models.ForeignKey(ResidentOrder, verbose_name=_("点单"), on_delete=models.PROTECT, related_name="events")

    class Meta(Event.Meta):
        verbose_name = _("点单记录")
        verbose_name_plural = _("点单记录")
        ordering = ["order_id", "at", "pk"]

    def __str__(self):
        return f"{self.order} {self.kind}"


class ParcelQuerySet(models.QuerySet):
    def visible_to(self, user):
        from linli.people.scopes import scope_for

        scope = scope_for(user)
        return self.filter(person_q(user, "recipient") | Q(courier_id=scope.person_id or 0) | _estate_staff_q(user))

    def delivery_pool(self, user):
        """Parcels waiting for a volunteer, in the communities where the user volunteers."""
        from linli.people.scopes import scope_for

        person_id = scope_for(user).person_id
        communities = Volunteer.objects.filter(person_id=person_id, active=True).values("community_id")
        return self.filter(status=Parcel.Status.DELIVERY_REQUESTED, estate__community__in=communities).exclude(
            recipient_id=person_id or 0)


class Parcel(models.Model):
    """A parcel or bulky item held at the estate's station, picked up with a code or carried up by a volunteer."""

    class Status(models.TextChoices):
        WAITING = "waiting", _("待取件")
        DELIVERY_REQUESTED = "delivery_requested", _("待志愿者送达")
        OUT_FOR_DELIVERY = "out_for_delivery", _("志愿者配送中")
        PICKED_UP = "picked_up", _("已取件")
        DELIVERED = "delivered", _("已送达")

    estate = models.ForeignKey("places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+")
    home = models.ForeignKey("places.Home", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey("people.Person", verbose_name=_("收件人"), on_delete=models.PROTECT,
                                  related_name="parcels")
    description = models.CharField(_("物品"), max_length=100)
    bulky = models.BooleanField(_("大件/重物"), default=False)
    order = models.ForeignKey(ResidentOrder, verbose_name=_("来自点单"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="parcels")
    code = models.CharField(_("取件码"), max_length=6)
    status = models.CharField(_("状态"), max_length=24, choices=Status.choices, default=Status.WAITING, db_index=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT,
                                      related_name="+")
    arrived_at = models.DateTimeField(_("到站时间"), default=timezone.now)
    delivery_requested_at = models.DateTimeField(_("申请送达时间"), null=True, blank=True)
    courier = models.ForeignKey("people.Person", verbose_name=_("送达志愿者"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    taken_at = models.DateTimeField(_("志愿者接单时间"), null=True, blank=True)
    handed_at = models.DateTimeField(_("交付时间"), null=True, blank=True)

    objects = ParcelQuerySet.as_manager()

    class Meta:
        verbose_name = _("驿站包裹")
        verbose_name_plural = _("驿站包裹")
        ordering = ["-arrived_at", "-pk"]
        indexes = [models.Index(fields=["estate", "code"])]

    def __str__(self):
        return f"{self.description} · {self.code}"
