"""Joint meetings now belong to the meetings app (meetings 0001): removed from this app's state only, so that
their tables and rows stay.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0001_joint_meetings_from_workorders'),
        ('workorders', '0007_fewer_single_column_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='jointmeetingtask',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingorder',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='jointmeetinginvite',
                    name='meeting',
                ),
                migrations.RemoveField(
                    model_name='jointmeetinginvite',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='jointmeetinginvite',
                    name='invited_by',
                ),
                migrations.RemoveField(
                    model_name='jointmeetinginvite',
                    name='reported_by',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingorder',
                    name='added_by',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingorder',
                    name='order',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingtask',
                    name='created_by',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingtask',
                    name='department',
                ),
                migrations.RemoveField(
                    model_name='jointmeetingtask',
                    name='order',
                ),
                migrations.DeleteModel(
                    name='JointMeeting',
                ),
                migrations.DeleteModel(
                    name='JointMeetingInvite',
                ),
                migrations.DeleteModel(
                    name='JointMeetingOrder',
                ),
                migrations.DeleteModel(
                    name='JointMeetingTask',
                ),
            ],
            database_operations=[],
        ),
    ]
