"""The repair fund's state changes: the account and its shares, deposits and top-ups, the use from application to
staged payout, emergency use, the ledger's verification. Every rule cites its article (see docs/repair-fund.md).

Each service is keyword-only, validated (ValidationError naming the field), in one transaction, and records who
and when (the movements themselves, the application's columns, FundEvent).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.assembly.models import Motion, Notice
from linli.assembly.services import motion_create, notice_post
from linli.core import uploads
from linli.fees.chain import seal_many, verify_chain
from linli.notify.services import notify, recipients
from linli.people.models import Occupancy, Organization, Post, User
from linli.places.models import Building, Estate, Home

from . import permissions
from .apportion import CENT, Basis, apportion, apportion_art86, split
from .models import (
    PUBLIC_INCOME_SHARE,
    ZERO,
    Account,
    Application,
    Apportionment,
    Emergency,
    FundEvent,
    Movement,
    PropertyKind,
    Quote,
    SellerCharge,
    Share,
    Stage,
    TopUpCall,
    total,
)


def _money(value, field: str, *, allow_zero: bool = False) -> Decimal:
    try:
        value = Decimal(value)
    except Exception:  # noqa: BLE001 - any unparsable input is the same error
        raise ValidationError({field: _("请填写金额")}) from None
    if not value.is_finite() or value < 0 or (value == 0 and not allow_zero) or value != value.quantize(CENT) \
            or value >= Decimal("1e12"):
        raise ValidationError({field: _("金额必须大于0，最多两位小数")})
    return value.quantize(CENT)


def _event(kind: str, *, account: Account, actor, now, application: Application | None = None, **data) -> None:
    FundEvent.objects.create(account=account, application=application, kind=kind, actor=actor, at=now, data=data)


# -- the account ------------------------------------------------------------------------------------------------


def _holder(holder: str, estate: Estate) -> str:
    if holder not in Account.Holder.values:
        raise ValidationError({"holder": _("请选择管理方式")})
    if holder == Account.Holder.OWNERS and not _has_committee(estate):
        # Beijing art. 84 para. 1: without an elected committee the city's office holds the fund.
        raise ValidationError({"holder": _("未选举产生业主委员会的，专项维修资金由市住房资金管理部门代管")})
    return holder


def _share_fields(kind: str, seller: str = "", seller_deposit=ZERO) -> dict:
    """A home's kind of property and, for sold public housing (售后公房), its selling unit and what that unit
    deposited for it (Beijing art. 82 para. 2), checked: only a sold public home has a selling unit."""
    if kind not in PropertyKind.values:
        raise ValidationError({"kind": _("请选择房屋性质：商品住宅、售后公房或非住宅")})
    seller = (seller or "").strip()
    deposit = _money(seller_deposit if seller_deposit not in (None, "") else ZERO, "seller_deposit",
                     allow_zero=True)
    if kind != PropertyKind.SOLD_PUBLIC:
        if seller or deposit:
            raise ValidationError({"seller": _("只有售后公房有售房单位及其交存的维修资金")})
        return {"kind": kind, "seller": "", "seller_deposit": ZERO}
    if deposit and not seller:
        raise ValidationError({"seller": _("请填写售房单位")})
    if len(seller) > 100:  # refused, not cut: a truncated name would no longer name the unit that owes
        raise ValidationError({"seller": _("售房单位名称最多100字")})
    return {"kind": kind, "seller": seller, "seller_deposit": deposit}


@transaction.atomic
def account_open(*, estate: Estate, rate: Decimal, holder: str, actor, bank_account: str = "",
                 opened_on: datetime.date | None = None, shares: dict | None = None, now=None) -> Account:
    """Open the estate's account with one share per home: each home's first deposit due is its floor area × the
    rate (Beijing art. 81 para. 1: owners pay the fund in full; 物业管理条例 art. 53). ``holder``: the city's
    housing-fund office, or the owners' own account where a committee exists (Beijing art. 84).

    ``shares`` ({home id: {"kind", "seller", "seller_deposit"}}) gives the homes that are not commercial housing:
    sold public homes (售后公房) with their selling unit and what it deposited for each (art. 82 para. 2), and
    non-residential property; every other home is commercial housing (商品住宅)."""
    now = now or timezone.now()
    permissions.require_run(actor, estate)
    if Account.objects.filter(estate=estate).exists():
        raise ValidationError({"estate": _("该小区已建立专项维修资金账户")})
    holder = _holder(holder, estate)
    rate = _money(rate, "rate")
    homes = list(Home.objects.filter(estate=estate).order_by("pk"))
    if not homes:
        raise ValidationError({"estate": _("本小区没有登记任何房屋")})
    given = dict(shares or {})
    unknown = set(given) - {h.pk for h in homes}
    if unknown:
        raise ValidationError({"shares": _("房屋须属于本小区")})
    fields = {pk: _share_fields(**value) for pk, value in given.items()}
    dues = {h.pk: (h.area * rate).quantize(CENT) for h in homes}
    account = Account.objects.create(
        estate=estate, holder=holder, bank_account=bank_account.strip()[:100], rate=rate,
        first_amount=sum(dues.values(), ZERO), opened_on=opened_on or timezone.localdate(now), opened_by=actor)
    Share.objects.bulk_create([Share(account=account, home=h, area=h.area, due=dues[h.pk], **fields.get(h.pk, {}))
                               for h in homes])
    sold = [f for f in fields.values() if f["kind"] == PropertyKind.SOLD_PUBLIC]
    _event("opened", account=account, actor=actor, now=now, rate=str(rate), holder=holder,
           first_amount=str(account.first_amount), sold_public=len(sold),
           seller_deposits=str(sum((f["seller_deposit"] for f in sold), ZERO)),
           non_residential=sum(f["kind"] == PropertyKind.NON_RESIDENTIAL for f in fields.values()))
    return account


def _before_after(obj, changes: dict) -> tuple[dict, dict]:
    before, after = {}, {}
    for field, value in changes.items():
        if getattr(obj, field) != value:
            before[field], after[field] = getattr(obj, field), value
    as_json = {k: str(v) if isinstance(v, Decimal) else v for k, v in before.items()}
    return as_json, after


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写变更原因")})
    return reason[:200]


@transaction.atomic
def account_change(*, account: Account, reason: str, actor, holder: str | None = None, rate=None,
                   bank_account: str | None = None, now=None) -> Account:
    """Change who holds the fund or its deposit standard after opening, with the reason (Beijing art. 84 para. 2:
    with an elected committee the assembly may decide to hold the fund itself, or to entrust it to the city's
    housing-fund office; art. 83: top-ups are made at the standard then in force). Only those who may open the
    account change it; an event keeps each field before and after. Refused: no reason, nothing changed, the
    owners holding it without an elected owners' committee. The first collection and each home's first deposit
    stay as they were (they measure the 30% of art. 83)."""
    now = now or timezone.now()
    permissions.require_run(actor, account.estate)
    reason = _reason(reason)
    account = _lock(account)
    changes = {}
    if holder is not None and holder != account.holder:
        changes["holder"] = _holder(holder, account.estate)
    if rate is not None:
        changes["rate"] = _money(rate, "rate")
    if bank_account is not None:
        changes["bank_account"] = bank_account.strip()[:100]
    before, after = _before_after(account, changes)
    if not after:
        raise ValidationError({"reason": _("没有要变更的内容")})
    for field, value in after.items():
        setattr(account, field, value)
    account.save(update_fields=sorted(after))
    _event("changed", account=account, actor=actor, now=now, reason=reason, before=before,
           after={k: str(v) if isinstance(v, Decimal) else v for k, v in after.items()})
    return account


@transaction.atomic
def share_change(*, share: Share, kind: str, reason: str, actor, seller: str = "", seller_deposit=ZERO,
                 now=None) -> Share:
    """Correct or update a home's kind of property, its selling unit and what that unit deposited for it (e.g. the
    unit's top-up under Beijing art. 82 para. 2), with the reason; an event keeps the values before and after.
    Applications already filed keep the apportionment fixed when they were filed."""
    now = now or timezone.now()
    account = share.account
    permissions.require_run(actor, account.estate)
    reason = _reason(reason)
    share = Share.objects.select_for_update().get(pk=share.pk)
    before, after = _before_after(share, _share_fields(kind, seller, seller_deposit))
    if not after:
        raise ValidationError({"reason": _("没有要变更的内容")})
    for field, value in after.items():
        setattr(share, field, value)
    share.save(update_fields=sorted(after))
    _event("share_changed", account=account, actor=actor, now=now, home=share.home_id, reason=reason,
           before=before, after={k: str(v) if isinstance(v, Decimal) else v for k, v in after.items()})
    return share


def _has_committee(estate: Estate) -> bool:
    """An elected owners' committee (业主委员会, not a 物业管理委员会) with a member in office now (art. 84)."""
    return Post.objects.current().filter(organization__estate=estate,
                                         organization__kind=Organization.Kind.OWNERS_COMMITTEE).exists()


