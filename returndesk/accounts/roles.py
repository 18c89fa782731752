"""Roles are the seed's departments (DOMAIN.md, "Roles"). One role per user."""

from django.db import models


class Role(models.TextChoices):
    CUSTOMER = "customer", "消费者 / Customer"
    DISTRIBUTOR = "distributor", "经销商 / Distributor"
    AGENT = "agent", "客服专员 / Service agent"
    SUPERVISOR = "supervisor", "客服主管 / Service supervisor"
    SALES = "sales", "销售部 / Sales"
    WAREHOUSE = "warehouse", "仓库 / Warehouse"
    QC = "qc", "生产部/质量部 / Production & QC"
    GM = "gm", "总经理 / General manager"
    FINANCE = "finance", "财务部 / Finance"
    ADMIN = "admin", "系统管理员 / Administrator"
    SYSTEM = "system", "系统 / System"


EXTERNAL_ROLES = frozenset({Role.CUSTOMER, Role.DISTRIBUTOR})
STAFF_ROLES = frozenset(set(Role) - EXTERNAL_ROLES - {Role.SYSTEM})
