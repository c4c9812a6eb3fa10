"""Beijing 物业管理条例 art. 86: (一) commercial and non-residential homes share by floor area; (二) sold public housing
(售后公房) between its owners and the selling unit by what each deposited, the owners' part then by area; (三) the two
kinds together: first by area to each group, then each group by (一) or (二). Exact to the cent at every step."""

import datetime
from decimal import Decimal
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from linli.assembly.models import Notice
from linli.places.models import Building, Home
from linli.repairfund import services
from linli.repairfund.apportion import Basis, Part, apportion_art86
from linli.repairfund.models import Account, FundEvent, Movement, SellerCharge, Share

from .conftest import voted

D = Decimal
AREA = D("33.33")


def sold(owner="1000.00", seller="1000.00", area=AREA):
    return Basis(area=area, kind="sold_public", owner_deposit=D(owner), seller_deposit=D(seller))


def test_art86_1_commercial_and_non_residential_homes_share_by_floor_area():
    homes = {1: Basis(AREA), 2: Basis(AREA, kind="non_residential"), 3: Basis(AREA)}
    assert apportion_art86(D("100.00"), homes) == {1: Part(D("33.34")), 2: Part(D("33.33")), 3: Part(D("33.33"))}


def test_art86_2_sold_public_homes_split_with_the_seller_by_deposits_then_the_owners_by_area():
    """Owners deposited 3 000.00, the seller 4 000.00 (2 000.00, 2 000.00 and nothing for the third home): of
    1 000.00 the owners bear 3/7 = 428.571… → 428.57 and the seller 4/7 = 571.428… → 571.43 (the larger fraction
    gets the cent). The owners' 428.57 by area: 142.86, 142.86, 142.85 (equal fractions: smaller ids first); the
    seller's 571.43 by its deposits: 285.72, 285.71 and nothing for the home it deposited nothing for."""
    homes = {1: sold(seller="2000.00"), 2: sold(seller="2000.00"), 3: sold(seller="0.00")}
    parts = apportion_art86(D("1000.00"), homes)
    assert parts == {1: Part(D("142.86"), D("285.72")), 2: Part(D("142.86"), D("285.71")),
                     3: Part(D("142.85"), D("0.00"))}
    assert sum(p.owner for p in parts.values()) == D("428.57")
    assert sum(p.total for p in parts.values()) == D("1000.00")


def test_art86_2_a_seller_that_deposited_nothing_bears_nothing():
    parts = apportion_art86(D("100.00"), {1: sold(seller="0"), 2: sold(seller="0"), 3: sold(seller="0")})
    assert parts == {1: Part(D("33.34")), 2: Part(D("33.33")), 3: Part(D("33.33"))}


def test_art86_2_owners_that_deposited_nothing_leave_it_all_to_the_seller_by_its_deposits():
    parts = apportion_art86(D("100.00"), {1: sold(owner="0", seller="1.00"), 2: sold(owner="0", seller="2.00")})
    assert parts == {1: Part(D("0.00"), D("33.33")), 2: Part(D("0.00"), D("66.67"))}


def test_art86_2_without_any_deposit_the_owners_bear_it_by_area():
    parts = apportion_art86(D("10.00"), {1: sold(owner="0", seller="0"), 2: sold(owner="0", seller="0", area=D("66.66"))})
    assert parts == {1: Part(D("3.33")), 2: Part(D("6.67"))}


def test_art86_3_a_mix_goes_first_by_area_to_each_group_then_by_paragraphs_1_and_2():
    """Two commercial/non-residential homes and one sold public home of 33.33 m²: 100.00 → 66.67 and 33.33 by area;
    66.67 → 33.34 + 33.33; the sold home's 33.33 half and half (equal deposits): 16.665 each, the tie's cent to the
    owners → 16.67 owner, 16.66 seller."""
    homes = {1: Basis(AREA), 2: Basis(AREA, kind="non_residential"), 3: sold()}
    parts = apportion_art86(D("100.00"), homes)
    assert parts == {1: Part(D("33.34")), 2: Part(D("33.33")), 3: Part(D("16.67"), D("16.66"))}
    assert sum(p.total for p in parts.values()) == D("100.00")


kinds = st.sampled_from(["commercial", "non_residential", "sold_public"])
money = st.integers(min_value=0, max_value=10**8).map(lambda c: Decimal(c) / 100)
bases = st.builds(Basis, area=st.decimals(min_value=D("0.01"), max_value=D("500"), places=2), kind=kinds,
                  owner_deposit=money, seller_deposit=money)


