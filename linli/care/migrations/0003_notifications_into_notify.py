"""Care's own inbox merges into the one inbox (linli.notify, issue 14): every ``care.Notification`` row is copied into
``notify.Notification`` with kind "care", key "care:<plan>:<due>" (one per user, plan and due date, as before), the
link to the subject's page, created_at and read_at kept; then the old table goes."""

from django.db import migrations

BATCH = 2000


def care_key(plan_id, due) -> str:
    return f"care:{plan_id}:{due.isoformat()}"


def copy_rows(apps, schema_editor):
    Old = apps.get_model("care", "Notification")
    New = apps.get_model("notify", "Notification")
    rows = []
    for old in Old.objects.select_related("plan").order_by("pk").iterator(chunk_size=BATCH):
        rows.append(New(user_id=old.user_id, kind="care", title=old.message[:120], body=old.message if len(old.message) > 120 else "",
                        link=f"/care/subjects/{old.plan.subject_id}/", key=care_key(old.plan_id, old.due),
                        created_at=old.created_at, read_at=old.read_at))
        if len(rows) >= BATCH:
            New.objects.bulk_create(rows, ignore_conflicts=True)  # (user, key) was unique in care too
            rows = []
    New.objects.bulk_create(rows, ignore_conflicts=True)


def copy_back(apps, schema_editor):
    New = apps.get_model("notify", "Notification")
    Old = apps.get_model("care", "Notification")
    rows = []
    for new in New.objects.filter(kind="care", key__startswith="care:").order_by("pk").iterator(chunk_size=BATCH):
        _care, plan_id, due = new.key.split(":", 2)
        rows.append(Old(user_id=new.user_id, plan_id=int(plan_id), due=due, message=new.body[:200] or new.title,
                        created_at=new.created_at, read_at=new.read_at))
    Old.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    New.objects.filter(kind="care").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("care", "0002_care_subject_closed_at"),
        ("notify", "0001_notifications_deliveries_jobs"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
