from django.contrib import admin

from returndesk.core.admin_utils import choice_column

from .models import Contact, Customer, Product, ProductCategory, Warehouse


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "position", "phone", "email", "address"]


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin):
    list_display = ["code", "name", choice_column(Customer, "type"), "contact_name", "phone", "email"]
    list_filter = ["type", "preferred_language"]
    search_fields = ["code", "name", "phone", "email", "contacts__name", "contacts__phone"]
    inlines = [ContactInline]


@admin.register(ProductCategory)
class ProductCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "name_en"]
    search_fields = ["code", "name", "name_en"]


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = [
        "sku",
        "name",
        "model_spec",
        "category",
        choice_column(Product, "sanbao_category"),
        "no_reason_returnable",
        choice_column(Product, "no_reason_exclusion"),
        "warranty_months_unit",
        "warranty_months_main_parts",
        "is_active",
    ]
    list_filter = ["category", "sanbao_category", "no_reason_returnable", "no_reason_exclusion", "is_active"]
    list_select_related = ["category"]
    search_fields = ["sku", "name", "name_en", "model_spec"]
    autocomplete_fields = ["category"]


@admin.register(Warehouse)
class WarehouseAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "return_address", "contact_name", "phone", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["code", "name", "return_address"]
