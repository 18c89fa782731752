from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from returndesk.core.models import BaseModel


class CustomerType(models.TextChoices):
    CONSUMER = "consumer", "消费者 / Consumer"
    DISTRIBUTOR = "distributor", "经销商 / Distributor"
    KEY_ACCOUNT = "key_account", "重要客户 / Key account"


LANGUAGE_CHOICES = [("zh-hans", "简体中文"), ("en", "English")]


class Customer(BaseModel):
    code = models.CharField(_("customer code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(
        _("type"), max_length=20, choices=CustomerType.choices, default=CustomerType.CONSUMER
    )
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("email"), blank=True, db_index=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    preferred_language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-hans"
    )

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Contact(BaseModel):
    """Further contacts of a customer (a distributor has buyers, warehouse staff, accountants)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    position = models.CharField(_("position"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return self.name


class ProductCategory(BaseModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("product category")
        verbose_name_plural = _("product categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class SanbaoCategory(models.TextChoices):
    """Product classes under China's 三包 rules (部分商品修理更换退货责任规定 and the
    微型计算机商品修理更换退货责任规定); NONE for goods outside them."""

    NONE = "none", "不适用 / Not covered"
    COMPUTER = "computer", "微型计算机 / Personal computer"
    MOBILE_PHONE = "mobile_phone", "移动电话 / Mobile phone"
    HOME_AV = "home_av", "家用视听 / Home audio-video"
    HOME_APPLIANCE = "home_appliance", "家用电器 / Home appliance"
    OTHER = "other", "其他三包商品 / Other covered goods"


class NoReasonExclusion(models.TextChoices):
    """Goods the 7-day no-reason return does not cover by their nature (消费者权益保护法 art. 25;
    网络购买商品七日无理由退货暂行办法 art. 6). Digital goods are excluded only once unsealed or
    downloaded, which the request states; the others always."""

    NONE = "none", "适用 / Not excluded"
    CUSTOM_MADE = "custom_made", "消费者定作 / Custom-made"
    PERISHABLE = "perishable", "鲜活易腐 / Fresh or perishable"
    DIGITAL = "digital", "音像制品、软件等数字化商品 / Audio-visual, software, digital goods"
    PERIODICAL = "periodical", "报纸、期刊 / Newspapers and periodicals"


class Product(BaseModel):
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    model_spec = models.CharField(_("model / spec"), max_length=200, blank=True, help_text="型号规格")
    category = models.ForeignKey(
        ProductCategory, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    unit = models.CharField(_("unit"), max_length=20, default="台")
    no_reason_returnable = models.BooleanField(
        _("7-day no-reason returnable"), default=True, help_text="七天无理由退货"
    )
    no_reason_exclusion = models.CharField(
        _("excluded from no-reason return"),
        max_length=20,
        choices=NoReasonExclusion.choices,
        default=NoReasonExclusion.NONE,
        help_text="不适用七天无理由退货的商品类别",
    )
    sanbao_category = models.CharField(
        _("三包 category"), max_length=20, choices=SanbaoCategory.choices, default=SanbaoCategory.NONE
    )
    warranty_months_unit = models.PositiveSmallIntegerField(_("warranty months (whole unit)"), default=12)
    warranty_months_main_parts = models.PositiveSmallIntegerField(
        _("warranty months (main parts)"), default=12
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(
                name="product_main_parts_warranty_not_shorter",
                condition=Q(warranty_months_main_parts__gte=models.F("warranty_months_unit")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"


class Warehouse(BaseModel):
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    return_address = models.CharField(_("return address"), max_length=300)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    is_default = models.BooleanField(_("default for returns"), default=False)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="warehouse_single_default"
            ),
        ]

    def __str__(self) -> str:
        return self.name