@settings(max_examples=200, deadline=None)
@given(amount=money, homes=st.dictionaries(st.integers(1, 10**6), bases, min_size=1, max_size=25))
def test_art86_every_part_is_whole_cents_and_the_parts_sum_to_the_amount(amount, homes):
    parts = apportion_art86(amount, homes)
    assert set(parts) == set(homes)
    assert sum(p.total for p in parts.values()) == amount
    for home, part in parts.items():
        assert part.owner >= 0 and part.seller >= 0
        assert part.owner == part.owner.quantize(D("0.01")) and part.seller == part.seller.quantize(D("0.01"))
        if homes[home].kind != "sold_public" or not homes[home].seller_deposit:
            assert part.seller == 0
    commercial = [h for h, b in homes.items() if b.kind != "sold_public"]
    if commercial and len(commercial) < len(homes):
        exact = Fraction(amount) * sum(Fraction(homes[h].area) for h in commercial) / sum(
            Fraction(b.area) for b in homes.values())
        assert abs(Fraction(sum(parts[h].total for h in commercial)) - exact) < Fraction(1, 100)


# -- the services: the shares' kinds, the application, the stages ------------------------------------------------


@pytest.fixture
def old(world):
    """Estate B: home b1 (40 m², commercial) and a 宿舍楼 of three sold public homes of 33.33 m² sold by 市第二棉纺厂,
    which deposited 2 000.00, 2 000.00 and nothing for them; 30 元/m², first deposits paid (999.90 each)."""
    building = Building.objects.create(estate=world.estate_b, number="3栋", floors=5)
    world.sold = [Home.objects.create(building=building, entrance="1", floor=1, number=f"10{i}", area=AREA)
                  for i in (1, 2, 3)]
    seller = "市第二棉纺厂"
    world.account = services.account_open(
        estate=world.estate_b, rate=D("30"), holder="city_office", actor=world.street_admin,
        opened_on=datetime.date(2025, 1, 10), shares={
            h.pk: {"kind": "sold_public", "seller": seller, "seller_deposit": deposit}
            for h, deposit in zip(world.sold, ("2000.00", "2000.00", "0"), strict=True)})
    services.deposit_first(account=world.account, actor=world.street_admin, occurred_on=datetime.date(2025, 1, 15))
    return world


def test_opening_records_each_sold_public_home_with_its_seller_and_deposit(old):
    shares = {s.home_id: (s.kind, s.seller, s.seller_deposit) for s in Share.objects.all()}
    assert shares == {old.home_b1.pk: ("commercial", "", D("0.00")),
                      old.sold[0].pk: ("sold_public", "市第二棉纺厂", D("2000.00")),
                      old.sold[1].pk: ("sold_public", "市第二棉纺厂", D("2000.00")),
                      old.sold[2].pk: ("sold_public", "市第二棉纺厂", D("0.00"))}
    assert FundEvent.objects.get(kind="opened").data["seller_deposits"] == "4000.00"


def test_opening_refuses_a_seller_for_a_commercial_home_and_a_home_of_another_estate(world):
    with pytest.raises(ValidationError) as refused:
        services.account_open(estate=world.estate_a, rate=D("30"), holder="city_office", actor=world.street_admin,
                              shares={world.home_a1.pk: {"kind": "commercial", "seller": "某厂", "seller_deposit": "1"}})
    assert list(refused.value.message_dict) == ["seller"]
    with pytest.raises(ValidationError) as refused:
        services.account_open(estate=world.estate_a, rate=D("30"), holder="city_office", actor=world.street_admin,
                              shares={world.home_b1.pk: {"kind": "non_residential"}})
    assert list(refused.value.message_dict) == ["shares"]
    assert Account.objects.count() == 0


def test_opening_refuses_a_seller_name_too_long_rather_than_cutting_it(world):
    with pytest.raises(ValidationError) as refused:
        services.account_open(estate=world.estate_a, rate=D("30"), holder="city_office", actor=world.street_admin,
                              shares={world.home_a1.pk: {"kind": "sold_public", "seller": "厂" * 101,
                                                         "seller_deposit": "1"}})
    assert list(refused.value.message_dict) == ["seller"]
    assert Account.objects.count() == 0


