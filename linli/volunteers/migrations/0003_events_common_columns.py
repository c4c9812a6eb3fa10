"""Events take the common columns of linli.core.events (names, lengths, index on the time)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('volunteers', '0002_three_lists_and_wishes'),
    ]

    operations = [
        migrations.AlterField(
            model_name='wishevent',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='时间'),
        ),
        migrations.AlterField(
            model_name='wishevent',
            name='kind',
            field=models.CharField(max_length=40, verbose_name='类型'),
        ),
    ]
