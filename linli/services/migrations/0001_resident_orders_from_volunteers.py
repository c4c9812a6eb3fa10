"""Resident orders and parcels move here from the volunteer app, without touching the database: this creates
them in Django's state only, on the tables they had (volunteers_…); volunteers 0003 deletes them from its state;
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
        ('volunteers', '0002_three_lists_and_wishes'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Provider',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('active', models.BooleanField(default=True, verbose_name='接单中')),
                        ('estate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_providers', to='places.estate', verbose_name='小区')),
                        ('organization', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='order_providers', to='people.organization', verbose_name='服务单位')),
                    ],
                    options={
                    'db_table': 'volunteers_provider',
                        'verbose_name': '接单单位',
                        'verbose_name_plural': '接单单位',
                        'ordering': ['estate_id', 'organization__name'],
                    },
                ),
                migrations.CreateModel(
                    name='Offering',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100, verbose_name='名称')),
                        ('kind', models.CharField(choices=[('service', '上门服务'), ('goods', '商品'), ('meal', '助老餐')], max_length=16, verbose_name='类别')),
                        ('price', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='单价(元)')),
                        ('unit', models.CharField(default='次', max_length=16, verbose_name='单位')),
                        ('bulky', models.BooleanField(default=False, verbose_name='大件（可请志愿者送上楼）')),
                        ('active', models.BooleanField(default=True, verbose_name='上架')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='offerings', to='services.provider', verbose_name='接单单位')),
                    ],
                    options={
                    'db_table': 'volunteers_offering',
                        'verbose_name': '点单项目',
                        'verbose_name_plural': '点单项目',
                        'ordering': ['provider_id', 'kind', 'name'],
                    },
                ),
                migrations.CreateModel(
                    name='ResidentOrder',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('quantity', models.PositiveIntegerField(default=1, verbose_name='数量')),
                        ('amount', models.DecimalField(decimal_places=2, max_digits=10, verbose_name='金额(元)')),
                        ('note', models.CharField(blank=True, max_length=200, verbose_name='备注')),
                        ('wanted_on', models.DateField(blank=True, null=True, verbose_name='希望日期')),
                        ('status', models.CharField(choices=[('placed', '已下单'), ('accepted', '已接单'), ('completed', '已完成'), ('cancelled', '已取消'), ('refused', '已拒单')], db_index=True, default='placed', max_length=16, verbose_name='状态')),
                        ('placed_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='下单时间')),
                        ('accepted_at', models.DateTimeField(blank=True, null=True, verbose_name='接单时间')),
                        ('completed_at', models.DateTimeField(blank=True, null=True, verbose_name='完成时间')),
                        ('reason', models.CharField(blank=True, max_length=200, verbose_name='取消/拒单原因')),
                        ('accepted_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='接单人')),
                        ('estate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.estate', verbose_name='小区')),
                        ('home', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.home', verbose_name='房屋')),
                        ('offering', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='services.offering', verbose_name='项目')),
                        ('person', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='people.person', verbose_name='下单居民')),
                        ('placed_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='下单账号')),
                        ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='orders', to='services.provider', verbose_name='接单单位')),
                    ],
                    options={
                    'db_table': 'volunteers_residentorder',
                        'verbose_name': '居民点单',
                        'verbose_name_plural': '居民点单',
                        'ordering': ['-placed_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Parcel',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('description', models.CharField(max_length=100, verbose_name='物品')),
                        ('bulky', models.BooleanField(default=False, verbose_name='大件/重物')),
                        ('code', models.CharField(max_length=6, verbose_name='取件码')),
                        ('status', models.CharField(choices=[('waiting', '待取件'), ('delivery_requested', '待志愿者送达'), ('out_for_delivery', '志愿者配送中'), ('picked_up', '已取件'), ('delivered', '已送达')], db_index=True, default='waiting', max_length=24, verbose_name='状态')),
                        ('arrived_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='到站时间')),
                        ('delivery_requested_at', models.DateTimeField(blank=True, null=True, verbose_name='申请送达时间')),
                        ('taken_at', models.DateTimeField(blank=True, null=True, verbose_name='志愿者接单时间')),
                        ('handed_at', models.DateTimeField(blank=True, null=True, verbose_name='交付时间')),
                        ('courier', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='people.person', verbose_name='送达志愿者')),
                        ('estate', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.estate', verbose_name='小区')),
                        ('home', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='places.home', verbose_name='房屋')),
                        ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='people.person', verbose_name='收件人')),
                        ('registered_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='parcels', to='services.residentorder', verbose_name='来自点单')),
                    ],
                    options={
                    'db_table': 'volunteers_parcel',
                        'verbose_name': '驿站包裹',
                        'verbose_name_plural': '驿站包裹',
                        'ordering': ['-arrived_at', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='OrderEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(max_length=24, verbose_name='事件')),
                        ('at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='时间')),
                        ('data', models.JSONField(blank=True, default=dict, verbose_name='内容')),
                        ('actor', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='操作人')),
                        ('order', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='events', to='services.residentorder', verbose_name='点单')),
                    ],
                    options={
                    'db_table': 'volunteers_orderevent',
                        'verbose_name': '点单记录',
                        'verbose_name_plural': '点单记录',
                        'ordering': ['order_id', 'at', 'pk'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='provider',
                    constraint=models.UniqueConstraint(fields=('organization', 'estate'), name='provider_once_per_estate'),
                ),
                migrations.AddConstraint(
                    model_name='offering',
                    constraint=models.CheckConstraint(condition=models.Q(('price__gte', 0)), name='offering_price_not_negative'),
                ),
                migrations.AddConstraint(
                    model_name='residentorder',
                    constraint=models.CheckConstraint(condition=models.Q(('amount__gte', 0)), name='order_amount_not_negative'),
                ),
                migrations.AddIndex(
                    model_name='parcel',
                    index=models.Index(fields=['estate', 'code'], name='volunteers__estate__e2609b_idx'),
                ),
            ],
            database_operations=[],
        ),
    ]
