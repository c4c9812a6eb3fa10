"""Work-order notifications move into the one inbox (linli.notify, issue 14): every row of
``workorders.Notification`` is copied into ``notify.Notification`` (kind "workorder", the link to its order,
created_at and read_at kept), then the old table goes."""

from django.db import migrations

BATCH = 2000


def copy_rows(apps, schema_editor):
    Old = apps.get_model("workorders", "Notification")
    New = apps.get_model("notify", "Notification")
    rows = []
    for old in Old.objects.select_related("order").order_by("pk").iterator(chunk_size=BATCH):
        rows.append(New(user_id=old.user_id, kind="workorder", title=old.title, body=old.body,
                        link=f"/workorders/{old.order.code}/" if old.order_id and old.order.code else "",
                        created_at=old.created_at, read_at=old.read_at))
        if len(rows) >= BATCH:
            New.objects.bulk_create(rows)
            rows = []
    New.objects.bulk_create(rows)


def copy_back(apps, schema_editor):
    New = apps.get_model("notify", "Notification")
    Old = apps.get_model("workorders", "Notification")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    rows = []
    for new in New.objects.filter(kind="workorder").order_by("pk").iterator(chunk_size=BATCH):
        code = new.link.strip("/").split("/")[-1] if new.link else ""
        order = WorkOrder.objects.filter(code=code).first() if code else None
        rows.append(Old(user_id=new.user_id, order=order, title=new.title, body=new.body,
                        created_at=new.created_at, read_at=new.read_at))
    Old.objects.bulk_create(rows, batch_size=BATCH)
    New.objects.filter(kind="workorder").delete()


class Migration(migrations.Migration):

    dependencies = [
        ("workorders", "0010_active_by_street_and_community"),
        ("notify", "0001_notifications_deliveries_jobs"),
    ]

    operations = [
        migrations.RunPython(copy_rows, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
