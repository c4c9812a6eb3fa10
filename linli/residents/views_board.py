"""The estate's public board (三公开, issue 19 item 6): one page per estate that needs no sign-in, reached from the
estate's QR poster (``/residents/board/<token>/``, the poster's signed token), its A4 print with a QR code back to
the page, and the same board in the resident app (``/residents/board/``). The reads are in ``board.py``;
docs/public-board.md says what is shown and why.

The public pages are treated as hostile (CONTRIBUTING, "a page that needs no sign-in"): every view counts against
the limit ``board`` per address (``LINLI_RATELIMIT_BOARD``, 429 beyond it, like the public 红黑榜), a forged token
and an unknown estate are the same 404, and nothing on them names a person in full.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from linli.core import ratelimit
from linli.fees.charts import qr_svg
from linli.residents import board as board_mod
from linli.residents import selectors
from linli.residents.views import resident_required

LIMIT = "board"


def _public(request, token):
    """The estate of ``token`` for an anonymous view, or the answer to send instead (429, 404)."""
    if ratelimit.limited(request, LIMIT):
        return None, HttpResponse(str(ratelimit.MESSAGE), status=429, content_type="text/plain; charset=utf-8")
    estate = board_mod.estate_from_token(token)
    if estate is None:
        raise Http404
    return estate, None


@require_safe
def board(request, token):
    """公开栏: anyone, no sign-in; members of the body by title and masked name."""
    estate, refused = _public(request, token)
    if refused is not None:
        return refused
    data = board_mod.board(estate)
    return render(request, "residents/board.html", {
        **data, "token": board_mod.token_for(estate), "public": True,
    })


@require_safe
def board_print(request, token):
    """The board as an A4 notice for the estate's notice board, with a QR code of the page."""
    estate, refused = _public(request, token)
    if refused is not None:
        return refused
    data = board_mod.board(estate)
    url = board_mod.public_url(request, estate)
    return render(request, "residents/board_print.html", {
        **data, "token": board_mod.token_for(estate), "url": url, "qr": qr_svg(url), "public": True,
    })


@require_safe
@resident_required
def my_board(request):
    """公开栏 in the resident app: the board of the resident's estate (``?estate=<id>`` picks one of theirs), with
    the members of the body named in full (Beijing art. 42 / art. 54 post the list to the estate)."""
    where = selectors.where(request.user)
    estates = where.estates
    wanted = request.GET.get("estate", "")
    if wanted:
        estates_by_id = {e.pk: e for e in estates}
        if not wanted.isdigit() or int(wanted) not in estates_by_id:
            raise Http404
        estate = estates_by_id[int(wanted)]
    else:
        estate = estates[0]
    data = board_mod.board(estate, full_names=True)
    return render(request, "residents/board_mine.html", {
        **data, "token": board_mod.token_for(estate), "estates": estates, "public": False,
    })
