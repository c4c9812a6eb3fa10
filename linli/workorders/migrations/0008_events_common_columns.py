"""A work order's events take the common names of linli.core.events: ``type`` becomes ``kind`` (data kept).

The rates' index on (type, at), created as SQL by 0004, now belongs to the model as (kind, at) under the same name.
PostgreSQL renamed its column with the field; SQLite rebuilt the table for the new length and lost it, so it is
created where missing.
"""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('workorders', '0007_fewer_single_column_indexes'),
    ]

    operations = [
        migrations.RenameField("workorderevent", "type", "kind"),
        migrations.AlterField(
            model_name='workorderevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='workorderevent',
            name='kind',
            field=models.CharField(choices=[('create', '受理'), ('dispatch', '派单'), ('accept', '签收'), ('start', '开始办理'), ('return', '退单'), ('reply', '办结反馈'), ('visit', '回访'), ('close', '结案'), ('reopen', '重办'), ('request_extension', '申请延期'), ('approve_extension', '批准延期'), ('reject_extension', '驳回延期'), ('supervise', '督办'), ('remind', '临期提醒'), ('overdue', '超期'), ('escalate', '升级'), ('merge', '合并'), ('cancel', '撤销'), ('reclassify', '分拣'), ('note', '备注'), ('joint_meeting', '吹哨报到')], max_length=40, verbose_name='类型'),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="workorderevent",
                    index=models.Index(fields=["kind", "at"], name="workorderevent_type_at_idx"),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "CREATE INDEX IF NOT EXISTS workorderevent_type_at_idx ON workorders_workorderevent (kind, at)",
                    migrations.RunSQL.noop,
                ),
            ],
        ),
    ]
