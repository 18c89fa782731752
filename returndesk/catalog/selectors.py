"""Reads of master data, filtered by what the user may see.

Products are the catalogue: every signed-in user may read them. Customers: staff and the
system see all; a customer or distributor sign-in sees only its own customer record (another's
looks exactly like a missing one).
"""

from __future__ import annotations

from django.db.models import QuerySet

from returndesk.accounts.roles import EXTERNAL_ROLES, STAFF_ROLES, Role
from returndesk.core.errors import DomainError, NotFound

from .models import Customer, Product, ProductCategory


def _can_read(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def product_list(*, user) -> QuerySet[Product]:
    products = Product.objects.select_related("category")
    return products if _can_read(user) else products.none()


def product_get(*, user, product_id) -> Product:
    product = product_list(user=user).filter(id=product_id).first()
    if product is None:
        raise NotFound("product.not_found", "商品不存在。", "Product not found.")
    return product


def category_for_code(code: str) -> ProductCategory:
    """The category a write names by its code; an unknown code is an input error (422)."""
    category = ProductCategory.objects.filter(code=(code or "").strip()).first()
    if category is None:
        raise DomainError(
            "product.unknown_category",
            "商品类别 {value} 不存在。",
            "No product category with code {value}.",
            fields={"category": ("类别不存在。", "No such category.")},
            value=code,
        )
    return category


ALL_CUSTOMERS = "all"


def customer_scope(user):
    """Whose data `user` may read: ALL_CUSTOMERS, one customer's id, or None for nothing."""
    if not _can_read(user):
        return None
    if user.is_superuser or user.role in STAFF_ROLES or user.role == Role.SYSTEM:
        return ALL_CUSTOMERS
    if user.role in EXTERNAL_ROLES and user.customer_id:
        return user.customer_id
    return None


def customer_visible_to(user) -> QuerySet[Customer]:
    scope = customer_scope(user)
    customers = Customer.objects.all()
    if scope is None:
        return customers.none()
    return customers if scope == ALL_CUSTOMERS else customers.filter(id=scope)


def customer_get(*, user, customer_id) -> Customer:
    customer = customer_visible_to(user).filter(id=customer_id).first()
    if customer is None:
        raise NotFound("customer.not_found", "客户不存在。", "Customer not found.")
    return customer
