"""The menu's links (linli/core/nav.py): reversed once per URL configuration and script prefix, so that Linli
served under a sub-path (SCRIPT_NAME) links under it, and a link whose view is not installed is left out."""

from django.urls import set_script_prefix

from linli.core import nav
from linli.core.access import scope_for


def _links(user) -> list[str]:
    return [item["url"] for item in nav.items_for(scope_for(user), user)]


def test_the_menu_follows_the_script_prefix(world):
    admin = world.street_admin
    assert "/workorders/" in _links(admin)
    set_script_prefix("/linli/")
    try:
        under = _links(admin)
    finally:
        set_script_prefix("/")
    assert "/linli/workorders/" in under and "/workorders/" not in under
    assert "/workorders/" in _links(admin)  # and back: each prefix keeps its own addresses


def test_a_link_whose_view_is_not_installed_is_left_out(world, monkeypatch):
    admin = world.street_admin
    before = _links(admin)
    missing = nav.NavItem("不存在", "nowhere:at-all", lambda scope, user: True, order=99)
    monkeypatch.setattr(nav, "_ITEMS", [*nav._ITEMS, missing])
    assert _links(admin) == before
    assert _links(admin) == before  # the second time from the reversed addresses
