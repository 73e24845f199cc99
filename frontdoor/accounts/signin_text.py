"""What the staff sign-in pages say, in English and Welsh (GOV.UK style).

The editor and the advisor console each have a sign-in page of their own look;
their words live here once, beside the two-factor pages' (``twofactor_text``).
``texts("cy")`` is the Welsh set; any other language gives English.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

from frontdoor.accounts.exceptions import AccountsError, LoginThrottled
from frontdoor.accounts.twofactor_text import error_text

EN: Final = MappingProxyType(
    {
        "language_link": "Cymraeg",
        "language_link_lang": "cy",
        "title": "Sign in",
        "heading_console": "Sign in to the advisor console",
        "heading_editor": "Sign in",
        "error_title": "There is a problem",
        "email": "Email address",
        "password": "Password",
        "sign_in": "Sign in",
        "sso_button": "Sign in with your council account",
        "sso_or": "Or sign in with a Frontdoor password:",
        "console_hint": "Use your council staff account. Advisors and supervisors can use "
        "the console.",
        "signed_out": "You have signed out.",
        "invalid_credentials": "The email address or password is not right. Check them and "
        "try again.",
    }
)

CY: Final = MappingProxyType(
    {
        "language_link": "English",
        "language_link_lang": "en",
        "title": "Mewngofnodi",
        "heading_console": "Mewngofnodi i gonsol y cynghorwyr",
        "heading_editor": "Mewngofnodi",
        "error_title": "Mae problem",
        "email": "Cyfeiriad e-bost",
        "password": "Cyfrinair",
        "sign_in": "Mewngofnodi",
        "sso_button": "Mewngofnodi gyda'ch cyfrif cyngor",
        "sso_or": "Neu mewngofnodwch gyda chyfrinair Frontdoor:",
        "console_hint": "Defnyddiwch eich cyfrif staff y cyngor. Gall cynghorwyr a "
        "goruchwylwyr ddefnyddio'r consol.",
        "signed_out": "Rydych wedi allgofnodi.",
        "invalid_credentials": "Nid yw'r cyfeiriad e-bost na'r cyfrinair yn gywir. "
        "Gwiriwch nhw a rhowch gynnig arall arni.",
    }
)


def texts(lang: str | None) -> MappingProxyType[str, str]:
    return CY if lang == "cy" else EN


def refusal(exc: AccountsError, lang: str | None) -> str:
    """A refused password sign-in in the page's language (never the exception's English)."""
    if isinstance(exc, LoginThrottled):
        return error_text("login_throttled", lang, retry_after=exc.retry_after)
    return texts(lang)["invalid_credentials"]
