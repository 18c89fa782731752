"""Choice labels are written "中文 / English"; pick the half for the active language."""

from django.utils import translation


def _wants_english(language: str | None) -> bool:
    return (language or translation.get_language() or "zh-hans").lower().startswith("en")


def pick(label, language: str | None = None) -> str:
    text = str(label)
    zh, _sep, en = text.partition(" / ")
    if not en:
        return text
    return en if _wants_english(language) else zh


def pick_pair(zh: str, en: str, language: str | None = None) -> str:
    """The same choice for a text kept as two separate strings (workflow steps, error messages)."""
    return (en or zh) if _wants_english(language) else zh


def both(label) -> tuple[str, str]:
    zh, _sep, en = str(label).partition(" / ")
    return zh, (en or zh)