def test_an_application_of_sold_public_homes_splits_with_the_seller_and_pays_the_owners_part_only(old):
    """Owners deposited 3 × 999.90 = 2 999.70, the seller 4 000.00: of 1 000.00 the owners bear 428.55 and the seller
    571.45; over two stages each line pays exactly its part; the shares lose only the owners' part."""
    app = services.application_create(account=old.account, title="3栋屋面", description="屋面防水", parts="3栋屋面",
                                      estimate=D("1000.00"), actor=old.street_admin, homes=old.sold)
    parts = {a.home_id: (a.kind, a.owner_amount, a.seller_amount, a.amount) for a in app.apportionments.all()}
    assert parts == {old.sold[0].pk: ("sold_public", D("142.85"), D("285.73"), D("428.58")),
                     old.sold[1].pk: ("sold_public", D("142.85"), D("285.72"), D("428.57")),
                     old.sold[2].pk: ("sold_public", D("142.85"), D("0.00"), D("142.85"))}
    assert sum(a.amount for a in app.apportionments.all()) == D("1000.00")
    voted(old, app, {h: "for" for h in old.sold})
    services.application_approve(application=app, stages=[{"description": "一", "amount": D("333.33")},
                                                          {"description": "二", "amount": D("666.67")}],
                                 actor=old.street_admin)
    before = old.account.balance()
    for stage in app.stages.all():
        services.stage_accept(stage=stage, note="合格", actor=old.street_admin)
        services.stage_pay(stage=stage, actor=old.street_admin)
    owners = {hid: -sum(m.amount for m in app.movements.filter(home_id=hid)) for hid in parts}
    sellers = {hid: sum((c.amount for c in SellerCharge.objects.filter(home_id=hid)), D(0)) for hid in parts}
    assert owners == {hid: p[1] for hid, p in parts.items()}
    assert sellers == {old.sold[0].pk: D("285.73"), old.sold[1].pk: D("285.72"), old.sold[2].pk: D(0)}
    assert before - old.account.balance() == D("428.55")
    app.refresh_from_db()
    assert (app.status, app.paid, app.seller_paid) == ("done", D("1000.00"), D("571.45"))
    assert set(SellerCharge.objects.values_list("seller", flat=True)) == {"市第二棉纺厂"}
    notice = Notice.objects.get(title__startswith="专项维修资金使用情况公示")
    assert "售房单位承担" in notice.body and "市第二棉纺厂 571.45 元" in notice.body and "业主分摊 428.55 元" in notice.body
    assert services.verify() == []


def test_a_mixed_application_follows_paragraph_3(old):
    """b1 (40 m², commercial) and the first sold home (33.33 m²): 733.30 → by area 400.00 and 333.30; the sold home's
    333.30 between its owner (999.90) and the seller (2 000.00): 111.09 and 222.21."""
    app = services.application_create(account=old.account, title="院门", description="院门", parts="院门",
                                      estimate=D("733.30"), actor=old.street_admin, homes=[old.home_b1, old.sold[0]])
    parts = {a.home_id: (a.owner_amount, a.seller_amount) for a in app.apportionments.all()}
    assert parts == {old.home_b1.pk: (D("400.00"), D("0.00")), old.sold[0].pk: (D("111.09"), D("222.21"))}


def test_a_share_s_kind_changes_only_with_a_reason_by_the_street_and_the_change_is_recorded(old):
    share = Share.objects.get(home=old.sold[2])
    with pytest.raises(PermissionDenied):
        services.share_change(share=share, kind="sold_public", seller="市第二棉纺厂", seller_deposit=D("500"),
                              reason="补交", actor=old.community_admin)
    with pytest.raises(ValidationError) as refused:
        services.share_change(share=share, kind="sold_public", seller="市第二棉纺厂", seller_deposit=D("500"),
                              reason=" ", actor=old.street_admin)
    assert list(refused.value.message_dict) == ["reason"]
    with pytest.raises(ValidationError, match="没有要变更的内容"):
        services.share_change(share=share, kind="sold_public", seller="市第二棉纺厂", seller_deposit=D("0"),
                              reason="核对", actor=old.street_admin)
    services.share_change(share=share, kind="sold_public", seller="市第二棉纺厂", seller_deposit=D("500.00"),
                          reason="售房单位补交（第八十二条第二款）", actor=old.street_admin)
    share.refresh_from_db()
    assert share.seller_deposit == D("500.00")
    event = FundEvent.objects.get(kind="share_changed")
    assert event.data == {"home": old.sold[2].pk, "reason": "售房单位补交（第八十二条第二款）",
                          "before": {"seller_deposit": "0.00"}, "after": {"seller_deposit": "500.00"}}
    # made commercial: the seller and its deposit go with it
    services.share_change(share=share, kind="commercial", reason="产权核实为商品房", actor=old.street_admin)
    share.refresh_from_db()
    assert (share.kind, share.seller, share.seller_deposit) == ("commercial", "", D("0.00"))
    assert Movement.objects.filter(home=old.sold[2]).count() == 1  # the ledger untouched
