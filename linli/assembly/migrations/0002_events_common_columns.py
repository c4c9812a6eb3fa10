"""Events take the common columns of linli.core.events (names, lengths, index on the time)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assembly', '0001_meetings_motions_ballots_notices_selection'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='ballotevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='ballotevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='ballotevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='ballotevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='meetingevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='motionevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='motionevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='motionevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='selectionevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='selectionevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='selectionevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
    ]
