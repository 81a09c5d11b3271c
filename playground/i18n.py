"""The app's language: English or German, through Qt's translation system.

The German texts live in ``resources/i18n/playground_de.ts`` (made by ``pyside6-lupdate`` from
the ``tr()`` / ``translate()`` calls, see ``scripts/i18n.py``); ``make install`` compiles it to
``playground_de.qm`` with ``pyside6-lrelease``. The language is the system locale's unless
View → Language chose one (settings key ``language``: ``system``, ``en`` or ``de``), read once at
start-up: a change applies at the next start.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, QTranslator

__all__ = ["I18N_DIR", "LANGUAGES", "SETTINGS_KEY", "chosen_language", "current_language",
           "install_translators", "remove_translators", "set_chosen_language", "translate"]

I18N_DIR = Path(__file__).resolve().parents[1] / "resources" / "i18n"
#: what View → Language offers (settings value -> menu text, translated at use)
LANGUAGES = ("system", "en", "de")
SETTINGS_KEY = "language"
_TRANSLATED = ("de",)
_state: dict[str, object] = {"language": "en", "translators": []}


def translate(context: str, text: str) -> str:
    """``QCoreApplication.translate`` (``pyside6-lupdate`` finds ``translate("Context", "…")``)."""
    return QCoreApplication.translate(context, text)


def chosen_language(settings: QSettings | None) -> str:
    """The settings' choice: ``system`` (default), ``en`` or ``de``."""
    value = str(settings.value(SETTINGS_KEY, "system")) if settings is not None else "system"
    return value if value in LANGUAGES else "system"


def set_chosen_language(settings: QSettings, language: str) -> None:
    """Save View → Language's choice (used at the next start)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r} (known: {', '.join(LANGUAGES)})")
    settings.setValue(SETTINGS_KEY, language)
    settings.sync()


def effective_language(choice: str, locale: QLocale | None = None) -> str:
    """``en`` or ``de``: ``choice`` itself, or for ``system`` the system locale's language."""
    if choice in _TRANSLATED or choice == "en":
        return choice
    locale = locale or QLocale.system()
    return "de" if locale.language() == QLocale.German else "en"


def current_language() -> str:
    """The language the app speaks now (``en`` or ``de``)."""
    return str(_state["language"])


def install_translators(app: QCoreApplication, choice: str = "system") -> str:
    """Load the app's and Qt's own German texts into ``app`` when the language is German.

    Returns the language now spoken (``en`` when the compiled ``.qm`` is missing).
    """
    remove_translators(app)
    language = effective_language(choice)
    if language == "de":
        own = QTranslator(app)
        if not own.load(str(I18N_DIR / "playground_de.qm")):
            return current_language()  # not built (make install): stay English
        qt_own = QTranslator(app)  # the standard dialogs' buttons (Cancel, Open, ...)
        if qt_own.load("qtbase_de", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
            app.installTranslator(qt_own)
            _state["translators"].append(qt_own)
        app.installTranslator(own)
        _state["translators"].append(own)
    _state["language"] = language
    return language


def remove_translators(app: QCoreApplication) -> None:
    """Back to English (the tests switch languages within one process)."""
    for translator in _state["translators"]:
        app.removeTranslator(translator)
    _state["translators"] = []
    _state["language"] = "en"