def _lock(account: Account) -> Account:
    """The account row locked: appending to its chain is serialised (the fees ledger locks its LedgerHead)."""
    return Account.objects.select_for_update().get(pk=account.pk)


def _movement(account: Account, *, home_id: int, kind: str, amount: Decimal, occurred_on, description: str, actor,
              now, application=None, stage=None, reverses=None) -> Movement:
    """An unsaved movement of ``account``; :func:`_append` links and writes it."""
    return Movement(
        account=account, home_id=home_id, kind=kind, amount=amount, occurred_on=occurred_on,
        description=description[:200], application=application, stage=stage, reverses=reverses,
        recorded_by=actor, created_at=now)


def _append(account: Account, rows: list[Movement]) -> list[Movement]:
    """Append ``rows`` to the chain of ``account``, locked by the caller (``_lock``): linli/fees/chain.py."""
    return seal_many(rows, account)


def _shares(account: Account, home_ids: Iterable[int] | None = None) -> dict[int, Share]:
    shares = account.shares.all()
    if home_ids is not None:
        shares = shares.filter(home_id__in=list(home_ids))
    return {s.home_id: s for s in shares}


@transaction.atomic
def deposit_first(*, account: Account, homes: Iterable[Home] | None = None, actor, occurred_on=None,
                  now=None) -> list[Movement]:
    """Record the first deposit (首期交存) of each home that has not paid it: its area × rate (Beijing art. 81)."""
    now = now or timezone.now()
    permissions.require_run(actor, account.estate)
    account = _lock(account)
    shares = _shares(account, [h.pk for h in homes] if homes is not None else None)
    paid = set(account.movements.filter(kind=Movement.Kind.FIRST).values_list("home_id", flat=True))
    on = occurred_on or timezone.localdate(now)
    rows = _append(account, [_movement(account, home_id=s.home_id, kind=Movement.Kind.FIRST, amount=s.due,
                                       occurred_on=on, description=_("首期交存"), actor=actor, now=now)
                             for hid, s in sorted(shares.items()) if hid not in paid])
    if rows:
        _event("first_deposits", account=account, actor=actor, now=now, homes=len(rows))
        _close_call_if_met(account, now)
    return rows


