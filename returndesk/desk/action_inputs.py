"""Structured inputs of workflow actions as form fields.

Most inputs of cases/workflow.py are one value (a text, a choice) and become one field. Some are
structured — quantities and serial numbers per line, extra items, the inspection of each unit,
replacement products, parts of a repair quote — and become a group of fields here, turned back
into the value the case service takes (the same shape the API accepts). The rules stay in the
services: these only parse what the page shows and map the services' field errors (e.g.
`units[2].grade`) back onto the fields that caused them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from django import forms

from returndesk.core.i18n import pick, pick_pair

MAX_SERIALS_TEXT = 5000
EXTRA_ROWS = 2
PART_ROWS = 3


def split_serials(text: str) -> list[str]:
    """Serial numbers as typed or scanned: one per line, or separated by commas or spaces."""
    return [s for s in re.split(r"[\s,,;;]+", text or "") if s]


def _blank(choices) -> list[tuple[str, str]]:
    return [("", "—"), *((value, pick(label)) for value, label in choices)]


class ActionContext:
    """What the structured fields of one case need, read only when a form asks for it."""

    def __init__(self, case, lines):
        self.case = case
        self.lines = list(lines)

    @cached_property
    def units(self) -> list:
        """The units of the latest receipt, each with its category's checklist (inspection)."""
        from returndesk.inspection.models import ReturnUnit
        from returndesk.inspection.selectors import checklist_for, latest_receipt

        receipt = latest_receipt(self.case)
        if receipt is None:
            return []
        rows = (
            ReturnUnit.objects.filter(receipt_line__receipt=receipt)
            .select_related("receipt_line__product", "case_line")
            .order_by("case_line__created_at", "case_line_id", "sequence")
        )
        checklists: dict = {}
        out = []
        for unit in rows:
            category = unit.receipt_line.product.category_id
            if category not in checklists:
                checklists[category] = checklist_for(category)
            out.append((unit, checklists[category]))
        return out

    @cached_property
    def photos(self) -> list:
        return [a for a in self.case.attachments.all() if a.kind in ("image", "video")]

    @cached_property
    def warehouses(self) -> list[tuple[str, str]]:
        from returndesk.catalog.models import Warehouse

        return [(w.code, f"{w.code} · {w.name}") for w in Warehouse.objects.order_by("code")]

    def variants(self, line) -> list[tuple[str, str]]:
        """Active products of the line's category: what an exchange may replace it with."""
        from returndesk.catalog.models import Product

        product = line.order_line.product
        rows = Product.objects.filter(category_id=product.category_id, is_active=True).order_by("sku")
        return [(p.sku, f"{p.sku} · {pick_pair(p.name, p.name_en or p.name)}") for p in rows]


@dataclass
class Structured:
    """One structured input: `add` puts its fields on the form, `value` reads them back, and
    `target` names the field a service error about `name` belongs on (None: the form's top)."""

    name: str

    def add(self, form, label: str, required: bool, ctx: ActionContext) -> None:
        raise NotImplementedError

    def value(self, form, data: dict):
        raise NotImplementedError

    def target(self, form, name: str) -> str | None:
        return None


def _line_label(n: int, line) -> str:
    product = line.order_line.product
    return f"{n}. {pick_pair(product.name, product.name_en or product.name)}"


class Received(Structured):
    def add(self, form, label, required, ctx):
        form.received_lines = []
        for n, line in enumerate(ctx.lines, start=1):
            name = f"received_{line.id}"
            form.fields[name] = forms.IntegerField(
                label=f"{label} · {_line_label(n, line)}",
                min_value=0,
                required=required,
                widget=forms.NumberInput(
                    attrs={"inputmode": "numeric", "max": line.quantity, "min": 0, "class": "qty"}
                ),
            )
            form.received_lines.append((line, name))
            form.grouped_names.add(name)

    def value(self, form, data):
        return {str(line.id): data[name] for line, name in form.received_lines if data.get(name) is not None}

    def target(self, form, name):
        match = re.fullmatch(r"received\[([0-9a-f-]+)\]", name)
        return f"received_{match.group(1)}" if match else None


class SerialsPerLine(Structured):
    """{case line id: [serials]}: the serials received (`serial_numbers`) or shipped as
    replacements (`replacement_serials`), one text area per line for a scanner."""

    def _field(self, line) -> str:
        return f"{self.name}_{line.id}"

    def add(self, form, label, required, ctx):
        for n, line in enumerate(ctx.lines, start=1):
            form.fields[self._field(line)] = forms.CharField(
                label=f"{label} · {_line_label(n, line)}",
                required=False,
                max_length=MAX_SERIALS_TEXT,
                widget=forms.Textarea(
                    attrs={
                        "rows": 2,
                        "autocapitalize": "characters",
                        "spellcheck": "false",
                        "class": "serials",
                    }
                ),
                help_text=pick(
                    "每行一个,或用逗号、空格分隔 / One per line, or separated by commas or spaces"
                ),
            )
        form.serial_lines = getattr(form, "serial_lines", {}) | {self.name: ctx.lines}

    def value(self, form, data):
        out = {}
        for line in form.serial_lines[self.name]:
            serials = split_serials(data.get(self._field(line), ""))
            if serials:
                out[str(line.id)] = serials
        return out or None

    def target(self, form, name):
        match = re.fullmatch(rf"{self.name}\[([0-9a-f-]+)\]", name)
        return f"{self.name}_{match.group(1)}" if match else None


