"""Resident orders' and parcels' tables get this app's names (volunteers_parcel → services_parcel …), and their
content types (with the permissions and admin log entries that point at them) move to this app's label.
"""

from django.db import migrations

MODELS = ['provider', 'offering', 'residentorder', 'orderevent', 'parcel']


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=[m for m in MODELS if m not in taken]).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _relabel(apps, "volunteers", "services")


def content_types_backward(apps, schema_editor):
    _relabel(apps, "services", "volunteers")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('volunteers', '0003_resident_orders_to_services_app'),
        ('services', '0001_resident_orders_from_volunteers'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='parcel',
            new_name='services_pa_estate__d50c22_idx',
            old_name='volunteers__estate__e2609b_idx',
        ),
        migrations.AlterModelTable(
            name='offering',
            table=None,
        ),
        migrations.AlterModelTable(
            name='orderevent',
            table=None,
        ),
        migrations.AlterModelTable(
            name='parcel',
            table=None,
        ),
        migrations.AlterModelTable(
            name='provider',
            table=None,
        ),
        migrations.AlterModelTable(
            name='residentorder',
            table=None,
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