@transaction.atomic
def deposit_top_up(*, account: Account, home: Home, amount: Decimal, actor, occurred_on=None,
                   now=None) -> Movement:
    """A home's top-up (续筹): paid after a call under Beijing art. 83, at the standard then in force."""
    now = now or timezone.now()
    permissions.require_run(actor, account.estate)
    amount = _money(amount, "amount")
    account = _lock(account)
    if not account.shares.filter(home=home).exists():
        raise ValidationError({"home": _("该房屋不在本账户")})
    [row] = _append(account, [_movement(account, home_id=home.pk, kind=Movement.Kind.TOP_UP, amount=amount,
                                        occurred_on=occurred_on or timezone.localdate(now), description=_("续筹补足"),
                                        actor=actor, now=now)])
    _event("top_up", account=account, actor=actor, now=now, home=home.pk, amount=str(amount))
    _close_call_if_met(account, now)
    return row


def top_up_owed(share: Share) -> Decimal:
    """What a home should pay to bring its share up to the standard then in force (Beijing art. 83 "按照届时适用的
    标准补足"): its floor area × the account's current rate, less its balance; zero when it holds at least that.
    Unless the rate was changed (``account_change``), that is its first deposit."""
    standard = (share.area * share.account.rate).quantize(CENT)
    return max(standard - share.balance(), ZERO)


@transaction.atomic
def deposit_public_income(*, account: Account, income: Decimal, amount: Decimal | None = None, source: str,
                          actor, occurred_on=None, now=None) -> list[Movement]:
    """Public income (公共收益) put into the fund, shared among every home by area (Civil Code art. 283).

    Beijing art. 74 para. 2: while the balance is below 30% of the first collection, at least half of the public
    income tops up the fund first (the default ``amount`` then); otherwise the owners decide how much
    (物业管理条例 art. 54: mainly to the fund)."""
    now = now or timezone.now()
    permissions.require_run(actor, account.estate)
    income = _money(income, "income")
    account = _lock(account)
    minimum = (income * PUBLIC_INCOME_SHARE).quantize(CENT) if account.is_low() else ZERO
    amount = minimum if amount is None else _money(amount, "amount")
    if amount > income:
        raise ValidationError({"amount": _("补充金额不能超过公共收益")})
    if amount < minimum:
        raise ValidationError({"amount": _("维修资金余额不足首期筹集金额30%%时，公共收益的50%%以上（至少 %(min)s 元）"
                                           "应当优先补充维修资金") % {"min": minimum}})
    if amount == 0:
        raise ValidationError({"amount": _("金额必须大于0，最多两位小数")})
    if not source.strip():
        raise ValidationError({"source": _("请填写公共收益的来源")})
    shares = _shares(account)
    parts = apportion(amount, {hid: s.area for hid, s in shares.items()})
    on = occurred_on or timezone.localdate(now)
    text = _("公共收益补充：%(source)s") % {"source": source.strip()}
    rows = _append(account, [_movement(account, home_id=hid, kind=Movement.Kind.PUBLIC_INCOME, amount=part,
                                       occurred_on=on, description=text, actor=actor, now=now)
                             for hid, part in sorted(parts.items()) if part])
    _event("public_income", account=account, actor=actor, now=now, income=str(income), amount=str(amount))
    _close_call_if_met(account, now)
    return rows


