"""Who holds the fund and its deposit standard after opening (Beijing art. 84; art. 83 "届时适用的标准"), and the
interest credited to the fund, shared among the homes by their balance."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.repairfund import services
from linli.repairfund.models import Account, FundEvent, Movement, Share

D = Decimal


def test_the_holder_becomes_the_owners_only_with_an_elected_committee(fund):
    with pytest.raises(ValidationError) as refused:
        services.account_change(account=fund.account, holder="owners", reason="业主大会决定", actor=fund.street_admin)
    assert list(refused.value.message_dict) == ["holder"]
    assert Account.objects.get().holder == "city_office"


def test_the_assembly_takes_the_fund_into_its_own_account_and_the_history_keeps_before_and_after(cworld):
    account = services.account_open(estate=cworld.estate_a, rate=D("100"), holder="city_office",
                                     actor=cworld.street_admin)
    services.account_change(account=account, holder="owners", bank_account="工行 0200-1234",
                            reason="业主大会2026年第一次会议决定自行管理", actor=cworld.street_admin)
    account.refresh_from_db()
    assert (account.holder, account.bank_account, account.rate) == ("owners", "工行 0200-1234", D("100.00"))
    event = FundEvent.objects.get(kind="changed")
    assert (event.actor, event.data) == (cworld.street_admin, {
        "reason": "业主大会2026年第一次会议决定自行管理",
        "before": {"holder": "city_office", "bank_account": ""},
        "after": {"holder": "owners", "bank_account": "工行 0200-1234"}})


def test_only_those_who_open_the_account_change_it_with_a_reason_and_a_change(cworld):
    account = services.account_open(estate=cworld.estate_a, rate=D("100"), holder="city_office",
                                     actor=cworld.street_admin)
    for name in ("community_admin", "committee_member", "manager_a", "resident_a", "other_street_admin"):
        with pytest.raises(PermissionDenied):
            services.account_change(account=account, rate=D("120"), reason="调整", actor=cworld.users[name])
    with pytest.raises(ValidationError) as refused:
        services.account_change(account=account, rate=D("120"), reason="", actor=cworld.street_admin)
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError, match="没有要变更的内容"):
        services.account_change(account=account, rate=D("100"), holder="city_office", reason="核对",
                                actor=cworld.street_admin)
    assert Account.objects.get().rate == D("100.00") and not FundEvent.objects.filter(kind="changed").exists()


def test_a_new_rate_is_the_standard_of_the_next_top_up_and_the_first_collection_stays(fund):
    share = Share.objects.get(home=fund.home_a1)
    assert services.top_up_owed(share) == D("0.00")  # 62.50 m² × 100 = 6 250.00, all held
    services.account_change(account=fund.account, rate=D("120"), reason="市住建委调整交存标准",
                            actor=fund.street_admin)
    share = Share.objects.select_related("account").get(home=fund.home_a1)
    assert services.top_up_owed(share) == D("1250.00")  # 62.50 × 120 = 7 500.00 less 6 250.00
    account = Account.objects.get()
    assert (account.first_amount, account.top_up_threshold, share.due) == (D("11050.00"), D("3315.00"),
                                                                            D("6250.00"))


def test_interest_is_shared_by_balance_exact_to_the_cent_and_a_home_without_balance_earns_none(tower):
    """Balances 6 250.00 (a1), 4 800.00 (a2) and 0 (the tower's home, nothing deposited): 100.00 of interest →
    6250/11050 = 56.561… and 43.438…: whole cents 56.56 + 43.43, the cent left to the larger fraction (a2)."""
    rows = services.deposit_interest(account=tower.account, amount=D("100.00"), source="2025年度结息",
                                     occurred_on=datetime.date(2025, 12, 21), actor=tower.street_admin)
    assert {r.home_id: r.amount for r in rows} == {tower.home_a1.pk: D("56.56"), tower.home_a2.pk: D("43.44")}
    assert {r.kind for r in rows} == {"interest"} and rows[0].description == "利息：2025年度结息"
    assert tower.account.balance() == D("11150.00")
    assert services.verify() == []
    quarter = services.quarterly_account(tower.account, quarters=1, today=datetime.date(2025, 12, 31))[0]
    assert (quarter["deposits"], quarter["interest"], quarter["uses"], quarter["closing"]) == (
        D("0.00"), D("100.00"), D("0.00"), D("11150.00"))


def test_interest_counts_the_balances_on_the_day_it_is_credited(fund):
    services.deposit_top_up(account=fund.account, home=fund.home_a2, amount=D("1450.00"), actor=fund.street_admin,
                            occurred_on=datetime.date(2025, 7, 1))
    rows = services.deposit_interest(account=fund.account, amount=D("0.01"), source="结息",
                                     occurred_on=datetime.date(2025, 6, 21), actor=fund.street_admin)
    assert [(r.home_id, r.amount) for r in rows] == [(fund.home_a1.pk, D("0.01"))]  # 6250 > 4800 on 21 June


def test_interest_without_any_balance_is_refused_and_only_the_street_posts_it(fund):
    with pytest.raises(ValidationError) as refused:
        services.deposit_interest(account=fund.account, amount=D("10.00"), source="结息",
                                  occurred_on=datetime.date(2025, 1, 12), actor=fund.street_admin)
    assert list(refused.value.message_dict) == ["amount"]
    with pytest.raises(PermissionDenied):
        services.deposit_interest(account=fund.account, amount=D("10.00"), source="结息", actor=fund.community_admin)
    with pytest.raises(ValidationError) as refused:
        services.deposit_interest(account=fund.account, amount=D("10.00"), source=" ", actor=fund.street_admin)
    assert list(refused.value.message_dict) == ["source"]
    assert Movement.objects.filter(kind="interest").count() == 0
