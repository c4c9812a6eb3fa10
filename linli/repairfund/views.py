"""The fund's pages: the index, an estate's account, its public account, a home's statement, the applications and
their steps, the ledger's verification. Writes go through services.py, which checks the rights."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import uploads
from linli.core.access import member_required
from linli.people.scopes import scope_for
from linli.places.models import Building, Estate, Home

from . import permissions, services
from .apportion import CENT
from .forms import (
    AcceptForm,
    AccountChangeForm,
    AccountForm,
    ApplicationForm,
    ApproveForm,
    InterestForm,
    PublicIncomeForm,
    QuoteForm,
    ReportForm,
    ShareChangeForm,
    TopUpForm,
    VoteForm,
)
from .models import ZERO, Account, Application, Movement, Quote, SellerCharge, Share, Stage, total


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _estate(user, pk) -> Estate:
    return get_object_or_404(Estate.objects.visible_to(user), pk=pk)


def _application(user, pk) -> Application:
    app = get_object_or_404(Application.objects.select_related("account__estate", "motion"), pk=pk)
    if not permissions.can_read(user, app.account.estate):
        raise Http404
    return app


@member_required
def index(request):
    """The accounts the user reads (staff, committee), and the resident's homes and estates."""
    user = request.user
    scope = scope_for(user)
    accounts = Account.objects.visible_to(user).select_related("estate")
    runnable = [e for e in Estate.objects.managed_by_staff_of(user).filter(repair_fund__isnull=True)
                if permissions.can_run(user, e)]
    shares = Share.objects.filter(home_id__in=sorted(scope.home_ids)).select_related("home__building", "account__estate")
    return render(request, "repairfund/index.html", {
        "accounts": [(a, a.balance()) for a in accounts], "runnable": runnable, "shares": shares,
    })


@member_required
def estate(request, pk):
    """An estate's account in full (its readers); a resident is sent to the public account."""
    estate = _estate(request.user, pk)
    user = request.user
    if not permissions.can_read(user, estate):
        if permissions.is_resident_of(user, estate):
            return redirect("repairfund:public", pk=estate.pk)
        raise Http404
    account = Account.objects.filter(estate=estate).first()
    can_run = permissions.can_run(user, estate)
    if account is None:
        return render(request, "repairfund/account.html", {"estate": estate, "can_run": can_run})
    balance = account.balance()
    balances = dict(account.movements.values_list("home_id").annotate(s=Sum("amount")))
    shares = [(s, (balances.get(s.home_id) or ZERO).quantize(CENT)) for s in account.shares.select_related("home__building")]
    return render(request, "repairfund/account.html", {
        "estate": estate, "account": account, "balance": balance, "low": account.is_low(balance),
        "shares": shares, "applications": account.applications.all(), "history": _history(account),
        "sold_public": any(s.kind == "sold_public" for s, _b in shares), "interest_form": InterestForm(),
        "movements": account.movements.select_related("home__building").order_by("-seq")[:30],
        "calls": account.calls.all()[:5], "can_run": can_run, "can_draft": permissions.can_draft(user, estate),
        "public_income_form": PublicIncomeForm(), "top_up_form": TopUpForm(homes=Home.objects.filter(estate=estate)),
        "unpaid_first": account.shares.exclude(home_id__in=account.movements.filter(kind="first").values("home_id"))
                                      .count(),
    })


