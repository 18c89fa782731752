"""Write use-cases for master data: customers, product categories, products, warehouses.

`actor` is the signed-in user, or None for the system itself (imports, shop integrations).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from returndesk.accounts.roles import Role
from returndesk.core.errors import DomainError, PermissionDenied

from .models import (
    LANGUAGE_CHOICES,
    Customer,
    CustomerType,
    NoReasonExclusion,
    Product,
    ProductCategory,
    SanbaoCategory,
    Warehouse,
)

CUSTOMER_WRITERS = frozenset({Role.ADMIN, Role.SALES, Role.AGENT, Role.SUPERVISOR, Role.SYSTEM})
PRODUCT_WRITERS = frozenset({Role.ADMIN, Role.SALES, Role.SYSTEM})
WAREHOUSE_WRITERS = frozenset({Role.ADMIN, Role.WAREHOUSE, Role.SYSTEM})

PHONE_RE = re.compile(r"^\+?[0-9][0-9 \-()]{2,30}$")
MAX_WARRANTY_MONTHS = 600  # 50 years: anything longer is a typing error


def require_role(actor, roles: frozenset[str], *, code: str) -> None:
    """None is the system itself; a superuser may do anything; others need one of `roles`."""
    if actor is None or getattr(actor, "is_superuser", False) or getattr(actor, "role", None) in roles:
        return
    raise PermissionDenied(code, "您无权执行此操作。", "You are not allowed to do this.")


# Text fields: (label zh, label en, max length, required). Error code: "<entity>.invalid_<field>".
TEXT_FIELDS = {
    "customer": {
        "code": ("客户编码", "Customer code", 40, True),
        "name": ("客户名称", "Customer name", 200, True),
        "contact_name": ("联系人", "Contact", 100, False),
        "phone": ("电话", "Phone", 32, False),
        "email": ("邮箱", "Email", 254, False),
        "address": ("地址", "Address", 300, False),
    },
    "category": {
        "code": ("类别编码", "Category code", 40, True),
        "name": ("类别名称", "Category name", 100, True),
        "name_en": ("英文名称", "English name", 100, False),
    },
    "product": {
        "sku": ("SKU", "SKU", 64, True),
        "name": ("商品名称", "Product name", 200, True),
        "name_en": ("英文名称", "English name", 200, False),
        "model_spec": ("型号规格", "Model / spec", 200, False),
        "unit": ("单位", "Unit", 20, True),
    },
    "warehouse": {
        "code": ("仓库编码", "Warehouse code", 40, True),
        "name": ("仓库名称", "Warehouse name", 100, True),
        "return_address": ("退货地址", "Return address", 300, True),
        "contact_name": ("联系人", "Contact", 100, False),
        "phone": ("电话", "Phone", 32, False),
    },
}


def _texts(entity: str, **values) -> dict[str, str]:
    """Trim text fields and check presence, length, and the form of phone numbers."""
    cleaned = {}
    for field, value in values.items():
        label_zh, label_en, max_length, required = TEXT_FIELDS[entity][field]
        text = "" if value is None else str(value).strip()
        code = f"{entity}.invalid_{field}"
        if required and not text:
            raise DomainError(
                code,
                "{label_zh}不能为空。",
                "{label_en} is required.",
                fields={field: ("必填。", "Required.")},
                label_zh=label_zh,
                label_en=label_en,
            )
        if len(text) > max_length:
            raise DomainError(
                code,
                "{label_zh}最多 {max_length} 个字符。",
                "{label_en} may have at most {max_length} characters.",
                fields={field: (f"最多 {max_length} 个字符。", f"At most {max_length} characters.")},
                label_zh=label_zh,
                label_en=label_en,
                max_length=max_length,
            )
        if field == "phone" and text and not PHONE_RE.match(text):
            raise DomainError(
                code,
                "电话号码格式不正确：{phone}",
                "Not a phone number: {phone}",
                fields={field: ("电话号码格式不正确。", "Not a phone number.")},
                phone=text,
            )
        cleaned[field] = text
    return cleaned


def _duplicate(entity: str, field: str, value: str) -> DomainError:
    label_zh, label_en = TEXT_FIELDS[entity][field][:2]
    return DomainError(
        f"{entity}.duplicate_{field}",
        "{label_zh} {value} 已存在。",
        "{label_en} {value} already exists.",
        kind="conflict",
        fields={field: (f"{label_zh}已存在。", f"{label_en} already exists.")},
        label_zh=label_zh,
        label_en=label_en,
        value=value,
    )


def _create_unique(model, duplicate: DomainError, **values):
    """Insert after our existence check; a concurrent writer that took the key in between
    makes the insert fail on the unique constraint, which we report the same way."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        raise duplicate from None


