"""The three lists: offers, needs and matching by skill, place and time, confirmed by the community."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.volunteers import lists
from linli.volunteers.models import Match, Need


def _offer(vworld, person, **kw):
    data = dict(list_kind="supply", source="volunteer", skill="repair", title="修小家电", person=person)
    data.update(kw)
    return lists.offer_add(actor=vworld.community_admin, **data)


def test_only_a_party_member_is_listed_as_party_supply(vworld):
    with pytest.raises(ValidationError) as refused:
        _offer(vworld, vworld.wang, source="party_member")
    assert list(refused.value.message_dict) == ["source"]
    offer = _offer(vworld, vworld.neighbour, source="party_member")
    assert (offer.community, offer.provider_public_name) == (vworld.c1, "李**")


def test_a_resident_lists_their_own_offer_but_not_someone_elses(vworld):
    offer = lists.offer_add(actor=vworld.volunteer_b, list_kind="service", source="volunteer", skill="companionship",
                            title="陪老人聊天", person=vworld.wang, weekdays=[0, 2])
    assert offer.community == vworld.c1
    with pytest.raises(PermissionDenied):
        lists.offer_add(actor=vworld.volunteer_b, list_kind="service", source="volunteer", skill="repair", title="x",
                        person=vworld.neighbour)


def test_a_need_is_matched_by_skill_place_and_time_best_first(vworld):
    near = _offer(vworld, vworld.neighbour, estate=vworld.estate_a, weekdays=[5])
    anywhere = _offer(vworld, vworld.wang, weekdays=[])
    _offer(vworld, vworld.wang, skill="legal", title="法律咨询")  # another skill
    wrong_day = lists.offer_add(actor=vworld.community_admin, list_kind="supply", source="merchant", skill="repair",
                                title="家电维修店", organization=vworld.company, community=vworld.c1, weekdays=[1])
    need = lists.need_add(actor=vworld.resident_a, person=vworld.resident, skill="repair", title="电饭煲坏了",
                          weekdays=[5, 6])
    proposals = lists.match_propose(need=need)
    assert [(m.offer, m.score) for m in proposals] == [(near, 5), (anywhere, 3)]
    assert wrong_day not in [m.offer for m in proposals]
    assert proposals[0].reasons == "类别相同、同一小区、时间吻合"
    need.refresh_from_db()
    assert need.status == "proposed"
    assert len(lists.match_propose(need=need)) == 2 and Match.objects.count() == 2  # running again adds nothing


def test_the_community_admin_confirms_one_proposal_and_the_others_are_set_aside(vworld):
    _offer(vworld, vworld.neighbour, estate=vworld.estate_a)
    _offer(vworld, vworld.wang)
    need = lists.need_add(actor=vworld.resident_a, person=vworld.resident, skill="repair", title="电饭煲坏了")
    first, second = lists.match_propose(need=need)
    with pytest.raises(PermissionDenied):
        lists.match_confirm(actor=vworld.grid_worker, match=second)
    lists.match_confirm(actor=vworld.community_admin, match=second)
    first.refresh_from_db()
    need.refresh_from_db()
    assert (first.status, need.status) == ("rejected", "matched")
    assert Match.objects.get(pk=second.pk).status == "confirmed"


def test_a_resident_cannot_enter_a_need_for_someone_else(vworld):
    with pytest.raises(PermissionDenied):
        lists.need_add(actor=vworld.volunteer_b, person=vworld.resident, skill="repair", title="x")
    assert Need.objects.count() == 0
    need = lists.need_add(actor=vworld.grid_worker, person=vworld.resident, skill="repair", title="纸质登记")
    assert need.created_by == vworld.grid_worker