def _history(account: Account) -> list[dict]:
    """The account's changes after opening (holder, rate, bank account; a home's kind or selling unit): who, when,
    why, each field before and after (FundEvent "changed" and "share_changed")."""
    labels = {"holder": _("管理方式"), "rate": _("交存标准(元/m²)"), "bank_account": _("专用账户"),
              "kind": _("房屋性质"), "seller": _("售房单位"), "seller_deposit": _("售房单位交存")}
    holders = dict(Account.Holder.choices)
    kinds = dict(Share._meta.get_field("kind").choices)
    homes = {h.pk: h for h in Home.objects.filter(estate_id=account.estate_id).select_related("building")}

    def shown(field, value):
        return str(holders.get(value, kinds.get(value, value))) if field in ("holder", "kind") else (value or "—")

    rows = []
    for event in account.events.filter(kind__in=["changed", "share_changed"]).select_related("actor"):
        before, after = event.data.get("before", {}), event.data.get("after", {})
        rows.append({"at": event.at, "actor": event.actor, "reason": event.data.get("reason", ""),
                     "home": homes.get(event.data.get("home")),
                     "changes": [(labels.get(f, f), shown(f, before.get(f)), shown(f, after[f])) for f in after]})
    return rows


@member_required
def account_open(request, pk):
    estate = _estate(request.user, pk)
    if not permissions.can_run(request.user, estate):
        raise PermissionDenied(_("只有街道或区级管理员可以管理该小区的专项维修资金"))
    form = AccountForm(request.POST or None, homes=Home.objects.filter(estate=estate).select_related("building"))
    if request.method == "POST" and form.is_valid():
        try:
            services.account_open(estate=estate, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已建立专项维修资金账户"))
            return redirect("repairfund:estate", pk=estate.pk)
    return render(request, "repairfund/form.html", {"form": form, "title": _("建立专项维修资金账户：%(estate)s") % {
        "estate": estate}, "back": estate})


@member_required
def account_change(request, pk):
    """Change who holds the fund, its deposit standard or its bank account after opening, with the reason (Beijing
    art. 84): the street or district admin, as for opening it."""
    account = _account_of(request, pk)
    if not permissions.can_run(request.user, account.estate):
        raise PermissionDenied(_("只有街道或区级管理员可以管理该小区的专项维修资金"))
    form = AccountChangeForm(request.POST or None, initial={"holder": account.holder, "rate": account.rate,
                                                            "bank_account": account.bank_account})
    if request.method == "POST" and form.is_valid():
        try:
            services.account_change(account=account, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已变更，变更前后的内容记入账户的变更记录"))
            return redirect("repairfund:estate", pk=account.estate_id)
    return render(request, "repairfund/form.html", {
        "form": form, "back": account.estate, "title": _("变更管理方式或交存标准：%(estate)s") % {"estate": account.estate},
        "intro": _("未选举产生业主委员会的，由市住房资金管理部门代管；选举产生业主委员会的，业主大会可以决定自行管理或者"
                   "委托代管（《北京市物业管理条例》第八十四条）。首期筹集金额和各户首期应交不变。")})


@member_required
def share_change(request, pk):
    """Set or correct a home's kind of property and, for sold public housing, its selling unit and the unit's
    deposit (Beijing arts. 82, 86), with the reason: the street or district admin."""
    home = get_object_or_404(Home.objects.select_related("building", "estate"), pk=pk)
    if not permissions.can_read(request.user, home.estate):
        raise Http404
    share = get_object_or_404(Share.objects.select_related("account__estate"), home=home)
    if not permissions.can_run(request.user, home.estate):
        raise PermissionDenied(_("只有街道或区级管理员可以管理该小区的专项维修资金"))
    form = ShareChangeForm(request.POST or None, initial={"kind": share.kind, "seller": share.seller,
                                                          "seller_deposit": share.seller_deposit})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["seller_deposit"] = data["seller_deposit"] if data["seller_deposit"] is not None else ZERO
        try:
            services.share_change(share=share, actor=request.user, **data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已变更，变更前后的内容记入账户的变更记录"))
            return redirect("repairfund:home", pk=home.pk)
    return render(request, "repairfund/form.html", {
        "form": form, "back": home.estate, "title": _("房屋性质与售房单位：%(home)s") % {"home": home},
        "intro": _("售后公房之间的维修费用，由相关业主和售房单位按照所交存专项维修资金的比例分摊（《北京市物业管理条例》"
                   "第八十六条第二项）。已提出的使用申请按提出时的分摊不变。")})


def _account_of(request, pk) -> Account:
    account = get_object_or_404(Account.objects.select_related("estate"), estate_id=pk)
    if not permissions.can_read(request.user, account.estate):
        raise Http404
    return account


@require_POST
@member_required
def deposit_first(request, pk):
    account = _account_of(request, pk)
    rows = services.deposit_first(account=account, actor=request.user)
    messages.success(request, _("已记录 %(n)s 户首期交存") % {"n": len(rows)})
    return redirect("repairfund:estate", pk=pk)


@require_POST
@member_required
def public_income(request, pk):
    account = _account_of(request, pk)
    return _account_step(request, account, PublicIncomeForm(request.POST), services.deposit_public_income,
                         _("已记录公共收益补充"))


@require_POST
@member_required
def top_up(request, pk):
    account = _account_of(request, pk)
    return _account_step(request, account, TopUpForm(request.POST, homes=Home.objects.filter(estate_id=account.estate_id)),
                         services.deposit_top_up, _("已记录续筹补足"))


def _account_step(request, account: Account, form, service, done: str):
    """A deposit posted from the account's page: ``service(account=, actor=, **form data)``; errors as messages."""
    if form.is_valid():
        try:
            service(account=account, actor=request.user, **form.cleaned_data)
            messages.success(request, done)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, _("请检查填写的内容"))
    return redirect("repairfund:estate", pk=account.estate_id)


@require_POST
@member_required
def interest(request, pk):
    account = _account_of(request, pk)
    return _account_step(request, account, InterestForm(request.POST), services.deposit_interest,
                         _("已记录利息，按各户余额分配"))


@member_required
def public(request, pk):
    """The estate's public account (Beijing art. 84 para. 3, every quarter): totals and uses, no personal data."""
    estate = _estate(request.user, pk)
    if not (permissions.is_resident_of(request.user, estate) or permissions.can_read(request.user, estate)):
        raise Http404
    account = Account.objects.filter(estate=estate).first()
    context = {"estate": estate, "account": account}
    if account is not None:
        balance = account.balance()
        context.update({
            "balance": balance, "low": account.is_low(balance), "quarters": services.quarterly_account(account),
            "uses": account.applications.exclude(status__in=["draft", "rejected"]),
            "my_homes": Home.objects.filter(estate=estate, pk__in=sorted(scope_for(request.user).home_ids)),
        })
    return render(request, "repairfund/public.html", context)


@member_required
def home(request, pk):
    """A home's statement (分户账): its share, its movements, its balance, what it owes after a top-up call."""
    home = get_object_or_404(Home.objects.select_related("building", "estate"), pk=pk)
    if not permissions.can_read_home(request.user, home):
        raise Http404
    share = Share.objects.filter(home=home).select_related("account").first()
    context = {"home": home, "share": share}
    if share is not None:
        movements = Movement.objects.filter(account=share.account, home=home).order_by("seq")
        context.update({"movements": movements, "balance": share.balance(), "owed": services.top_up_owed(share),
                        "interest": total(movements.filter(kind=Movement.Kind.INTEREST)),
                        "seller_charges": SellerCharge.objects.filter(home=home).select_related("application", "stage"),
                        "can_run": permissions.can_run(request.user, home.estate)})
    return render(request, "repairfund/home.html", context)


@member_required
def application_new(request, pk):
    estate = _estate(request.user, pk)
    if not permissions.can_draft(request.user, estate):
        raise PermissionDenied(_("只有街道或区级管理员、本小区业主委员会成员可以提出维修资金使用申请"))
    account = get_object_or_404(Account, estate=estate)
    form = ApplicationForm(request.POST or None, buildings=Building.objects.filter(estate=estate))
    if request.method == "POST" and form.is_valid():
        try:
            app = services.application_create(account=account, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _errors(form, exc)
        else:
            messages.success(request, _("已提交使用申请"))
            return redirect("repairfund:application", pk=app.pk)
    return render(request, "repairfund/form.html", {"form": form, "title": _("维修资金使用申请：%(estate)s") % {
        "estate": estate}, "back": estate})


@member_required
def application(request, pk):
    app = _application(request.user, pk)
    estate = app.account.estate
    can_run = permissions.can_run(request.user, estate)
    return render(request, "repairfund/application.html", {
        "app": app, "estate": estate, "can_run": can_run, "can_draft": permissions.can_draft(request.user, estate),
        "apportionments": app.apportionments.select_related("home__building"), "quotes": app.quotes.all(),
        "sellers": sum((a.seller_amount for a in app.apportionments.all()), ZERO),
        "seller_paid": app.seller_paid,
        "stages": app.stages.all(), "paid": app.paid,
        "quote_form": QuoteForm(), "vote_form": VoteForm(), "approve_form": ApproveForm(), "accept_form": AcceptForm(),
        "report_form": ReportForm(),
    })


def _step(request, pk, form_class, call, done: str):
    """Run one step of an application from its page's form; errors come back as messages."""
    app = _application(request.user, pk)
    form = form_class(request.POST, request.FILES) if form_class else None
    if form is not None and not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{'；'.join(e)}" if f in form.fields else "；".join(e)
                                         for f, e in form.errors.items()))
        return redirect("repairfund:application", pk=pk)
    try:
        call(app, form.cleaned_data if form else {})
        messages.success(request, done)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("repairfund:application", pk=pk)


@require_POST
@member_required
def quote_add(request, pk):
    return _step(request, pk, QuoteForm, lambda app, d: services.quote_add(application=app, actor=request.user, **d),
                 _("已添加报价"))


@require_POST
@member_required
def to_vote(request, pk):
    return _step(request, pk, VoteForm,
                 lambda app, d: services.application_to_vote(application=app, actor=request.user, **d),
                 _("已提交相关业主表决"))


@require_POST
@member_required
def record_vote(request, pk):
    return _step(request, pk, None,
                 lambda app, d: services.application_record_vote(application=app, actor=request.user),
                 _("已记录表决结果"))


@require_POST
@member_required
def approve(request, pk):
    return _step(request, pk, ApproveForm,
                 lambda app, d: services.application_approve(application=app, actor=request.user, **d),
                 _("已批准使用"))


def _stage(app, number) -> Stage:
    stage = app.stages.filter(number=number).first()
    if stage is None:
        raise Http404
    return stage


@require_POST
@member_required
def stage_accept(request, pk, number):
    return _step(request, pk, AcceptForm, lambda app, d: services.stage_accept(
        stage=_stage(app, number), actor=request.user, **d), _("已记录验收"))


@require_POST
@member_required
def stage_pay(request, pk, number):
    return _step(request, pk, None, lambda app, d: services.stage_pay(stage=_stage(app, number), actor=request.user),
                 _("已支付该阶段"))


@require_POST
@member_required
def report(request, pk):
    return _step(request, pk, ReportForm,
                 lambda app, d: services.emergency_report(application=app, actor=request.user, **d),
                 _("已公布使用情况报告"))


@member_required
def quote_file(request, pk):
    quote = get_object_or_404(Quote.objects.select_related("application__account__estate"), pk=pk)
    if not permissions.can_read(request.user, quote.application.account.estate):
        raise Http404
    return uploads.serve(quote.document, name=f"quote-{quote.pk}")


@member_required
def verify(request, pk):
    """Recompute the account's ledger chain (linli/fees/chain.py) and say whether it is intact."""
    account = _account_of(request, pk)
    problems = services.verify(account_ids=[account.pk])
    return render(request, "repairfund/verify.html", {"account": account, "estate": account.estate,
                                                      "problems": problems, "count": account.seq})
