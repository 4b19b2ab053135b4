"""Departments' accounts: the security administrator, who manages accounts and roles, says which department
an account of the department role answers for. The account itself is made like every other (the accounts
admin, `bureau.accounts.services.user_save`); this only links it, so separation of duties holds: bureau staff
cannot make themselves a department, nor a department account become anything else."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from bureau import clock
from bureau.accounts.choices import Role
from bureau.audit.services import audit_record

from ..models import Department, DepartmentAccount


def _department(value) -> Department:
    if isinstance(value, Department):
        return value
    department = Department.objects.filter(code=str(value or "").strip(), is_active=True).first()
    if department is None:
        raise ValidationError({"department": [_("未知的协办部门：%(code)s") % {"code": value}]})
    return department


@transaction.atomic
def department_account_link(*, acting_user, user, department) -> DepartmentAccount:
    """Link an account of the department role to the department it answers for (again: moved to another)."""
    if not getattr(acting_user, "is_security_admin", False):
        raise PermissionDenied(_("只有安全管理员可以管理账号与角色。"))
    department = _department(department)
    if user.role != Role.DEPARTMENT or user.is_superuser or user.is_staff:
        raise ValidationError({"user": [_("只有“协办部门账号”角色的账号可以关联协办部门")]})
    link = DepartmentAccount.objects.select_for_update().filter(user=user).first()
    before = link.department.code if link else None
    if link is None:
        link = DepartmentAccount(user=user, department=department, linked_at=clock.now())
    elif link.department_id == department.pk:
        return link
    else:
        link.department, link.linked_at = department, clock.now()
    link.full_clean(exclude=["user", "department"])
    link.save()
    audit_record(actor=acting_user, action="account.department_link", obj=user,
                 detail={"department": [before, department.code]})
    return link
