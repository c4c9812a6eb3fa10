"""Joint meetings move here from the work-order app, without touching the database: this creates them in
Django's state only, on the tables they had (workorders_joint…); workorders 0008 deletes them from its state;
0002 renames the tables.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('people', '0005_apikey_expiry_read_only_superuser'),
        ('places', '0002_ordering_without_joins'),
        ('workorders', '0007_fewer_single_column_indexes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='JointMeeting',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=120, verbose_name='会议名称')),
                        ('topic', models.TextField(blank=True, verbose_name='议题')),
                        ('scheduled_at', models.DateTimeField(db_index=True, verbose_name='召开时间')),
                        ('place', models.CharField(blank=True, max_length=120, verbose_name='地点')),
                        ('status', models.CharField(choices=[('planned', '待召开'), ('held', '已召开'), ('closed', '已结束')], default='planned', max_length=8, verbose_name='状态')),
                        ('convened_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='发起时间')),
                        ('minutes', models.TextField(blank=True, verbose_name='会议纪要')),
                        ('decisions', models.TextField(blank=True, verbose_name='议定事项')),
                        ('held_at', models.DateTimeField(blank=True, null=True, verbose_name='纪要登记时间')),
                        ('closed_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                        ('convened_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='召集人')),
                        ('street', models.ForeignKey(limit_choices_to={'level': 'street'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.division', verbose_name='街道')),
                    ],
                    options={
                    'db_table': 'workorders_jointmeeting',
                        'verbose_name': '吹哨报到会议',
                        'verbose_name_plural': '吹哨报到会议',
                        'ordering': ['-scheduled_at', '-id'],
                    },
                ),
                migrations.CreateModel(
                    name='JointMeetingInvite',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('invited_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='邀请时间')),
                        ('reported_at', models.DateTimeField(blank=True, null=True, verbose_name='报到时间')),
                        ('attendees', models.CharField(blank=True, max_length=200, verbose_name='到会人员')),
                        ('department', models.ForeignKey(limit_choices_to={'kind': 'department'}, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.organization', verbose_name='部门')),
                        ('invited_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='邀请人')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='invites', to='meetings.jointmeeting', verbose_name='会议')),
                        ('reported_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='报到人')),
                    ],
                    options={
                    'db_table': 'workorders_jointmeetinginvite',
                        'verbose_name': '会议邀请部门',
                        'verbose_name_plural': '会议邀请部门',
                        'ordering': ['meeting', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='JointMeetingOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('added_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='关联时间')),
                        ('added_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='关联人')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='links', to='meetings.jointmeeting', verbose_name='会议')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='meeting_links', to='workorders.workorder', verbose_name='工单')),
                    ],
                    options={
                    'db_table': 'workorders_jointmeetingorder',
                        'verbose_name': '会议关联工单',
                        'verbose_name_plural': '会议关联工单',
                        'ordering': ['meeting', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='JointMeetingTask',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('deadline', models.DateField(verbose_name='完成期限')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='交办时间')),
                        ('created_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='交办人')),
                        ('department', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.organization', verbose_name='承办部门')),
                        ('meeting', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='tasks', to='meetings.jointmeeting', verbose_name='会议')),
                        ('order', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='meeting_task', to='workorders.workorder', verbose_name='任务工单')),
                    ],
                    options={
                    'db_table': 'workorders_jointmeetingtask',
                        'verbose_name': '会议交办任务',
                        'verbose_name_plural': '会议交办任务',
                        'ordering': ['meeting', 'id'],
                    },
                ),
                migrations.AddIndex(
                    model_name='jointmeeting',
                    index=models.Index(fields=['street', 'scheduled_at'], name='workorders__street__af6af9_idx'),
                ),
                migrations.AddConstraint(
                    model_name='jointmeetinginvite',
                    constraint=models.UniqueConstraint(fields=('meeting', 'department'), name='jointmeeting_unique_department'),
                ),
                migrations.AddConstraint(
                    model_name='jointmeetingorder',
                    constraint=models.UniqueConstraint(fields=('meeting', 'order'), name='jointmeeting_unique_order'),
                ),
            ],
            database_operations=[],
        ),
    ]
