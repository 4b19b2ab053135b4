"""Zones get opening windows per weekday, seasons, allowed trades, an area that may be a road segment, a
public complaint phone and numbered slots; vendors a kind, licence, trades and photo; permits a slot, an
application workflow with an append-only history, the night-snack checklist and renewals; an inbox."""
import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("markets", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RenameField("vendorzone", "area", "geometry"),
        migrations.AlterField("vendorzone", "geometry", models.JSONField(
            blank=True, null=True, verbose_name="范围", help_text="GeoJSON 面（Polygon）或路段（LineString），WGS84")),
        migrations.AddField("vendorzone", "half_width_m", models.PositiveSmallIntegerField(
            default=10, validators=[django.core.validators.MinValueValidator(1)], verbose_name="路段两侧宽度（米）")),
        migrations.AddField("vendorzone", "valid_from", models.DateField(
            blank=True, null=True, help_text="留空表示全年", verbose_name="季节起")),
        migrations.AddField("vendorzone", "valid_to", models.DateField(
            blank=True, null=True, help_text="留空表示全年", verbose_name="季节止")),
        migrations.AddField("vendorzone", "allowed_trades", models.JSONField(
            blank=True, default=list, verbose_name="允许经营品类")),
        migrations.AlterField("vendorzone", "trades", models.CharField(
            blank=True, max_length=255, verbose_name="经营品类说明")),
        # public (printed on the zone's sign): stored as it is. A masked number cannot be unmasked, so the
        # zones made before this start with an empty phone, to be filled in.
        migrations.AddField("vendorzone", "complaint_phone", models.CharField(
            blank=True, max_length=32, verbose_name="投诉电话")),
        migrations.AlterField("vendorzone", "kind", models.CharField(choices=[
            ("fixed_stall", "固定摊点区"), ("night_snack", "夜宵摊点区"), ("morning_market", "早市"),
            ("convenience", "便民服务点"), ("seasonal", "季节性摊点")], max_length=16, verbose_name="类型")),
        migrations.CreateModel(
            name="VendorZoneWindow",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("weekday", models.PositiveSmallIntegerField(choices=[
                    (1, "星期一"), (2, "星期二"), (3, "星期三"), (4, "星期四"), (5, "星期五"), (6, "星期六"),
                    (7, "星期日")], verbose_name="星期")),
                ("opens", models.TimeField(verbose_name="开始时间")),
                ("closes", models.TimeField(help_text="不晚于开始时间表示跨过午夜（次日结束）", verbose_name="结束时间")),
                ("zone", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="windows",
                                           to="markets.vendorzone", verbose_name="摊点区域")),
            ],
            options={"verbose_name": "营业时段", "verbose_name_plural": "营业时段",
                     "ordering": ["zone", "weekday", "opens"]},
        ),
        migrations.CreateModel(
            name="VendorSlot",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("number", models.CharField(max_length=16, verbose_name="摊位号")),
                ("length_m", models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[
                    django.core.validators.MinValueValidator(0)], verbose_name="长（米）")),
                ("width_m", models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[
                    django.core.validators.MinValueValidator(0)], verbose_name="宽（米）")),
                ("is_active", models.BooleanField(default=True, verbose_name="启用")),
                ("zone", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="slots",
                                           to="markets.vendorzone", verbose_name="摊点区域")),
            ],
            options={"verbose_name": "摊位", "verbose_name_plural": "摊位", "ordering": ["zone", "number"]},
        ),
        migrations.AddConstraint("vendorslot", models.UniqueConstraint(
            fields=("zone", "number"), name="vendorslot_unique_number")),
        migrations.AddField("vendor", "kind", models.CharField(
            choices=[("person", "个人"), ("business", "个体工商户/企业")], default="person", max_length=16,
            verbose_name="类别")),
        migrations.AlterField("vendor", "name", models.CharField(max_length=64, verbose_name="姓名/名称")),
        migrations.AddField("vendor", "licence_number", models.CharField(
            blank=True, max_length=64, verbose_name="营业执照号")),
        migrations.AddField("vendor", "trades", models.JSONField(blank=True, default=list, verbose_name="经营品类")),
        migrations.AddField("vendor", "photo", models.FileField(
            blank=True, upload_to="markets/vendors/%Y/%m/", verbose_name="照片")),
        migrations.AddField("stallpermit", "slot", models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="permits",
            to="markets.vendorslot", verbose_name="摊位")),
        migrations.AlterField("stallpermit", "status", models.CharField(choices=[
            ("applied", "已申请"), ("reviewed", "街道已审核"), ("rejected", "未通过"), ("scheduled", "已批准待生效"),
            ("active", "有效"), ("expired", "已过期"), ("revoked", "已吊销")], default="applied", max_length=16,
            verbose_name="状态")),
        migrations.AddField("stallpermit", "applicant", models.CharField(
            choices=[("vendor", "摊贩本人申请"), ("street", "街道代为申请")], default="street", max_length=16,
            verbose_name="申请方式")),
        migrations.AddField("stallpermit", "checklist", models.JSONField(
            blank=True, default=dict, help_text="夜宵摊点区：每项要求是否落实", verbose_name="五统一要求")),
        migrations.AddField("stallpermit", "renewal_of", models.OneToOneField(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="renewed_by",
            to="markets.stallpermit", verbose_name="续期自")),
        migrations.AddField("stallpermit", "applied_at", models.DateTimeField(
            blank=True, null=True, verbose_name="申请时间")),
        migrations.AlterField("stallpermit", "issued_at", models.DateTimeField(
            blank=True, null=True, verbose_name="发证时间")),
        migrations.CreateModel(
            name="StallPermitEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("action", models.CharField(max_length=16, verbose_name="动作")),
                ("from_status", models.CharField(blank=True, max_length=16, verbose_name="原状态")),
                ("to_status", models.CharField(max_length=16, verbose_name="新状态")),
                ("at", models.DateTimeField(verbose_name="时间")),
                ("note", models.CharField(blank=True, max_length=255, verbose_name="说明")),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="操作人")),
                ("permit", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events",
                                             to="markets.stallpermit", verbose_name="摊位许可")),
            ],
            options={"verbose_name": "摊位许可记录", "verbose_name_plural": "摊位许可记录",
                     "ordering": ["permit", "at", "pk"]},
        ),
        migrations.CreateModel(
            name="MarketNotice",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(choices=[
                    ("permit_expiring", "摊位许可即将到期"), ("permit_lapsed", "摊位许可已过期"),
                    ("ad_expiring", "广告审批即将到期"), ("ad_expired", "广告审批已过期")], max_length=24,
                    verbose_name="类型")),
                ("subject_key", models.CharField(help_text="如 permit:12、ad:7", max_length=64, verbose_name="对象")),
                ("message", models.CharField(max_length=255, verbose_name="内容")),
                ("created_at", models.DateTimeField(verbose_name="时间")),
                ("read_at", models.DateTimeField(blank=True, null=True, verbose_name="已读时间")),
                ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                           related_name="market_notices", to=settings.AUTH_USER_MODEL,
                                           verbose_name="收件人")),
            ],
            options={"verbose_name": "街面经营消息", "verbose_name_plural": "街面经营消息",
                     "ordering": ["-created_at", "-pk"]},
        ),
        migrations.AddConstraint("marketnotice", models.UniqueConstraint(
            fields=("user", "kind", "subject_key"), name="marketnotice_once")),
        migrations.AlterField("outdoorad", "kind", models.CharField(choices=[
            ("ad", "户外广告"), ("shop_sign", "门店招牌"), ("public_service", "公益广告")], max_length=16,
            verbose_name="类型")),
        migrations.AddIndex("marketnotice", models.Index(fields=["user", "-created_at"],
                                                         name="marketnotice_user_recent")),
    ]
