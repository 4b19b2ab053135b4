"""The district's register of parties (当事人): the persons and organisations that cases, rectification orders
and penalty decisions name, one row per party whichever street met them.

PIPL: an ID number (or an organisation's credit code) and a phone are kept encrypted (for an audited reveal),
as a keyed hash (to find the same party again, district-wide) and as a mask (what every page, response and
export shows); the plain value is never stored.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..choices import PartyKind
from ..querysets import PartyQuerySet


class Party(models.Model):
    """A person or an organisation named by cases, orders and penalties across the district."""

    kind = models.CharField(_("类型"), max_length=16, choices=PartyKind.choices, default=PartyKind.PERSON)
    name = models.CharField(_("名称"), max_length=128)
    id_number_encrypted = models.TextField(_("证件号码（密文）"), blank=True)
    id_number_hash = models.CharField(_("证件号码（摘要）"), max_length=64, blank=True)
    id_number_masked = models.CharField(_("证件号码"), max_length=32, blank=True)
    phone_encrypted = models.TextField(_("电话（密文）"), blank=True)
    phone_hash = models.CharField(_("电话（摘要）"), max_length=64, blank=True)
    phone_masked = models.CharField(_("电话"), max_length=32, blank=True)
    address = models.CharField(_("地址"), max_length=255, blank=True)
    representative = models.CharField(_("法定代表人或负责人"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("登记人"),
    )

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("当事人")
        verbose_name_plural = _("当事人")
        ordering = ["name", "pk"]
        constraints = [
            # one party per ID number, district-wide: the register finds the same person again by it
            models.UniqueConstraint(fields=["id_number_hash"], condition=~Q(id_number_hash=""),
                                    name="party_one_per_id_number"),
        ]
        indexes = [
            # party_register: is this caller already known by phone?
            models.Index(fields=["phone_hash"], name="party_phone_hash"),
        ]

    def __str__(self):
        return self.name

    @property
    def masked_identity(self) -> str:
        return self.id_number_masked or self.phone_masked
