"""Issue 15 item 4: a ballot's scan belongs to the event that produced it, and a ballot points at its current event.

Data: each ballot's scan (``Ballot.sheet``, which held the scan of the last paper entry) moves onto the ballot's
latest paper event; the file itself stays where it is (only the reference moves, no file is deleted or copied).
Every ballot's ``current`` is its latest event. Backwards: the current event's scan goes back onto the ballot.
"""

import django.db.models.deletion
from django.db import migrations, models

import linli.assembly.models.motions


def sheets_onto_events(apps, schema_editor):
    Ballot = apps.get_model("assembly", "Ballot")
    BallotEvent = apps.get_model("assembly", "BallotEvent")  # a plain manager here: the append-only guard is not
    for ballot in Ballot.objects.order_by("pk").iterator():
        events = BallotEvent.objects.filter(ballot_id=ballot.pk).order_by("-at", "-id")
        latest = events.first()
        if latest is None:
            continue
        if ballot.sheet:
            paper = events.filter(channel="paper").first() or latest
            BallotEvent.objects.filter(pk=paper.pk).update(sheet=ballot.sheet.name)
        Ballot.objects.filter(pk=ballot.pk).update(current_id=latest.pk)
    if schema_editor.connection.vendor == "postgresql":
        # The column is dropped next in this transaction: check the new foreign keys now, not at commit.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def sheets_onto_ballots(apps, schema_editor):
    Ballot = apps.get_model("assembly", "Ballot")
    BallotEvent = apps.get_model("assembly", "BallotEvent")
    for ballot in Ballot.objects.exclude(current=None).order_by("pk").iterator():
        event = BallotEvent.objects.get(pk=ballot.current_id)
        paper = event if event.sheet else BallotEvent.objects.filter(ballot_id=ballot.pk).exclude(
            sheet="").order_by("-at", "-id").first()
        if paper is not None:
            Ballot.objects.filter(pk=ballot.pk).update(sheet=paper.sheet.name)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ("assembly", "0002_events_common_columns"),
    ]

    operations = [
        migrations.AddField(
            model_name="ballot",
            name="current",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="assembly.ballotevent", verbose_name="当前记录"),
        ),
        migrations.AddField(
            model_name="ballotevent",
            name="sheet",
            field=models.FileField(blank=True, upload_to=linli.assembly.models.motions._event_sheet_path,
                                   verbose_name="纸质票扫描件"),
        ),
        migrations.RunPython(sheets_onto_events, sheets_onto_ballots),
        migrations.RemoveField(
            model_name="ballot",
            name="sheet",
        ),
    ]