@transaction.atomic
def deposit_interest(*, account: Account, amount: Decimal, source: str, actor, occurred_on=None,
                     now=None) -> list[Movement]:
    """Interest (利息) that the holder credited to the fund, as its statement says, posted to the shares in
    proportion to each home's balance on the day it was credited, exact to the cent by the largest remainder (ties:
    the smaller home id). Interest is the fruit of the money (法定孳息, Civil Code art. 321 para. 2) and each home's
    balance is its own — it goes with the home when sold and returns to the owner when the home is lost (Beijing
    art. 81 para. 2) — so the interest follows the balances, not the areas; a home whose balance is zero or below
    earns none. The fund belongs to the owners (Civil Code art. 281; Beijing art. 85), so the interest stays in it.
    Interest on what a selling unit deposited is that unit's and is not posted here."""
    now = now or timezone.now()
    permissions.require_run(actor, account.estate)
    amount = _money(amount, "amount")
    if not source.strip():
        raise ValidationError({"source": _("请填写利息的来源，例如住房资金管理部门的对账单")})
    account = _lock(account)
    on = occurred_on or timezone.localdate(now)
    balances = dict(account.movements.filter(occurred_on__lte=on).values_list("home_id").annotate(s=Sum("amount")))
    weights = {hid: balances.get(hid) or ZERO for hid in account.shares.values_list("home_id", flat=True)}
    if not any(w > 0 for w in weights.values()):
        raise ValidationError({"amount": _("入账日没有余额为正的分户账，利息无法按余额分配")})
    parts = split(amount, weights)
    text = _("利息：%(source)s") % {"source": source.strip()}
    rows = _append(account, [_movement(account, home_id=hid, kind=Movement.Kind.INTEREST, amount=part,
                                       occurred_on=on, description=text, actor=actor, now=now)
                             for hid, part in sorted(parts.items()) if part])
    _event("interest", account=account, actor=actor, now=now, amount=str(amount), source=source.strip()[:200],
           homes=len(rows))
    _close_call_if_met(account, now)
    return rows


def _owners(estate: Estate, home_ids=None):
    occupancies = Occupancy.objects.current().filter(home__estate=estate, relation__in=Occupancy.OWNING)
    if home_ids is not None:
        occupancies = occupancies.filter(home_id__in=list(home_ids))
    return recipients(User.objects.filter(person__in=occupancies.values("person_id"), is_active=True))


def check_top_up(*, account: Account, actor, now=None) -> TopUpCall | None:
    """Beijing art. 83: when the balance falls below 30% of the first collection, the owners are told to top it
    up. Called after every use; one open call at a time. The notice goes to each owner through linli.notify (their
    inbox and channel), with their home's statement as the link."""
    now = now or timezone.now()
    balance = account.balance()
    if not account.is_low(balance) or account.calls.filter(closed_at__isnull=True).exists():
        return None
    call = TopUpCall.objects.create(account=account, balance=balance, threshold=account.top_up_threshold,
                                    called_at=now)
    users = list(_owners(account.estate))
    if users:
        notify(users=users, kind="repair_fund", key=f"repairfund:topup:{call.pk}",
               title=_("%(estate)s专项维修资金余额不足，请补足") % {"estate": account.estate.name},
               body=_("余额 %(balance)s 元，已不足首期筹集金额的30%%（%(threshold)s 元）。依照《北京市物业管理条例》"
                      "第八十三条，请按标准补足您房屋的专项维修资金。") % {
                   "balance": balance, "threshold": call.threshold},
               link=reverse("repairfund:public", args=[account.estate_id]))
    _event("top_up_called", account=account, actor=actor, now=now, balance=str(balance), owners=len(users))
    return call


def _close_call_if_met(account: Account, now) -> None:
    if not account.is_low():
        for call in account.calls.filter(closed_at__isnull=True):
            call.closed_at = now
            call.save(update_fields=["closed_at"])


# -- the use -------------------------------------------------------------------------------------------------------


@transaction.atomic
def application_create(*, account: Account, title: str, description: str, parts: str, estimate: Decimal, actor,
                       buildings: Iterable[Building] = (), homes: Iterable[Home] = (), emergency: str = "",
                       emergency_confirmation: str = "", now=None) -> Application:
    """An application to use the fund for common parts (Beijing art. 85: only for the repair, renewal and
    refitting of common parts after their warranty). The homes concerned are the homes given, or every home of
    the buildings given, or else every home of the estate; they share the cost (art. 86) and vote on it.

    ``emergency`` (a case of Emergency, Civil Code art. 281 para. 2; 聊城 art. 50) makes it an emergency use: no
    vote, the on-site confirmation by the owners concerned, the committee or community and the manager is written
    in ``emergency_confirmation`` (聊城 art. 50 para. 2)."""
    now = now or timezone.now()
    estate = account.estate
    permissions.require_draft(actor, estate)
    if not title.strip():
        raise ValidationError({"title": _("请填写项目名称")})
    if not description.strip():
        raise ValidationError({"description": _("请填写维修内容")})
    if not parts.strip():
        raise ValidationError({"parts": _("请填写涉及的共用部位、共用设施设备")})
    estimate = _money(estimate, "estimate")
    buildings, homes = list(buildings), list(homes)
    if any(b.estate_id != estate.pk for b in buildings):
        raise ValidationError({"buildings": _("楼栋须属于本小区")})
    if any(h.estate_id != estate.pk for h in homes):
        raise ValidationError({"homes": _("房屋须属于本小区")})
    if emergency and emergency not in Emergency.values:
        raise ValidationError({"emergency": _("未知的紧急情形")})
    if emergency and not emergency_confirmation.strip():
        raise ValidationError({"emergency_confirmation": _("紧急使用须写明相关业主、业主委员会或居委会、物业服务人"
                                                           "共同现场查验确认的情况")})
    if not homes:
        homes = list(Home.objects.filter(building__in=buildings) if buildings else Home.objects.filter(estate=estate))
    app = Application.objects.create(
        account=account, title=title.strip()[:150], description=description.strip(), parts=parts.strip()[:300],
        estimate=estimate, emergency=emergency, emergency_confirmation=emergency_confirmation.strip(),
        created_by=actor, created_at=now)
    app.buildings.set(buildings)
    app.homes.set(homes)
    _apportion(app)
    _event("applied", account=account, application=app, actor=actor, now=now, estimate=str(estimate),
           homes=len(homes), emergency=emergency)
    return app


