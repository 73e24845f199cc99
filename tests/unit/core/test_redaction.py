"""Redaction at the door: each UK recogniser, the Luhn check, and what is left alone."""

from __future__ import annotations

import pytest

from frontdoor.redaction import looks_like_card_number, luhn_valid, mask_card_numbers, redact


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("my card is 4111 1111 1111 1111 thanks", "my card is [card number] thanks"),
        ("pay with 5500-0000-0000-0004", "pay with [card number]"),
        ("amex 378282246310005", "amex [card number]"),
        ("sort code 20-00-00 account 12345678", "sort code [sort code] account [account number]"),
        ("my NI number is AB 12 34 56 C", "my NI number is [national insurance number]"),
        ("ni ab123456c", "ni [national insurance number]"),
        ("call 07700 900123", "call [phone number]"),
        ("or +44 20 7946 0958 after 5", "or [phone number] after 5"),
        ("landline 01632 960001", "landline [phone number]"),
        ("write to alex.smith+bins@example.org", "write to [email address]"),
        ("I was born on 12/03/1985", "I was born on [date of birth]"),
        ("DOB 3 March 1961", "DOB [date of birth]"),
        ("date of birth: March 3rd, 1961", "date of birth: [date of birth]"),
        ("fe'm ganwyd ar 4 Mai 1970", "fe'm ganwyd ar [date of birth]"),
    ],
)
def test_personal_data_is_replaced_by_its_label(typed: str, stored: str) -> None:
    assert redact(typed) == stored


@pytest.mark.parametrize(
    "kept",
    [
        "my bin was missed on 3/12/2026",  # a date with no word of birth near it
        "council tax CT40012345 is wrong",  # a reference the council needs
        "tenancy 12345678 repairs",  # eight digits with no bank word before them
        "card 4111111111111112",  # fails the Luhn check
        "0000 0000 0000 0000",  # one repeated digit
        "NI number QQ 12 34 56 C",  # QQ is no real prefix (HMRC's example)
        "GB 12 34 56 A",  # an excluded prefix
        "the 12 34 56 bus",
        "",
    ],
)
def test_ordinary_text_is_left_alone(kept: str) -> None:
    assert redact(kept) == kept


def test_transcripts_lose_only_card_numbers() -> None:
    typed = "card 4111 1111 1111 1111, phone 07700 900123, email a@b.org"
    assert mask_card_numbers(typed) == "card [card number], phone 07700 900123, email a@b.org"
    assert looks_like_card_number(typed)
    assert not looks_like_card_number("phone 07700 900123")


def test_luhn() -> None:
    assert luhn_valid("4111111111111111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("411111")  # too short to be a card
