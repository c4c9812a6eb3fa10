"""The resident home's part of ``linli demo``: it adds no data (the home and the board read the other apps'), it
prints where the public boards of the demo street are, since their links carry a signed token nobody can guess."""

from django.db.models import Q

from linli.assembly.models import Committee
from linli.people.demo import RESIDENT_HOME, STREET
from linli.places.models import Estate
from linli.residents.board import token_for


def load(*, out) -> None:
    board_links(out=out)


def board_links(*, out) -> None:
    """The public board (三公开, no sign-in) of the demo resident's estate and of every estate with a serving owners'
    committee or 物业管理委员会; the same links are on the posters page (二维码海报) and the resident home."""
    estates = list(Estate.objects.filter(community__parent__code=STREET[1]).filter(
        Q(name=RESIDENT_HOME[0]) | Q(pk__in=Committee.objects.serving().values("estate_id"))).order_by("name", "pk"))
    if not estates:
        return
    out("小区公开栏（三公开，无需登录；接在服务器地址后面打开）：")
    for estate in estates:
        out(f"  {estate.name}：/residents/board/{token_for(estate)}/")