class Extras(Structured):
    """Items that arrived besides the request: more of a line (over) or not on the case at all
    (unexpected, by SKU or description). A few rows; a row without a kind is not sent."""

    def add(self, form, label, required, ctx):
        from returndesk.inspection.models import ExtraKind

        lines = [(str(line.id), _line_label(n, line)) for n, line in enumerate(ctx.lines, start=1)]
        for i in range(1, EXTRA_ROWS + 1):
            prefix = f"extra{i}_"
            text = f"{label} {i}"
            form.fields[prefix + "kind"] = forms.ChoiceField(
                label=f"{text} · {pick('类型 / Kind')}", required=False, choices=_blank(ExtraKind.choices)
            )
            form.fields[prefix + "line"] = forms.ChoiceField(
                label=f"{text} · {pick('多收的行 / Line it is more of')}", required=False,
                choices=[("", "—"), *lines],
            )  # fmt: skip
            form.fields[prefix + "sku"] = forms.CharField(
                label=f"{text} · SKU", required=False, max_length=64
            )
            form.fields[prefix + "description"] = forms.CharField(
                label=f"{text} · {pick('描述 / Description')}", required=False, max_length=300
            )
            form.fields[prefix + "quantity"] = forms.IntegerField(
                label=f"{text} · {pick('数量 / Quantity')}", required=False, min_value=1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "class": "qty"}),
            )  # fmt: skip
            form.fields[prefix + "serial_numbers"] = forms.CharField(
                label=f"{text} · {pick('序列号 / Serial numbers')}",
                required=False,
                max_length=MAX_SERIALS_TEXT,
            )

    def value(self, form, data):
        form.extra_rows = []
        items = []
        for i in range(1, EXTRA_ROWS + 1):
            prefix = f"extra{i}_"
            if not data.get(prefix + "kind"):
                continue
            form.extra_rows.append(i)
            item = {"kind": data[prefix + "kind"], "quantity": data.get(prefix + "quantity")}
            for key in ("line", "sku", "description"):
                if data.get(prefix + key):
                    item[key] = data[prefix + key]
            serials = split_serials(data.get(prefix + "serial_numbers", ""))
            if serials:
                item["serial_numbers"] = serials
            items.append(item)
        return items or None

    def target(self, form, name):
        match = re.fullmatch(r"extras\[(\d+)\](?:\.(\w+))?", name)
        rows = getattr(form, "extra_rows", [])
        if not match or int(match.group(1)) > len(rows):
            return None
        return f"extra{rows[int(match.group(1)) - 1]}_{match.group(2) or 'kind'}"


class Units(Structured):
    """The inspection of every unit received (seed S9 step 6): grade, each checklist point of
    its category (ticked = passed), accepted or rejected with a reason and photos, and at once a
    disposition if the inspector knows it."""

    def add(self, form, label, required, ctx):
        from returndesk.inspection.models import Disposition, Grade, Outcome, RejectionReason

        form.unit_rows = []
        photos = [(str(a.id), a.original_name or str(a.id)) for a in ctx.photos]
        for n, (unit, checklist) in enumerate(ctx.units, start=1):
            product = unit.receipt_line.product
            title = f"#{n} {pick_pair(product.name, product.name_en or product.name)}"
            if unit.serial_number:
                title += f" · SN {unit.serial_number}"
            prefix = f"unit{n}_"
            # Labels without the unit: each unit is a fieldset whose legend names it.
            form.fields[prefix + "grade"] = forms.ChoiceField(
                label=pick("等级 / Grade"), choices=_blank(Grade.choices)
            )
            checks = []
            for item in checklist:
                name = f"{prefix}check_{item.code}"
                form.fields[name] = forms.BooleanField(
                    label=pick_pair(item.name, item.name_en), required=False, initial=True
                )
                checks.append((item.code, name))
            form.fields[prefix + "outcome"] = forms.ChoiceField(
                label=pick("结论 / Outcome"), choices=_choices_plain(Outcome.choices),
                widget=forms.RadioSelect, initial=Outcome.ACCEPTED,
            )  # fmt: skip
            form.fields[prefix + "rejection_reason"] = forms.ChoiceField(
                label=pick("拒收原因 / Reason for rejection"),
                required=False,
                choices=_blank(RejectionReason.choices),
            )
            form.fields[prefix + "photos"] = forms.MultipleChoiceField(
                label=pick("照片(拒收必选) / Photos (required to reject)"), required=False, choices=photos,
                widget=forms.CheckboxSelectMultiple,
            )  # fmt: skip
            form.fields[prefix + "disposition"] = forms.ChoiceField(
                label=pick("处置(可稍后) / Disposition (may wait)"), required=False,
                choices=_blank(Disposition.choices),
            )  # fmt: skip
            form.fields[prefix + "note"] = forms.CharField(
                label=pick("说明 / Note"), required=False, max_length=300
            )
            names = [prefix + "grade", *(name for _code, name in checks)] + [
                prefix + k for k in ("outcome", "rejection_reason", "photos", "disposition", "note")
            ]
            form.grouped_names.update(names)
            form.unit_rows.append(
                {"n": n, "unit": unit, "title": title, "prefix": prefix, "checks": checks, "names": names}
            )

    def value(self, form, data):
        units = []
        for row in form.unit_rows:
            prefix = row["prefix"]
            item = {
                "unit": str(row["unit"].id),
                "grade": data.get(prefix + "grade") or "",
                "outcome": data.get(prefix + "outcome") or "",
                "checks": {code: bool(data.get(name)) for code, name in row["checks"]},
                "photos": list(data.get(prefix + "photos") or []),
            }
            for key in ("rejection_reason", "disposition", "note"):
                if data.get(prefix + key):
                    item[key] = data[prefix + key]
            units.append(item)
        return units

    def target(self, form, name):
        match = re.fullmatch(r"units\[(\d+)\]\.(\w+)", name)
        if not match:
            return None
        field = f"unit{match.group(1)}_{match.group(2)}"
        if field in form.fields:
            return field
        return f"unit{match.group(1)}_grade" if match.group(2) == "checks" else None


