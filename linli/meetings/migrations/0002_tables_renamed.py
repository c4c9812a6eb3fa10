"""Joint meetings' tables get this app's names (workorders_jointmeeting → meetings_jointmeeting …), and their content
types (with the permissions and admin log entries that point at them) move to this app's label.
"""

from django.db import migrations

MODELS = ['jointmeeting', 'jointmeetinginvite', 'jointmeetingorder', 'jointmeetingtask']


def _relabel(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    taken = set(ContentType.objects.filter(app_label=new, model__in=MODELS).values_list("model", flat=True))
    ContentType.objects.filter(app_label=old, model__in=[m for m in MODELS if m not in taken]).update(app_label=new)


def content_types_forward(apps, schema_editor):
    _relabel(apps, "workorders", "meetings")


def content_types_backward(apps, schema_editor):
    _relabel(apps, "meetings", "workorders")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('workorders', '0008_joint_meetings_to_meetings_app'),
        ('meetings', '0001_joint_meetings_from_workorders'),
    ]

    operations = [
        migrations.RenameIndex(
            model_name='jointmeeting',
            new_name='meetings_jo_street__cc8a66_idx',
            old_name='workorders__street__af6af9_idx',
        ),
        migrations.AlterModelTable(
            name='jointmeeting',
            table=None,
        ),
        migrations.AlterModelTable(
            name='jointmeetinginvite',
            table=None,
        ),
        migrations.AlterModelTable(
            name='jointmeetingorder',
            table=None,
        ),
        migrations.AlterModelTable(
            name='jointmeetingtask',
            table=None,
        ),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
