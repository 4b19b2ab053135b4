from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """Who a user is to the bureau.

    MLPS 2.0 separates three administrators, and no account holds two of their roles: the system
    administrator (`admin`, the only role a superuser may have) sets the platform up; the security
    administrator (`security`) manages accounts, roles and second factors and nothing else; the audit
    administrator (`auditor`) reads the audit log and nothing else. A new account has no access (`none`)
    until the security administrator gives it a role.
    """

    NONE = "none", _("未分配（无权限）")
    ADMIN = "admin", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    BUREAU = "bureau", _("区局督查人员")
    LEADER = "leader", _("街道执法大队长")
    OFFICER = "officer", _("网格员")
    API = "api", _("API 客户端")
    # Another department's account (环卫, 住建 ...): the cases referred to its department, nothing else. Which
    # department is enforcement's fact (its DepartmentAccount points at the user).
    DEPARTMENT = "department", _("协办部门账号")


# The administrators: each confirms a one-time code (TOTP or a recovery code) after the password.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