def _choices_plain(choices) -> list[tuple[str, str]]:
    return [(value, pick(label)) for value, label in choices]


class Replacements(Structured):
    """Per line, another variant of the same category at its current unit price (blank: the
    same product, at no difference)."""

    def add(self, form, label, required, ctx):
        form.replacement_lines = ctx.lines
        for n, line in enumerate(ctx.lines, start=1):
            form.fields[f"replacement_{line.id}_product"] = forms.ChoiceField(
                label=f"{label} · {_line_label(n, line)}", required=False,
                choices=[("", pick("同款 / The same product")), *ctx.variants(line)],
            )  # fmt: skip
            form.fields[f"replacement_{line.id}_unit_price"] = forms.DecimalField(
                label=f"{pick('换货单价 / Unit price of the replacement')} · {n}", required=False,
                max_digits=12, decimal_places=2, min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0}),
            )  # fmt: skip

    def value(self, form, data):
        form.replacement_rows = []
        items = []
        for line in form.replacement_lines:
            sku = data.get(f"replacement_{line.id}_product")
            if not sku or sku == line.order_line.product.sku:
                continue
            item = {"line": str(line.id), "product": sku}
            price = data.get(f"replacement_{line.id}_unit_price")
            if price is not None:
                item["unit_price"] = str(price)
            form.replacement_rows.append(line.id)
            items.append(item)
        return items or None

    def target(self, form, name):
        match = re.fullmatch(r"replacements\[(\d+)\](?:\.(\w+))?", name)
        rows = getattr(form, "replacement_rows", [])
        if not match or int(match.group(1)) > len(rows):
            return None
        key = "unit_price" if match.group(2) == "unit_price" else "product"
        return f"replacement_{rows[int(match.group(1)) - 1]}_{key}"


class Parts(Structured):
    """The parts of a paid repair's quote: a few rows of name, quantity and unit price."""

    def add(self, form, label, required, ctx):
        for i in range(1, PART_ROWS + 1):
            form.fields[f"part{i}_name"] = forms.CharField(
                label=f"{label} {i} · {pick('配件 / Part')}", required=False, max_length=200
            )
            form.fields[f"part{i}_quantity"] = forms.IntegerField(
                label=f"{label} {i} · {pick('数量 / Quantity')}", required=False, min_value=1,
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 1, "class": "qty"}),
            )  # fmt: skip
            form.fields[f"part{i}_unit_price"] = forms.DecimalField(
                label=f"{label} {i} · {pick('单价 / Unit price')}", required=False, max_digits=12,
                decimal_places=2, min_value=0,
                widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": 0}),
            )  # fmt: skip

    def value(self, form, data):
        form.part_rows = []
        parts = []
        for i in range(1, PART_ROWS + 1):
            name = data.get(f"part{i}_name")
            price = data.get(f"part{i}_unit_price")
            if not name and price is None:
                continue
            form.part_rows.append(i)
            parts.append(
                {"name": name or "", "quantity": data.get(f"part{i}_quantity") or 1,
                 "unit_price": "" if price is None else str(price)}
            )  # fmt: skip
        return parts or None

    def target(self, form, name):
        match = re.fullmatch(r"parts\[(\d+)\](?:\.(\w+))?", name)
        rows = getattr(form, "part_rows", [])
        if not match or int(match.group(1)) > len(rows):
            return None
        return f"part{rows[int(match.group(1)) - 1]}_{match.group(2) or 'name'}"


STRUCTURED: dict[str, Structured] = {
    s.name: s
    for s in (
        Received("received"),
        SerialsPerLine("serial_numbers"),
        SerialsPerLine("replacement_serials"),
        Extras("extras"),
        Units("units"),
        Replacements("replacements"),
        Parts("parts"),
    )
}