def owner_deposits(account: Account, home_ids: Iterable[int]) -> dict[int, Decimal]:
    """What each home's owners deposited into the fund (first deposit and top-ups; not the public income or the
    interest that the share received): the owners' side of Beijing art. 86(2)."""
    rows = (account.movements.filter(home_id__in=list(home_ids), kind__in=[Movement.Kind.FIRST, Movement.Kind.TOP_UP])
            .values_list("home_id").annotate(s=Sum("amount")))
    return {hid: (amount or ZERO).quantize(CENT) for hid, amount in rows}


def _apportion(app: Application) -> None:
    """The application's amount apportioned among its homes by Beijing art. 86 (apportion.py): by floor area among
    commercial and non-residential homes (一); among sold public homes between their owners and the selling units
    by what each deposited, the owners' part by area (二); by area between the two groups first (三). A home without
    a share in the account counts as commercial housing."""
    homes = list(app.homes.all())
    shares = _shares(app.account, [h.pk for h in homes])
    deposits = owner_deposits(app.account, [h.pk for h in homes])
    basis = {}
    for h in homes:
        share = shares.get(h.pk)
        kind = share.kind if share else PropertyKind.COMMERCIAL
        basis[h.pk] = Basis(area=h.area, kind=kind, owner_deposit=deposits.get(h.pk, ZERO),
                            seller_deposit=share.seller_deposit if share else ZERO)
    parts = apportion_art86(app.estimate, basis)
    Apportionment.objects.bulk_create([
        Apportionment(application=app, home=h, area=h.area, amount=parts[h.pk].total, kind=basis[h.pk].kind,
                      owner_amount=parts[h.pk].owner, seller_amount=parts[h.pk].seller,
                      seller=shares[h.pk].seller if h.pk in shares and parts[h.pk].seller else "")
        for h in homes])


def _apportionment_line(a: Apportionment) -> str:
    if a.seller_amount:
        return _("%(home)s（%(kind)s）：%(area)s m²，%(amount)s 元，其中业主 %(owner)s 元、售房单位 %(seller)s 元") % {
            "home": a.home, "kind": a.get_kind_display(), "area": a.area, "amount": a.amount,
            "owner": a.owner_amount, "seller": a.seller_amount}
    return f"{a.home}：{a.area} m²，{a.amount} 元"


@transaction.atomic
def quote_add(*, application: Application, supplier: str, amount: Decimal, document, actor, now=None) -> Quote:
    """Attach a quote (报价): a document checked by the upload gate (linli.core.uploads.document, its size cap)."""
    now = now or timezone.now()
    permissions.require_draft(actor, application.account.estate)
    if application.status not in (Application.Status.DRAFT,):
        raise ValidationError(_("申请已提交表决或审核，不能再添加报价"))
    if not supplier.strip():
        raise ValidationError({"supplier": _("请填写报价单位")})
    amount = _money(amount, "amount")
    if document is None:
        raise ValidationError({"document": _("请上传报价文件")})
    try:
        stored = uploads.document(document, label=_("报价文件"))
    except ValidationError as exc:
        raise ValidationError({"document": exc.messages}) from None
    quote = Quote(application=application, supplier=supplier.strip()[:150], amount=amount, uploaded_by=actor,
                  uploaded_at=now)
    quote.document.save(stored.name, stored, save=False)
    quote.save()
    return quote


