"""Corrections take the common names of linli.core.events: ``actor`` and ``at`` (data kept)."""


from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('triage', '0001_street_taxonomy_and_corrections'),
    ]

    operations = [
        migrations.RenameField("triagecorrection", "created_by", "actor"),
        migrations.RenameField("triagecorrection", "created_at", "at"),
        migrations.AlterModelOptions(
            name='triagecorrection',
            options={'ordering': ['-at', '-pk'], 'verbose_name': '分拣更正', 'verbose_name_plural': '分拣更正'},
        ),
    ]
