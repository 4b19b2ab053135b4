"""Shops: licence number, point, frontage agreements as append-only versions (三包 or 五包), commitment letters;
outdoor ads: approval period, statuses approved / expiring / expired / no approval / hazard / removed, a removal
order; per-street public-service ad targets."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from bureau.appendonly import append_only_trigger


def number_versions_and_set_ad_statuses(apps, schema_editor):
    """Agreements become versions: each shop's, oldest first, numbered 1, 2 ... (all 五包, as the only kind
    until now). Ads' stored `normal` becomes what their approval says today (30 days' warning)."""
    from datetime import timedelta

    from django.utils import timezone

    agreement = apps.get_model("markets", "FrontageAgreement")
    last = {}
    for row in agreement.objects.order_by("shop_id", "signed_on", "pk"):
        last[row.shop_id] = last.get(row.shop_id, 0) + 1
        if row.version != last[row.shop_id]:
            agreement.objects.filter(pk=row.pk).update(version=last[row.shop_id])
    ad = apps.get_model("markets", "OutdoorAd")
    today = timezone.localdate()
    for row in ad.objects.filter(status="normal"):
        if not row.approval_number:
            status = "no_approval"
        elif row.approved_until is None or row.approved_until > today + timedelta(days=30):
            status = "approved"
        elif row.approved_until < today:
            status = "expired"
        else:
            status = "expiring"
        ad.objects.filter(pk=row.pk).update(status=status)


class Migration(migrations.Migration):

    dependencies = [
        ('enforcement', '0007_penalties'),
        ('grids', '0004_gazetteer'),
        ('markets', '0005_party'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AdTarget',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('public_service_ratio', models.DecimalField(decimal_places=4, help_text='0 至 1，如 0.2 表示 20%', max_digits=5, validators=[django.core.validators.MinValueValidator(0), django.core.validators.MaxValueValidator(1)], verbose_name='公益广告比例目标')),
                ('updated_at', models.DateTimeField(verbose_name='设置时间')),
            ],
            options={
                'verbose_name': '公益广告比例目标',
                'verbose_name_plural': '公益广告比例目标',
                'ordering': ['street__code'],
            },
        ),
        migrations.CreateModel(
            name='ShopCommitment',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('signed_on', models.DateField(verbose_name='签订日期')),
                ('signer_name', models.CharField(max_length=64, verbose_name='签订人')),
                ('scan', models.FileField(upload_to='markets/commitments/%Y/%m/', verbose_name='扫描件')),
                ('scan_sha256', models.CharField(max_length=64, verbose_name='扫描件摘要')),
                ('recorded_at', models.DateTimeField(verbose_name='登记时间')),
            ],
            options={
                'verbose_name': '商户承诺书',
                'verbose_name_plural': '商户承诺书',
                'ordering': ['shop', '-signed_on', '-pk'],
            },
        ),
        migrations.AlterModelOptions(
            name='frontageagreement',
            options={'ordering': ['shop', 'kind', '-version'], 'verbose_name': '门前包干责任书', 'verbose_name_plural': '门前包干责任书'},
        ),
        migrations.AddField(
            model_name='frontageagreement',
            name='kind',
            field=models.CharField(choices=[('three', '门前三包'), ('five', '门前五包')], default='five', max_length=8, verbose_name='类型'),
        ),
        migrations.AddField(
            model_name='frontageagreement',
            name='recorded_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='登记时间'),
        ),
        migrations.AddField(
            model_name='frontageagreement',
            name='version',
            field=models.PositiveSmallIntegerField(default=1, validators=[django.core.validators.MinValueValidator(1)], verbose_name='版本'),
        ),
        migrations.AddField(
            model_name='outdoorad',
            name='approved_from',
            field=models.DateField(blank=True, null=True, verbose_name='审批有效期起'),
        ),
        migrations.AddField(
            model_name='outdoorad',
            name='removal_order',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='outdoor_ads', to='enforcement.rectificationorder', verbose_name='拆除整改通知书'),
        ),
        migrations.AddField(
            model_name='shop',
            name='lat',
            field=models.FloatField(blank=True, null=True, verbose_name='纬度'),
        ),
        migrations.AddField(
            model_name='shop',
            name='licence_number',
            field=models.CharField(blank=True, max_length=64, verbose_name='营业执照号'),
        ),
        migrations.AddField(
            model_name='shop',
            name='lng',
            field=models.FloatField(blank=True, null=True, verbose_name='经度'),
        ),
        migrations.AlterField(
            model_name='outdoorad',
            name='status',
            field=models.CharField(choices=[('approved', '已审批'), ('expiring', '即将到期'), ('expired', '已过期'), ('no_approval', '无审批'), ('hazard', '安全隐患'), ('removed', '已拆除')], default='no_approval', max_length=16, verbose_name='状态'),
        ),
        migrations.RunPython(number_versions_and_set_ad_statuses, migrations.RunPython.noop),
        migrations.RemoveConstraint(
            model_name='frontageagreement',
            name='frontageagreement_one_active_per_shop',
        ),
        migrations.RemoveField(
            model_name='frontageagreement',
            name='is_active',
        ),
        migrations.AddIndex(
            model_name='outdoorad',
            index=models.Index(fields=['status', 'approved_until'], name='outdoorad_status_until'),
        ),
        migrations.AddConstraint(
            model_name='frontageagreement',
            constraint=models.UniqueConstraint(fields=('shop', 'kind', 'version'), name='frontageagreement_unique_version'),
        ),
        migrations.AddConstraint(
            model_name='outdoorad',
            constraint=models.CheckConstraint(condition=models.Q(('approved_from__isnull', True), ('approved_until__isnull', True), ('approved_until__gte', models.F('approved_from')), _connector='OR'), name='outdoorad_approval_range'),
        ),
        migrations.AddConstraint(
            model_name='shop',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('lat__isnull', True), ('lng__isnull', True)), models.Q(('lat__isnull', False), ('lng__isnull', False)), _connector='OR'), name='shop_point_whole'),
        ),
        migrations.AddField(
            model_name='adtarget',
            name='street',
            field=models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='ad_target', to='grids.street', verbose_name='街道'),
        ),
        migrations.AddField(
            model_name='adtarget',
            name='updated_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='设置人'),
        ),
        migrations.AddField(
            model_name='shopcommitment',
            name='recorded_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='登记人'),
        ),
        migrations.AddField(
            model_name='shopcommitment',
            name='shop',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='commitments', to='markets.shop', verbose_name='商户'),
        ),
        migrations.AddConstraint(
            model_name='adtarget',
            constraint=models.CheckConstraint(condition=models.Q(('public_service_ratio__gte', 0), ('public_service_ratio__lte', 1)), name='adtarget_ratio_range'),
        ),
        # versions and letters are history: refused UPDATE, DELETE and TRUNCATE in the database too
        append_only_trigger("markets_frontageagreement"),
        append_only_trigger("markets_shopcommitment"),
    ]
