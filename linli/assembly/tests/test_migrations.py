"""Issue 15 item 4: a database from before the scans moved onto the ballot events loses no scan — each ballot's
scan (``Ballot.sheet``, the last paper entry's) moves onto its latest paper event, and every ballot points at its
latest event."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from linli.assembly.models import Ballot, BallotEvent
from linli.core.testing import HOUR, open_motion

BEFORE = [("assembly", "0002_events_common_columns")]


def migrate(targets=None):
    executor = MigrationExecutor(connection)
    targets = targets or executor.loader.graph.leaf_nodes()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_the_scans_of_an_old_database_move_onto_their_events(world, media):
    motion = open_motion(world)
    mine = motion.electors.get(persons=world.resident)
    theirs = motion.electors.get(persons=world.neighbour)
    name = default_storage.save(f"assembly/ballots/{motion.pk}/old-scan.pdf", ContentFile(b"%PDF-1.4 old scan"))
    now = timezone.now()
    try:
        old = migrate(BEFORE)
        OldBallot, OldEvent = old.get_model("assembly", "Ballot"), old.get_model("assembly", "BallotEvent")
        # The resident's ballot: on paper (with the scan), then changed online; the scan stayed on the ballot.
        ballot = OldBallot.objects.create(motion_id=motion.pk, elector_id=mine.pk, choice="for", channel="online",
                                          sheet=name, cast_by_id=world.resident_a.pk)
        paper = OldEvent.objects.create(ballot=ballot, kind="cast", choice="against", channel="paper",
                                        actor_id=world.street_admin.pk, at=now - HOUR)
        online = OldEvent.objects.create(ballot=ballot, kind="changed", choice="for", channel="online",
                                         actor_id=world.resident_a.pk, at=now)
        plain = OldBallot.objects.create(motion_id=motion.pk, elector_id=theirs.pk, choice="for", channel="online")
        only = OldEvent.objects.create(ballot=plain, kind="cast", choice="for", channel="online", at=now)
    finally:
        migrate()

    moved = Ballot.objects.get(pk=ballot.pk)
    assert moved.current_id == online.pk
    assert BallotEvent.objects.get(pk=paper.pk).sheet.name == name
    assert BallotEvent.objects.get(pk=online.pk).sheet.name == ""
    assert default_storage.exists(name)
    assert (Ballot.objects.get(pk=plain.pk).current_id, BallotEvent.objects.get(pk=only.pk).sheet.name) == (only.pk,
                                                                                                            "")
