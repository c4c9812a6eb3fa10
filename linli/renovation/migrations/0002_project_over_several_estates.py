"""A renovation project covers one estate or a cluster of them (片区): its estates are ProjectEstate rows, each with
its own handover (stewardship and fee plan). Every existing project keeps its estate (as its lead estate and its only
ProjectEstate) and its handover (moved from the project to that row, with the time of its handover event); every
existing comment is marked as made from that estate. Reversible: going back, the lead estate's handover returns to
the project (the other estates of a cluster project are dropped)."""

import django.db.models.deletion
from django.db import migrations, models


def estates_from_projects(apps, schema_editor):
    Project = apps.get_model("renovation", "Project")
    ProjectEstate = apps.get_model("renovation", "ProjectEstate")
    ProjectEvent = apps.get_model("renovation", "ProjectEvent")
    Comment = apps.get_model("renovation", "Comment")
    for project in Project.objects.order_by("pk").iterator():
        handed = ProjectEvent.objects.filter(project_id=project.pk, kind="handed_over").order_by("at", "pk").first()
        ProjectEstate.objects.create(
            project_id=project.pk, estate_id=project.estate_id, stewardship_id=project.stewardship_id,
            fee_plan_id=project.fee_plan_id,
            handed_over_at=(handed.at if handed else None) if project.stewardship_id else None)
        Comment.objects.filter(project_id=project.pk, estate__isnull=True).update(estate_id=project.estate_id)


def projects_from_estates(apps, schema_editor):
    Project = apps.get_model("renovation", "Project")
    ProjectEstate = apps.get_model("renovation", "ProjectEstate")
    for row in ProjectEstate.objects.filter(stewardship__isnull=False).order_by("pk"):
        Project.objects.filter(pk=row.project_id, estate_id=row.estate_id).update(
            stewardship_id=row.stewardship_id, fee_plan_id=row.fee_plan_id)


class Migration(migrations.Migration):

    dependencies = [
        ('fees', '0003_plan_provider_and_run_reasons'),
        ('places', '0004_stewardship_correction'),
        ('renovation', '0001_projects_and_emergency_services'),
    ]

    operations = [
        migrations.AddField(
            model_name='comment',
            name='estate',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.estate', verbose_name='提出人所在小区'),
        ),
        migrations.AlterField(
            model_name='project',
            name='estate',
            field=models.ForeignKey(help_text='片区改造时为牵头的小区；也在改造范围之内', on_delete=django.db.models.deletion.PROTECT, related_name='renovation_projects_led', to='places.estate', verbose_name='牵头小区'),
        ),
        migrations.CreateModel(
            name='ProjectEstate',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('handed_over_at', models.DateTimeField(blank=True, null=True, verbose_name='移交时间')),
                ('estate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.estate', verbose_name='小区')),
                ('fee_plan', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='fees.feeplan', verbose_name='移交后的收费标准')),
                ('project', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='estate_rows', to='renovation.project', verbose_name='改造项目')),
                ('stewardship', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.stewardship', verbose_name='移交后的管理')),
            ],
            options={
                'verbose_name': '改造范围内的小区',
                'verbose_name_plural': '改造范围内的小区',
                'ordering': ['pk'],
            },
        ),
        migrations.AddField(
            model_name='project',
            name='estates',
            field=models.ManyToManyField(related_name='renovation_projects', through='renovation.ProjectEstate', to='places.estate', verbose_name='改造范围（小区）'),
        ),
        migrations.AddConstraint(
            model_name='projectestate',
            constraint=models.UniqueConstraint(fields=('project', 'estate'), name='renovation_project_estate_once'),
        ),
        migrations.RunPython(estates_from_projects, projects_from_estates),
        migrations.RemoveField(
            model_name='project',
            name='fee_plan',
        ),
        migrations.RemoveField(
            model_name='project',
            name='stewardship',
        ),
    ]
