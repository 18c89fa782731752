from django import forms
from django.utils.translation import gettext_lazy as _

from returndesk.catalog.models import Product, ProductCategory
from returndesk.core.i18n import pick

from .models import ArticleKind


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"))
    product = forms.ModelChoiceField(
        label=_("Product"), queryset=Product.objects.order_by("sku"), required=False
    )
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=ProductCategory.objects.order_by("code"), required=False
    )
    problem = forms.CharField(label=_("Problem description"), widget=forms.Textarea(attrs={"rows": 3}))
    body = forms.CharField(
        label=_("Solution or steps (one step per line)"), widget=forms.Textarea(attrs={"rows": 8})
    )
    is_published = forms.BooleanField(label=_("Published"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(v, pick(t)) for v, t in ArticleKind.choices]
