"""Ballots and their evidence: a ballot's history, the scan of one event, and the fast paper-entry page.

Who may do what: the staff of the estate see a ballot's history (who entered each event, when, how); the choices
and the scans only where ``sees_choices`` allows (never on a secret vote, never for the property company); the
admins who run the vote (``can_record_paper_ballot``) enter paper sheets; everyone else gets 404 (403 for
read-only roles on writes).
"""

from collections import Counter
from urllib.parse import urlencode

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from linli.assembly import permissions, services
from linli.assembly.models import Ballot, BallotEvent, Motion
from linli.assembly.selectors import ballot_progress, paper_entry_electors, sees_choices
from linli.assembly.views.common import _is_staff_for
from linli.core import uploads
from linli.core.access import get_visible_or_404, staff_required
from linli.core.errors import Conflict

BATCH_KEY = "assembly-paper-batch-%s"  # session: the ids of the events entered in the current stack of sheets


@staff_required
def ballot_history(request, pk):
    """Every event of one ballot with its own evidence: channel, time, who entered it, the choice and the scan
    (where the reader may see how owners voted)."""
    ballot = get_object_or_404(Ballot.objects.select_related("motion__estate", "elector"), pk=pk)
    if not _is_staff_for(request.user, ballot.motion.estate):
        raise Http404
    return render(request, "assembly/ballot_history.html", {
        "ballot": ballot, "motion": ballot.motion, "show_choices": sees_choices(request.user, ballot.motion),
        "events": ballot.events.select_related("actor").order_by("at", "id"),
    })


@staff_required
def ballot_event_sheet(request, pk):
    """The scan of the paper sheet one ballot event was entered from (it shows how the owner voted)."""
    event = get_object_or_404(BallotEvent.objects.select_related("ballot__motion__estate"), pk=pk)
    motion = event.ballot.motion
    if not _is_staff_for(request.user, motion.estate) or not sees_choices(request.user, motion) or not event.sheet:
        raise Http404
    return uploads.serve(event.sheet, name=f"ballot-{event.ballot_id}-{event.pk}", inline=True,
                         cache="private, no-store")


def _batch_tally(request, motion, show_choices: bool) -> dict:
    ids = request.session.get(BATCH_KEY % motion.pk, [])
    # Counted by the value of ballot_choices(): "option:<pk>" for an option, else the choice itself.
    events = [f"option:{option}" if option else choice for choice, option in
              BallotEvent.objects.filter(pk__in=ids, ballot__motion=motion).values_list("choice", "option_id")]
    counts = Counter(events)
    return {"entered": len(events), "choices": [(label, counts.get(value, 0)) for value, label in
                                                motion.ballot_choices()] if show_choices else []}


@staff_required
def paper_batch(request, pk):
    """Enter a stack of paper sheets: find each sheet's owner by building, room and name (masked phone and homes
    tell two 刘旭 apart), pick the choice, attach the scan; many rows in one submission.

    Each row is its own transaction (``ballot_cast``): a refused row is listed with its row number and owner and
    keeps nothing, the others are entered; nothing is dropped silently. An owner who already voted is marked with
    the existing ballot, and the row is entered only when "replace this ballot" is ticked, which sends the id of
    the ballot's current event (a ballot changed since the page was shown is refused).
    """
    motion = get_visible_or_404(Motion.objects.select_related("estate"), request.user, pk=pk)
    if not _is_staff_for(request.user, motion.estate):
        raise Http404
    permissions.require(permissions.can_record_paper_ballot(request.user, motion))
    show_choices = sees_choices(request.user, motion)
    params = request.POST if request.method == "POST" else request.GET
    search = {key: params.get(key, "").strip()[:40] for key in ("building", "room", "name")}
    hide_voted = params.get("voted") == "hide"
    entered, failed = [], []
    if request.method == "POST":
        if request.POST.get("new_stack"):
            request.session[BATCH_KEY % motion.pk] = []
        ids = [i for i in request.POST.getlist("row") if i.isdigit()]
        electors = {e.pk: e for e in motion.electors.filter(pk__in=ids)}
        batch = request.session.get(BATCH_KEY % motion.pk, [])
        for number, elector_id in enumerate(ids, start=1):
            choice = request.POST.get(f"choice-{elector_id}", "")
            elector = electors.get(int(elector_id))
            if not choice:
                continue  # no sheet for this owner in the stack
            if elector is None:
                failed.append({"row": number, "who": elector_id, "error": _("该业主不在本次表决的业主名册中")})
                continue
            try:
                upload = request.FILES.get(f"sheet-{elector_id}")
                if not upload:
                    raise ValidationError({"sheet": _("纸质票须上传扫描件")})
                try:
                    choice_value, option = motion.parse_ballot_choice(choice)
                except ValueError:
                    raise ValidationError({"choice": _("请选择一个表决意见")}) from None
                ballot = services.ballot_cast(
                    motion=motion, elector=elector, choice=choice_value, option=option, channel="paper",
                    actor=request.user,
                    sheet=uploads.document(upload, label=_("纸质票扫描件")),
                    replaces=request.POST.get(f"replaces-{elector_id}") or None)
            except (Conflict, ValidationError) as exc:
                failed.append({"row": number, "who": elector.label, "elector": elector.pk,
                               "error": "；".join(exc.messages)})
            else:
                batch.append(ballot.current_id)
                entered.append({"row": number, "who": elector.label})
        request.session[BATCH_KEY % motion.pk] = batch
        if not failed and not request.POST.get("new_stack") and entered:
            query = urlencode({**{k: v for k, v in search.items() if v}, **({"voted": "hide"} if hide_voted else {})})
            request.session["assembly-paper-entered"] = [e["who"] for e in entered]
            return redirect(f"{request.path}?{query}" if query else request.path)
    if request.method == "GET":
        entered = [{"who": who} for who in request.session.pop("assembly-paper-entered", [])]
    rows = paper_entry_electors(motion, hide_voted=hide_voted, **search) if motion.is_open() else []
    for e in rows:
        e.current = getattr(e, "ballot", None)
        e.existing = (services.describe_ballot(e.current.current, show_choice=show_choices)
                      if e.current and e.current.current else "")
        e.phones = [p.masked_phone for p in e.persons.all() if p.phone]
    return render(request, "assembly/paper_batch.html", {
        "motion": motion, "rows": rows, "search": search, "hide_voted": hide_voted, "show_choices": show_choices,
        "choices": motion.ballot_choices(), "entered": entered, "failed": failed,
        "batch": _batch_tally(request, motion, show_choices), "progress": ballot_progress(motion),
        "failed_ids": {f.get("elector") for f in failed},
    }, status=400 if failed else 200)