@transaction.atomic
def customer_create(
    *,
    actor,
    code: str,
    name: str,
    type: str = CustomerType.CONSUMER,
    contact_name: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    preferred_language: str = "zh-hans",
) -> Customer:
    """Register a customer: consumer, distributor (经销商) or key account (重要客户)."""
    require_role(actor, CUSTOMER_WRITERS, code="customer.forbidden")
    texts = _texts(
        "customer", code=code, name=name, contact_name=contact_name, phone=phone, email=email, address=address
    )
    if type not in CustomerType.values:
        raise DomainError(
            "customer.invalid_type",
            "客户类型无效：{value}（可选：consumer、distributor、key_account）",
            "Unknown customer type: {value} (one of consumer, distributor, key_account)",
            fields={"type": ("客户类型无效。", "Unknown customer type.")},
            value=type,
        )
    if texts["email"]:
        try:
            validate_email(texts["email"])
        except ValidationError:
            raise DomainError(
                "customer.invalid_email",
                "邮箱地址格式不正确：{email}",
                "Not an email address: {email}",
                fields={"email": ("邮箱地址格式不正确。", "Not an email address.")},
                email=texts["email"],
            ) from None
    if preferred_language not in dict(LANGUAGE_CHOICES):
        raise DomainError(
            "customer.invalid_language",
            "语言无效：{value}（可选：zh-hans、en）",
            "Unknown language: {value} (one of zh-hans, en)",
            fields={"preferred_language": ("语言无效。", "Unknown language.")},
            value=preferred_language,
        )
    duplicate = _duplicate("customer", "code", texts["code"])
    if Customer.objects.filter(code=texts["code"]).exists():
        raise duplicate
    return _create_unique(Customer, duplicate, type=type, preferred_language=preferred_language, **texts)


@transaction.atomic
def category_create(*, actor, code: str, name: str, name_en: str = "") -> ProductCategory:
    require_role(actor, PRODUCT_WRITERS, code="category.forbidden")
    texts = _texts("category", code=code, name=name, name_en=name_en)
    duplicate = _duplicate("category", "code", texts["code"])
    if ProductCategory.objects.filter(code=texts["code"]).exists():
        raise duplicate
    return _create_unique(ProductCategory, duplicate, **texts)


def _warranty_months(value, *, field: str, label: tuple[str, str]) -> int:
    label_zh, label_en = label
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_WARRANTY_MONTHS:
        raise DomainError(
            "product.invalid_warranty",
            "{label_zh}必须是 0 到 {max} 之间的整数，而不是 {value!r}。",
            "{label_en} must be a whole number from 0 to {max}, not {value!r}.",
            fields={
                field: (
                    f"0 到 {MAX_WARRANTY_MONTHS} 之间的整数。",
                    f"A whole number 0–{MAX_WARRANTY_MONTHS}.",
                )
            },
            label_zh=label_zh,
            label_en=label_en,
            max=MAX_WARRANTY_MONTHS,
            value=value,
        )
    return value


