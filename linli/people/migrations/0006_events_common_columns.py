"""The logs take the common names of linli.core.events: who is ``actor``, what is ``kind`` (data kept)."""


import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('people', '0005_apikey_expiry_read_only_superuser'),
    ]

    operations = [
        migrations.RenameField("accesslog", "user", "actor"),
        migrations.RenameField("accesslog", "action", "kind"),
        migrations.RenameField("auditevent", "user", "actor"),
        migrations.RenameField("auditevent", "action", "kind"),
        migrations.AddField(
            model_name='accesslog',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='accesslog',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='data',
            field=models.JSONField(blank=True, default=dict, verbose_name='内容'),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='kind',
            field=models.CharField(choices=[('login', '登录'), ('logout', '退出'), ('login_failed', '登录失败'), ('lockout', '账号锁定'), ('password_change', '修改密码'), ('export', '导出个人信息'), ('list_personal', '查看个人信息列表'), ('view_sensitive', '查看敏感记录'), ('retention', '到期个人信息清理'), ('apikey', 'API 密钥变更')], db_index=True, max_length=40, verbose_name='操作'),
        ),
    ]
