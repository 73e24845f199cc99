"""What the two-factor pages say, in English and Welsh (GOV.UK style: plain, second person).

Both staff front doors (the editor and the advisor console) show the same
pages, so the words live here once. ``texts("cy")`` is the Welsh set; any
other language gives English. Error messages are keyed by the error codes of
:mod:`frontdoor.accounts.twofactor` and the gate.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

EN: Final = MappingProxyType(
    {
        "language_link": "Cymraeg",
        "language_link_lang": "cy",
        "code_title": "Enter your security code",
        "code_heading": "Check your authenticator app",
        "code_label": "Security code",
        "code_hint": "Enter the 6-digit code from your authenticator app.",
        "recovery_summary": "I cannot use my authenticator app",
        "recovery_body": "Enter one of the recovery codes you saved when you set up "
        "two-factor authentication, in the same box. Each recovery code works once.",
        "continue": "Continue",
        "start_again": "Sign in again",
        "error_title": "There is a problem",
        "setup_title": "Set up two-factor authentication",
        "setup_required": "You must set up two-factor authentication before you can continue. "
        "You will need an authenticator app on your phone or computer, for example "
        "Microsoft Authenticator or Google Authenticator.",
        "setup_optional": "Two-factor authentication protects your account: as well as your "
        "password, you enter a code from an authenticator app on your phone or computer "
        "each time you sign in with a password.",
        "step_scan": "Scan the QR code with your authenticator app.",
        "qr_alt": "QR code to add your account to an authenticator app",
        "step_manual": "If you cannot scan the QR code, enter this setup key in your app instead:",
        "step_manual_key": "Setup key",
        "step_confirm": "Enter the 6-digit code your app shows for this account.",
        "sso_note": "If you sign in with your council account (single sign-on), your "
        "council's sign-in service asks for the second step: Frontdoor does not ask "
        "for a code then. This page is for signing in with a Frontdoor password.",
        "codes_title": "Save your recovery codes",
        "codes_intro": "Two-factor authentication is now on. If you lose your authenticator "
        "app, you can sign in with one of these recovery codes instead of a code from "
        "the app. Each code works once.",
        "codes_warning": "Write them down or print them and keep them somewhere safe. "
        "You will not be shown these codes again.",
        "codes_list": "Your recovery codes",
        "account_title": "Two-factor authentication",
        "account_on": "Two-factor authentication is on for your account.",
        "account_codes_left": "Recovery codes left: {count}.",
        "account_reset_hint": "If you have lost your authenticator app, ask an admin to reset "
        "your two-factor authentication.",
        "account_required": "Your council requires two-factor authentication for your account.",
        "bad_format": "Enter the 6-digit code from your authenticator app",
        "wrong_code": "The code is not right, or it has already been used. Wait for your app "
        "to show a new code, then enter it",
        "expired": "Your sign-in has timed out. Sign in again with your email address and password",
        "too_many": "You entered a wrong code too many times. Sign in again with your email "
        "address and password",
        "throttled": "Too many sign-in attempts that did not work. Wait {wait}, then try again",
        "not_configured": "Two-factor authentication cannot be set up on this server yet. "
        "Ask your IT team to set FRONTDOOR_TOTP_ENCRYPTION_KEY",
        "totp_secret_unreadable": "Your authenticator cannot be checked on this server. Use a "
        "recovery code, or ask an admin to reset your two-factor authentication",
        "seconds": "{n} seconds",
        "second": "1 second",
        "minutes": "{n} minutes",
    }
)

CY: Final = MappingProxyType(
    {
        "language_link": "English",
        "language_link_lang": "en",
        "code_title": "Rhowch eich cod diogelwch",
        "code_heading": "Gwiriwch eich ap dilysu",
        "code_label": "Cod diogelwch",
        "code_hint": "Rhowch y cod 6 digid o'ch ap dilysu.",
        "recovery_summary": "Ni allaf ddefnyddio fy ap dilysu",
        "recovery_body": "Rhowch un o'r codau adfer a gadwoch pan wnaethoch osod dilysu dau "
        "ffactor, yn yr un blwch. Mae pob cod adfer yn gweithio unwaith.",
        "continue": "Parhau",
        "start_again": "Mewngofnodi eto",
        "error_title": "Mae problem wedi codi",
        "setup_title": "Gosod dilysu dau ffactor",
        "setup_required": "Rhaid i chi osod dilysu dau ffactor cyn y gallwch barhau. Bydd "
        "angen ap dilysu arnoch ar eich ffôn neu gyfrifiadur, er enghraifft Microsoft "
        "Authenticator neu Google Authenticator.",
        "setup_optional": "Mae dilysu dau ffactor yn diogelu eich cyfrif: yn ogystal â'ch "
        "cyfrinair, byddwch yn rhoi cod o ap dilysu ar eich ffôn neu gyfrifiadur bob tro y "
        "byddwch yn mewngofnodi gyda chyfrinair.",
        "step_scan": "Sganiwch y cod QR gyda'ch ap dilysu.",
        "qr_alt": "Cod QR i ychwanegu eich cyfrif at ap dilysu",
        "step_manual": "Os na allwch sganio'r cod QR, rhowch yr allwedd osod hon yn eich ap "
        "yn lle hynny:",
        "step_manual_key": "Allwedd osod",
        "step_confirm": "Rhowch y cod 6 digid y mae eich ap yn ei ddangos ar gyfer y cyfrif hwn.",
        "sso_note": "Os byddwch yn mewngofnodi gyda'ch cyfrif cyngor (mewngofnodi sengl), "
        "gwasanaeth mewngofnodi eich cyngor sy'n gofyn am yr ail gam: nid yw Frontdoor yn "
        "gofyn am god bryd hynny. Mae'r dudalen hon ar gyfer mewngofnodi gyda chyfrinair "
        "Frontdoor.",
        "codes_title": "Cadwch eich codau adfer",
        "codes_intro": "Mae dilysu dau ffactor bellach ymlaen. Os byddwch yn colli eich ap "
        "dilysu, gallwch fewngofnodi gydag un o'r codau adfer hyn yn lle cod o'r ap. Mae pob "
        "cod yn gweithio unwaith.",
        "codes_warning": "Ysgrifennwch nhw neu eu hargraffu a'u cadw yn rhywle diogel. Ni "
        "fyddwch yn gweld y codau hyn eto.",
        "codes_list": "Eich codau adfer",
        "account_title": "Dilysu dau ffactor",
        "account_on": "Mae dilysu dau ffactor ymlaen ar gyfer eich cyfrif.",
        "account_codes_left": "Codau adfer ar ôl: {count}.",
        "account_reset_hint": "Os ydych wedi colli eich ap dilysu, gofynnwch i weinyddwr "
        "ailosod eich dilysu dau ffactor.",
        "account_required": "Mae eich cyngor yn gofyn am ddilysu dau ffactor ar gyfer eich cyfrif.",
        "bad_format": "Rhowch y cod 6 digid o'ch ap dilysu",
        "wrong_code": "Nid yw'r cod yn gywir, neu mae wedi cael ei ddefnyddio'n barod. "
        "Arhoswch i'ch ap ddangos cod newydd, yna rhowch ef",
        "expired": "Mae eich mewngofnodi wedi dod i ben. Mewngofnodwch eto gyda'ch cyfeiriad "
        "e-bost a'ch cyfrinair",
        "too_many": "Rydych wedi rhoi cod anghywir ormod o weithiau. Mewngofnodwch eto gyda'ch "
        "cyfeiriad e-bost a'ch cyfrinair",
        "throttled": "Gormod o ymdrechion i fewngofnodi nad oedd yn gweithio. Arhoswch {wait}, "
        "yna rhowch gynnig arall arni",
        "not_configured": "Ni ellir gosod dilysu dau ffactor ar y gweinydd hwn eto. Gofynnwch "
        "i'ch tîm TG osod FRONTDOOR_TOTP_ENCRYPTION_KEY",
        "totp_secret_unreadable": "Ni ellir gwirio eich ap dilysu ar y gweinydd hwn. "
        "Defnyddiwch god adfer, neu gofynnwch i weinyddwr ailosod eich dilysu dau ffactor",
        "seconds": "{n} eiliad",
        "second": "1 eiliad",
        "minutes": "{n} munud",
    }
)


def language(value: str | None) -> str:
    return "cy" if value == "cy" else "en"


def texts(lang: str | None) -> MappingProxyType[str, str]:
    return CY if language(lang) == "cy" else EN


def error_text(code: str, lang: str | None, *, retry_after: int = 0) -> str:
    """The message for an error code (a known one, else the wrong-code message)."""
    words = texts(lang)
    if code == "login_throttled":
        if retry_after < 120:
            wait = words["second"] if retry_after == 1 else words["seconds"].format(n=retry_after)
        else:
            wait = words["minutes"].format(n=-(-retry_after // 60))
        return words["throttled"].format(wait=wait)
    return words.get(code, words["wrong_code"])