@transaction.atomic
def product_create(
    *,
    actor,
    sku: str,
    name: str,
    category: ProductCategory,
    name_en: str = "",
    model_spec: str = "",
    unit: str = "台",
    no_reason_returnable: bool = True,
    no_reason_exclusion: str = NoReasonExclusion.NONE,
    sanbao_category: str = SanbaoCategory.NONE,
    warranty_months_unit: int = 12,
    warranty_months_main_parts: int = 12,
    is_active: bool = True,
) -> Product:
    """Add a product to the catalogue.

    Rule (三包 regulations: the product lists give a whole-unit warranty and a main-parts
    warranty, 主要部件保修期, never the shorter of the two): main parts >= whole unit; the DB
    constraint product_main_parts_warranty_not_shorter holds the same rule.
    """
    require_role(actor, PRODUCT_WRITERS, code="product.forbidden")
    texts = _texts("product", sku=sku, name=name, name_en=name_en, model_spec=model_spec, unit=unit)
    if not isinstance(category, ProductCategory) or category._state.adding:
        raise DomainError(
            "product.invalid_category",
            "请选择已存在的商品类别。",
            "Choose an existing product category.",
            fields={"category": ("请选择商品类别。", "Choose a category.")},
        )
    if no_reason_exclusion not in NoReasonExclusion.values:
        raise DomainError(
            "product.invalid_no_reason_exclusion",
            "七天无理由退货排除类别无效：{value}",
            "Unknown no-reason return exclusion: {value}",
            fields={"no_reason_exclusion": ("排除类别无效。", "Unknown exclusion.")},
            value=no_reason_exclusion,
        )
    if sanbao_category not in SanbaoCategory.values:
        raise DomainError(
            "product.invalid_sanbao_category",
            "三包类别无效：{value}",
            "Unknown 三包 category: {value}",
            fields={"sanbao_category": ("三包类别无效。", "Unknown 三包 category.")},
            value=sanbao_category,
        )
    for field, flag in (("no_reason_returnable", no_reason_returnable), ("is_active", is_active)):
        if not isinstance(flag, bool):
            raise DomainError(
                "product.invalid_flag",
                "{field} 必须是是/否。",
                "{field} must be true or false.",
                fields={field: ("必须是是/否。", "Must be true or false.")},
                field=field,
            )
    unit_months = _warranty_months(
        warranty_months_unit,
        field="warranty_months_unit",
        label=("整机保修月数", "Whole-unit warranty months"),
    )
    parts_months = _warranty_months(
        warranty_months_main_parts,
        field="warranty_months_main_parts",
        label=("主要部件保修月数", "Main-parts warranty months"),
    )
    if parts_months < unit_months:
        raise DomainError(
            "product.main_parts_warranty_shorter",
            "主要部件保修期（{parts} 个月）不能短于整机保修期（{unit} 个月）。",
            "The main-parts warranty ({parts} months) may not be shorter than the whole-unit warranty ({unit} months).",
            fields={
                "warranty_months_main_parts": (
                    "不能短于整机保修期。",
                    "May not be shorter than the whole-unit warranty.",
                )
            },
            parts=parts_months,
            unit=unit_months,
        )
    duplicate = _duplicate("product", "sku", texts["sku"])
    if Product.objects.filter(sku=texts["sku"]).exists():
        raise duplicate
    return _create_unique(
        Product,
        duplicate,
        category=category,
        no_reason_returnable=no_reason_returnable,
        no_reason_exclusion=no_reason_exclusion,
        sanbao_category=sanbao_category,
        warranty_months_unit=unit_months,
        warranty_months_main_parts=parts_months,
        is_active=is_active,
        **texts,
    )


@transaction.atomic
def warehouse_create(
    *,
    actor,
    code: str,
    name: str,
    return_address: str,
    contact_name: str = "",
    phone: str = "",
    is_default: bool = False,
) -> Warehouse:
    """Add a warehouse that receives returns. Making it the default for returns takes the
    default away from the previous one (there is at most one, a DB constraint)."""
    require_role(actor, WAREHOUSE_WRITERS, code="warehouse.forbidden")
    texts = _texts(
        "warehouse",
        code=code,
        name=name,
        return_address=return_address,
        contact_name=contact_name,
        phone=phone,
    )
    duplicate = _duplicate("warehouse", "code", texts["code"])
    if Warehouse.objects.filter(code=texts["code"]).exists():
        raise duplicate
    if is_default:
        for warehouse in Warehouse.objects.select_for_update().filter(is_default=True):
            warehouse.is_default = False
            warehouse.save(update_fields=["is_default", "updated_at"])
    return _create_unique(Warehouse, duplicate, is_default=bool(is_default), **texts)