@transaction.atomic
def application_to_vote(*, application: Application, opens_at: datetime.datetime, closes_at: datetime.datetime,
                        actor, now=None) -> Motion:
    """Put the application to the owners concerned: a ``use_repair_fund`` motion (Civil Code art. 278(1)(5)) whose
    electorate is the homes concerned only (Motion.concerned_homes), so the art. 278 para. 2 thresholds — two
    thirds taking part, more than half of those agreeing, by area and by number — are counted on them."""
    now = now or timezone.now()
    app = Application.objects.select_for_update().get(pk=application.pk)
    estate = app.account.estate
    permissions.require_run(actor, estate)
    if app.emergency:
        raise ValidationError(_("紧急使用不经表决，由街道审核"))
    if app.status != Application.Status.DRAFT:
        raise ValidationError(_("只有草拟中的申请可以提交表决"))
    lines = "\n".join(_apportionment_line(a) for a in app.apportionments.select_related("home__building"))
    motion = motion_create(
        estate=estate, matter="use_repair_fund", title=app.title, opens_at=opens_at, closes_at=closes_at,
        actor=actor, concerned_homes=list(app.homes.all()), now=now,
        body=_("维修内容：%(what)s\n涉及部位：%(parts)s\n预算：%(estimate)s 元\n按《北京市物业管理条例》第八十六条分摊：\n"
               "%(lines)s") % {"what": app.description, "parts": app.parts, "estimate": app.estimate,
                                           "lines": lines})
    app.motion, app.status = motion, Application.Status.VOTING
    app.save(update_fields=["motion", "status"])
    _event("to_vote", account=app.account, application=app, actor=actor, now=now, motion=motion.pk)
    return motion


@transaction.atomic
def application_record_vote(*, application: Application, actor, now=None) -> Application:
    """Take the result of the closed vote: passed → waits for the street's approval; failed → rejected."""
    now = now or timezone.now()
    app = Application.objects.select_for_update().get(pk=application.pk)
    permissions.require_run(actor, app.account.estate)
    if app.status != Application.Status.VOTING or app.motion is None:
        raise ValidationError(_("该申请不在表决中"))
    motion = Motion.objects.get(pk=app.motion_id)
    if motion.status != Motion.Status.CLOSED:
        raise ValidationError(_("表决尚未计票"))
    app.status = Application.Status.PENDING if motion.approved else Application.Status.REJECTED
    app.save(update_fields=["status"])
    _event("voted", account=app.account, application=app, actor=actor, now=now, approved=bool(motion.approved))
    return app


@transaction.atomic
def application_approve(*, application: Application, stages: list[dict], actor, now=None) -> Application:
    """The street approves the use and sets its payout stages ({"description", "amount"}; they sum to the
    estimate). A voted application must have passed (Civil Code art. 278); an emergency one needs no vote (art.
    281 para. 2) and its approval is announced to the owners concerned at once (an estate notice and their inbox),
    the report on the use following when the works are done."""
    now = now or timezone.now()
    app = Application.objects.select_for_update().get(pk=application.pk)
    estate = app.account.estate
    permissions.require_run(actor, estate)
    if app.emergency:
        if app.status != Application.Status.DRAFT:
            raise ValidationError(_("该申请已审核"))
    elif app.status != Application.Status.PENDING:
        raise ValidationError(_("只有表决通过的申请可以审核批准"))
    if not stages:
        raise ValidationError({"stages": _("请至少设置一个付款阶段")})
    amounts = []
    for i, stage in enumerate(stages, start=1):
        if not (stage.get("description") or "").strip():
            raise ValidationError({"stages": _("第 %(i)s 个阶段没有内容") % {"i": i}})
        amounts.append(_money(stage.get("amount"), "stages"))
    if sum(amounts, ZERO) != app.estimate:
        raise ValidationError({"stages": _("各阶段金额之和（%(sum)s 元）须等于批准金额（%(estimate)s 元）") % {
            "sum": sum(amounts, ZERO), "estimate": app.estimate}})
    for i, (stage, amount) in enumerate(zip(stages, amounts, strict=True), start=1):
        Stage.objects.create(application=app, number=i, description=stage["description"].strip()[:200],
                             amount=amount)
    app.status, app.approved_by, app.approved_at = Application.Status.APPROVED, actor, now
    app.save(update_fields=["status", "approved_by", "approved_at"])
    _event("approved", account=app.account, application=app, actor=actor, now=now, stages=len(stages))
    if app.emergency:
        _announce_emergency(app, actor, now)
    return app


def _announce_emergency(app: Application, actor, now) -> None:
    estate = app.account.estate
    today = timezone.localdate(now)
    body = _("紧急情形：%(case)s\n维修内容：%(what)s\n涉及部位：%(parts)s\n金额：%(amount)s 元\n现场查验确认：%(confirm)s\n"
             "依照《民法典》第二百八十一条第二款紧急使用专项维修资金，不经业主表决；工程完成后将公布使用情况报告。") % {
        "case": app.get_emergency_display(), "what": app.description, "parts": app.parts, "amount": app.estimate,
        "confirm": app.emergency_confirmation}
    title = _("紧急使用专项维修资金：%(title)s") % {"title": app.title}
    notice_post(title=title, body=body, scope=Notice.Scope.ESTATE, estate=estate, posted_on=today,
                ends_on=today + datetime.timedelta(days=Notice.DEFAULT_PERIOD_DAYS), actor=actor, now=now)
    users = list(_owners(estate, app.homes.values_list("pk", flat=True)))
    if users:
        notify(users=users, kind="repair_fund", key=f"repairfund:emergency:{app.pk}", title=title, body=body,
               link=reverse("repairfund:public", args=[estate.pk]))


