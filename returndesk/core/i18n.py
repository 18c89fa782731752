"""Choice labels are written "中文 / English"; pick the half for the active language."""

from django.utils import translation


def pick(label, language: str | None = None) -> str:
    text = str(label)
    zh, _sep, en = text.partition(" / ")
    lang = (language or translation.get_language() or "zh-hans").lower()
    if not en:
        return text
    return en if lang.startswith("en") else zh


def both(label) -> tuple[str, str]:
    zh, _sep, en = str(label).partition(" / ")
    return zh, (en or zh)
