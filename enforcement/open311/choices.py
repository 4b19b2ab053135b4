"""Vocabularies of the GeoReport v2 specification, spelled as it spells them."""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Datatype(models.TextChoices):
    """How a client asks for an attribute's value (a service definition's `datatype`)."""

    STRING = "string", _("单行文本")
    NUMBER = "number", _("数字")
    DATETIME = "datetime", _("日期时间")
    TEXT = "text", _("多行文本")
    SINGLEVALUELIST = "singlevaluelist", _("单选")
    MULTIVALUELIST = "multivaluelist", _("多选")


class PublicStatus(models.TextChoices):
    """A request's status as Open311 tells it: open until the case is closed or rejected."""

    OPEN = "open", _("处理中")
    CLOSED = "closed", _("已办结")