@transaction.atomic
def stage_accept(*, stage: Stage, note: str, actor, now=None) -> Stage:
    """Record the acceptance (验收) of a stage's works: only then may it be paid."""
    now = now or timezone.now()
    stage = Stage.objects.select_for_update().select_related("application__account__estate").get(pk=stage.pk)
    app = stage.application
    permissions.require_run(actor, app.account.estate)
    if app.status != Application.Status.APPROVED:
        raise ValidationError(_("只有已批准的申请可以验收"))
    if stage.accepted_at:
        raise ValidationError(_("该阶段已验收"))
    if not note.strip():
        raise ValidationError({"note": _("请填写验收意见")})
    if app.stages.filter(number__lt=stage.number, paid_at__isnull=True).exists():
        raise ValidationError(_("请先完成前一阶段的验收和支付"))
    stage.accepted_by, stage.accepted_at, stage.acceptance_note = actor, now, note.strip()
    stage.save(update_fields=["accepted_by", "accepted_at", "acceptance_note"])
    _event("accepted", account=app.account, application=app, actor=actor, now=now, stage=stage.number)
    return stage


def _stage_parts(app: Application, stage: Stage, last: bool) -> dict[tuple[int, int], Decimal]:
    """Each line's part of ``stage``: {(home id, 0 owner | 1 selling unit): amount}. A stage is split in proportion
    to the lines of the apportionment (largest remainder; ties: smaller home id, the owner before the unit); the
    last stage takes each line's remainder, so that over all stages each line pays exactly its apportionment."""
    lines = {}
    for a in app.apportionments.all():
        lines[(a.home_id, 0)] = a.owner_amount
        lines[(a.home_id, 1)] = a.seller_amount
    if last:
        paid = dict(app.movements.values_list("home_id").annotate(s=Sum("amount")))
        sold = dict(app.seller_charges.values_list("home_id").annotate(s=Sum("amount")))
        return {(hid, side): amount + (paid.get(hid) or ZERO) if side == 0 else amount - (sold.get(hid) or ZERO)
                for (hid, side), amount in lines.items()}
    return split(stage.amount, lines)


@transaction.atomic
def stage_pay(*, stage: Stage, actor, occurred_on=None, now=None) -> list[Movement]:
    """Release an accepted stage: one use movement per home concerned for its owner's part of the stage (art. 86;
    the last stage takes each home's remaining apportionment, so each home pays exactly its part overall), and for
    a sold public home one ``SellerCharge`` for its selling unit's part (art. 86(2)): payable by the unit, not
    taken from the owner's share. The fund is used only for its purpose (art. 85) and never below zero; after the
    payment the top-up check runs (art. 83); the last payment completes the application."""
    now = now or timezone.now()
    stage = Stage.objects.select_for_update().select_related("application__account__estate").get(pk=stage.pk)
    app = stage.application
    permissions.require_run(actor, app.account.estate)
    if app.status != Application.Status.APPROVED:
        raise ValidationError(_("只有已批准的申请可以支付"))
    if not stage.accepted_at:
        raise ValidationError(_("该阶段尚未验收，不能支付"))
    if stage.paid_at:
        raise ValidationError(_("该阶段已支付"))
    account = _lock(app.account)
    last = not app.stages.filter(number__gt=stage.number).exists()
    parts = _stage_parts(app, stage, last)
    owners = {hid: amount for (hid, side), amount in parts.items() if side == 0 and amount}
    sellers = {hid: amount for (hid, side), amount in parts.items() if side == 1 and amount}
    if account.balance() < sum(owners.values(), ZERO):
        raise ValidationError(_("维修资金余额不足以支付该阶段"))
    on = occurred_on or timezone.localdate(now)
    text = _("%(title)s 第%(n)s阶段：%(what)s") % {"title": app.title, "n": stage.number, "what": stage.description}
    rows = _append(account, [_movement(account, home_id=hid, kind=Movement.Kind.USE, amount=-amount, occurred_on=on,
                                       description=text, actor=actor, now=now, application=app, stage=stage)
                             for hid, amount in sorted(owners.items())])
    names = dict(app.apportionments.values_list("home_id", "seller"))
    SellerCharge.objects.bulk_create([
        SellerCharge(application=app, stage=stage, home_id=hid, seller=names.get(hid, ""), amount=amount,
                     occurred_on=on, recorded_by=actor, created_at=now) for hid, amount in sorted(sellers.items())])
    stage.paid_by, stage.paid_at = actor, now
    stage.save(update_fields=["paid_by", "paid_at"])
    _event("paid", account=account, application=app, actor=actor, now=now, stage=stage.number,
           amount=str(stage.amount), owners=str(sum(owners.values(), ZERO)),
           sellers=str(sum(sellers.values(), ZERO)))
    if last:
        app.status = Application.Status.DONE
        app.save(update_fields=["status"])
        if not app.emergency:
            _publish_statement(app, actor, now)
    check_top_up(account=account, actor=actor, now=now)
    return rows


