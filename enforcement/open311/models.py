"""Open311: the API keys that may file requests, the attributes a category asks for, and what each
request filed over Open311 brought beside its case (the key, a token, the attribute values, the
reporter's e-mail kept as personal data)."""
from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .choices import Datatype
from .querysets import ApiKeyQuerySet, ServiceAttributeQuerySet, ServiceRequestQuerySet


class ApiKey(models.Model):
    """A key an integrator (a 12345 hotline platform, a city app) files requests with.

    Only a SHA-256 of the secret is stored; the secret is shown once, when the key is issued. Each key acts
    through its own service account (`user`, role API client, no password), which the case, the audit log
    and the Idempotency-Key records name; revoking the key deactivates that account.
    """

    name = models.CharField(_("名称"), max_length=100, help_text=_("对接系统的名称，如 12345 政务服务便民热线"))
    prefix = models.CharField(_("密钥前缀"), max_length=8, help_text=_("密钥的前几位，用于辨认"))
    secret_hash = models.CharField(_("密钥摘要"), max_length=64, unique=True)
    rate_limit = models.PositiveIntegerField(
        _("速率上限（次/分钟）"), default=60, validators=[MinValueValidator(1)],
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_key", verbose_name=_("服务账号"),
    )
    created_at = models.DateTimeField(_("签发时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("签发人"),
    )
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("吊销人"),
    )
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


attribute_code = RegexValidator(r"^[A-Za-z0-9_]{1,32}$", _("只能使用字母、数字和下划线"))


class ServiceAttribute(models.Model):
    """One more field a category asks for beyond the description (a service definition's attribute)."""

    category = models.ForeignKey(
        "enforcement.Category", on_delete=models.CASCADE, related_name="open311_attributes", verbose_name=_("类别"),
    )
    code = models.CharField(_("编码"), max_length=32, validators=[attribute_code])
    datatype = models.CharField(_("数据类型"), max_length=16, choices=Datatype.choices)
    required = models.BooleanField(_("必填"), default=False)
    order = models.PositiveSmallIntegerField(_("顺序"), validators=[MinValueValidator(1)])
    description = models.CharField(_("说明"), max_length=255)
    datatype_description = models.CharField(_("填写提示"), max_length=255, blank=True)
    # [{"key": ..., "name": ...}] for the list datatypes; empty otherwise.
    values = models.JSONField(_("可选值"), default=list, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = ServiceAttributeQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 服务属性")
        verbose_name_plural = _("Open311 服务属性")
        ordering = ["category__code", "order"]
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="open311_attribute_code_unique"),
            models.UniqueConstraint(fields=["category", "order"], name="open311_attribute_order_unique"),
        ]

    def __str__(self):
        return f"{self.category_id}:{self.code}"

    def value_keys(self) -> list[str]:
        return [str(v.get("key")) for v in self.values or [] if isinstance(v, dict)]


class ServiceRequest(models.Model):
    """What a request filed over Open311 brought beside its case. The reporter's name and phone are on the
    case (the phone encrypted, hashed and masked there); the e-mail is kept here the same way."""

    case = models.OneToOneField(
        "enforcement.Case", on_delete=models.PROTECT, related_name="open311", verbose_name=_("案件"),
    )
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests", verbose_name=_("密钥"))
    token = models.CharField(_("令牌"), max_length=32, unique=True)
    attributes = models.JSONField(_("属性"), default=dict, blank=True)
    address_string = models.CharField(_("上报地址"), max_length=255, blank=True)
    media_url = models.URLField(_("媒体链接"), max_length=1000, blank=True)
    email_encrypted = models.TextField(_("电子邮箱（密文）"), blank=True)
    email_masked = models.CharField(_("电子邮箱"), max_length=255, blank=True)
    account_id = models.CharField(_("账户编号"), max_length=64, blank=True)
    device_id = models.CharField(_("设备编号"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"))

    objects = ServiceRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("Open311 请求")
        verbose_name_plural = _("Open311 请求")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(token=""), name="open311_request_token_not_empty"),
        ]

    def __str__(self):
        return self.token
