"""Every page is ready for translation: each word a reader meets on a page, in a template or
from the code (labels, hints, choices, error and flash messages), is marked for translation,
so a Welsh translator can work through the catalogue without touching a template."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings

from amends.core.marking import unmarked_in, unmarked_in_file, unmarked_in_python

ROOT = Path(settings.BASE_DIR)
TEMPLATES = ROOT / "templates"
CODE = ROOT / "amends"
TEMPLATE_FOLDERS = sorted(
    {
        p.parent.relative_to(TEMPLATES).parts[0] if p.parent != TEMPLATES else "."
        for p in TEMPLATES.rglob("*.html")
    }
)
APPS = sorted(p.name for p in CODE.iterdir() if (p / "__init__.py").exists())


def templates_in(folder: str) -> list[Path]:
    if folder == ".":
        return sorted(TEMPLATES.glob("*.html"))
    return sorted((TEMPLATES / folder).rglob("*.html"))


@pytest.mark.parametrize("folder", TEMPLATE_FOLDERS)
def test_every_word_in_the_templates_is_marked_for_translation(folder):
    unmarked = [u for path in templates_in(folder) for u in unmarked_in_file(path, TEMPLATES)]
    assert not unmarked, "Not marked for translation:\n" + "\n".join(map(str, unmarked))


@pytest.mark.parametrize("app", APPS)
def test_every_label_and_message_in_the_code_is_marked_for_translation(app):
    unmarked = []
    for path in sorted((CODE / app).rglob("*.py")):
        if "migrations" in path.parts or "demo" in path.parts:
            continue
        unmarked += unmarked_in_python(path.read_text(), str(path.relative_to(ROOT)))
    assert not unmarked, "Not marked for translation:\n" + "\n".join(map(str, unmarked))


# The check itself ---------------------------------------------------------------------------


def test_the_check_finds_words_a_reader_would_see():
    found = unmarked_in(
        '{% load i18n %}<h1 class="govuk-heading-l">{% translate "Cases" %}</h1>\n'
        "<p>{% blocktranslate trimmed with n=count %}{{ n }} cases{% endblocktranslate %}</p>\n"
        '<a href="{% url "cases:list" %}" class="x {% if y %}selected{% endif %}">All cases</a>\n'
        '<img src="a.png" alt="A map"><input type="submit" value="Save">'
        '<input type="hidden" name="next" value="somewhere">\n'
        '<button type="submit" name="action" value="save">{% translate "Save" %}</button>'
        "{% comment %}Not shown{% endcomment %}<script>var label = 'ignored';</script>"
    )
    assert [(u.line, u.text) for u in found] == [
        (3, "All cases"),
        (4, 'alt="A map"'),
        (4, 'value="Save"'),
    ]


def test_the_check_finds_labels_and_messages_in_code():
    found = unmarked_in_python(
        "from django.utils.translation import gettext_lazy as _\n"
        "class F(forms.Form):\n"
        '    a = forms.CharField(label="Given name", help_text=_("As they write it"))\n'
        '    b = forms.ChoiceField(choices=[("y", "Yes"), ("n", _("No"))])\n'
        "    def clean(self):\n"
        '        raise ValidationError(f"Too long by {n}")\n'
        "class Kind(models.TextChoices):\n"
        '    ONE = "one", "The first"\n'
        '    TWO = "two", _("The second")\n'
        'logger.info("not read by anyone on a page")\n'
    )
    assert [(u.line, u.text) for u in found] == [
        (3, "Given name"),
        (4, "Yes"),
        (6, "f'Too long by {n}'"),
        (8, "The first"),
    ]