def _seller_line(app: Application) -> str:
    """The selling units' part of a use in its public statement (Beijing art. 86(2)), by unit: empty when none."""
    rows = app.seller_charges.values_list("seller").annotate(s=Sum("amount")).order_by("seller")
    if not rows:
        return ""
    units = "、".join(f"{seller or _('售房单位')} {amount.quantize(CENT)} 元" for seller, amount in rows)
    return "\n" + _("其中售后公房的售房单位承担（由售房单位支付，不从业主分户账扣除，《北京市物业管理条例》第八十六条第二项）："
                     "%(units)s；业主分摊 %(owners)s 元。") % {"units": units, "owners": -total(app.movements.all())}


def _publish_statement(app: Application, actor, now) -> None:
    """The public statement of a completed use (Civil Code art. 281 para. 1: its use is published)."""
    today = timezone.localdate(now)
    stages = "\n".join(f"{s.number}. {s.description}：{s.amount} 元（{_('验收')}：{s.acceptance_note}）"
                       for s in app.stages.all())
    notice_post(
        title=_("专项维修资金使用情况公示：%(title)s") % {"title": app.title},
        body=_("维修内容：%(what)s\n涉及部位：%(parts)s\n支出合计：%(amount)s 元，涉及 %(homes)s 户，按建筑面积分摊。\n"
               "%(stages)s") % {"what": app.description, "parts": app.parts, "amount": app.estimate,
                                "homes": app.apportionments.count(), "stages": stages} + _seller_line(app),
        scope=Notice.Scope.ESTATE, estate=app.account.estate, posted_on=today,
        ends_on=today + datetime.timedelta(days=Notice.DEFAULT_PERIOD_DAYS), actor=actor, now=now)


@transaction.atomic
def emergency_report(*, application: Application, report: str, actor, now=None) -> Application:
    """The report after an emergency use (Civil Code art. 281: the use is published): posted to the estate."""
    now = now or timezone.now()
    app = Application.objects.select_for_update().get(pk=application.pk)
    permissions.require_run(actor, app.account.estate)
    if not app.emergency:
        raise ValidationError(_("只有紧急使用需要事后报告"))
    if app.status != Application.Status.DONE:
        raise ValidationError(_("工程全部支付完成后才能提交报告"))
    if app.reported_at:
        raise ValidationError(_("报告已提交"))
    if not report.strip():
        raise ValidationError({"report": _("请填写使用情况报告")})
    app.report, app.reported_at = report.strip(), now
    app.save(update_fields=["report", "reported_at"])
    today = timezone.localdate(now)
    notice_post(title=_("紧急使用专项维修资金情况报告：%(title)s") % {"title": app.title},
                body=_("%(report)s\n支出合计：%(amount)s 元，涉及 %(homes)s 户，按建筑面积分摊。") % {
                    "report": app.report, "amount": app.estimate, "homes": app.apportionments.count()}
                + _seller_line(app),
                scope=Notice.Scope.ESTATE, estate=app.account.estate, posted_on=today,
                ends_on=today + datetime.timedelta(days=Notice.DEFAULT_PERIOD_DAYS), actor=actor, now=now)
    _event("reported", account=app.account, application=app, actor=actor, now=now)
    return app


# -- reading -----------------------------------------------------------------------------------------------------


def verify(*, account_ids: Iterable[int] | None = None) -> list[str]:
    """Recompute every account's chain (linli/fees/chain.py); a list of problems, empty when all is intact."""
    accounts = Account.objects.all()
    rows = Movement.objects.all()
    if account_ids is not None:
        accounts, rows = accounts.filter(pk__in=list(account_ids)), rows.filter(account_id__in=list(account_ids))
    return verify_chain(rows.order_by("account_id", "seq").iterator(chunk_size=5000),
                        {a.pk: a for a in accounts}, key="account_id", label="账户")


def quarter_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    start = datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    end = (datetime.date(start.year + (start.month + 3 > 12), (start.month + 2) % 12 + 1, 1)
           - datetime.timedelta(days=1))
    return start, end


def quarterly_account(account: Account, quarters: int = 4, today: datetime.date | None = None) -> list[dict]:
    """The public account by quarter (Beijing art. 84 para. 3: published every quarter): opening balance, deposits
    (the owners', public income), interest, uses, closing balance, and the selling units' part of the uses paid by
    them outside the account (art. 86(2)); newest first. Totals only: no home, no person."""
    today = today or timezone.localdate()
    start, end = quarter_of(today)
    rows = []
    for _i in range(quarters):
        before = total(account.movements.filter(occurred_on__lt=start))
        inside = account.movements.filter(occurred_on__gte=start, occurred_on__lte=end)
        interest = total(inside.filter(kind=Movement.Kind.INTEREST))
        deposits = total(inside.filter(amount__gt=0)) - interest
        uses = -total(inside.filter(amount__lt=0))
        sellers = total(SellerCharge.objects.filter(application__account=account, occurred_on__gte=start,
                                                    occurred_on__lte=end))
        rows.append({"start": start, "end": end, "opening": before, "deposits": deposits, "interest": interest,
                     "uses": uses, "closing": before + deposits + interest - uses, "sellers": sellers})
        end = start - datetime.timedelta(days=1)
        start = quarter_of(end)[0]
    return rows
