"""Template helpers that render Django form fields as GOV.UK Design System components."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.translation import gettext

from amends.core.forms_govuk import DateInput

register = template.Library()


def _kind(widget: forms.Widget) -> str:
    if isinstance(widget, DateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test for it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


@register.inclusion_tag("includes/govuk/field.html")
def govuk_field(
    field: BoundField, width: str = "", label_size: str = "", label_is_heading: bool = False
) -> dict[str, Any]:
    kind = _kind(field.field.widget)
    classes = {
        "input": "govuk-input",
        "select": "govuk-select",
        "textarea": "govuk-textarea",
        "file": "govuk-file-upload",
    }.get(kind, "")
    if field.errors and classes:
        classes += {
            "input": " govuk-input--error",
            "select": " govuk-select--error",
            "textarea": " govuk-textarea--error",
            "file": " govuk-file-upload--error",
        }[kind]
    if width:
        classes += f" govuk-input--width-{width}" if width.isdigit() else f" govuk-!-width-{width}"
    attrs: dict[str, Any] = {}
    if classes:
        attrs["class"] = classes
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}-hint")
    if field.errors:
        described.append(f"{field.auto_id}-error")
    if described and kind in {"input", "select", "textarea", "file"}:
        attrs["aria-describedby"] = " ".join(described)
    if kind == "date" and field.errors:
        attrs["class"] = "govuk-input--error"
    return {
        "field": field,
        "kind": kind,
        "attrs": attrs,
        "described_by": " ".join(described),
        "label_size": label_size,
        "label_is_heading": label_is_heading,
        "widget_html": field.as_widget(attrs=attrs) if kind not in {"radios", "checkboxes"} else "",
    }


@register.inclusion_tag("includes/govuk/error_summary.html")
def govuk_error_summary(*forms_: forms.BaseForm) -> dict[str, Any]:
    errors: list[tuple[str, str]] = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for message in form.non_field_errors():
            errors.append(("", str(message)))
        for name, field_errors in form.errors.items():
            if name == "__all__" or name not in form.fields:
                continue
            bound = form[name]
            anchor = bound.auto_id
            if isinstance(
                bound.field.widget, DateInput | forms.RadioSelect | forms.CheckboxSelectMultiple
            ):
                anchor = f"{anchor}_0"
            for message in field_errors:
                errors.append((anchor, str(message)))
    return {"errors": errors}


@register.simple_tag(takes_context=True)
def page_title(context: template.Context, title: str) -> str:
    has_errors = any(
        isinstance(v, forms.BaseForm) and v.is_bound and v.errors
        for v in context.flatten().values()
    )
    if has_errors:
        title = gettext("Error: %(title)s") % {"title": title}
    return f"{title} – Amends"
