"""Events take the common columns of linli.core.events (names, lengths, index on the time)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('fees', '0001_fee_plans_bills_payments_relief_ledger'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='feeevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='feeevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='feeevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='feeevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
    ]
