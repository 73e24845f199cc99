"""Welsh mutations undone for search: every form of a word reaches one key, and
English text never goes through the Welsh rules."""

from __future__ import annotations

import pytest

from knowledge.search.text import tokenize
from knowledge.search.welsh import mutation_key, mutation_keys, suffix_key


@pytest.mark.parametrize(
    ("forms", "key"),
    [
        # radical, soft, nasal, aspirate
        (("treth", "dreth", "nhreth", "threth"), "treth"),
        (("casglu", "gasglu", "nghasglu", "chasglu"), "casglu"),
        (("cyngor", "gyngor", "nghyngor", "chyngor"), "cyngor"),
        (("pleidlais", "bleidlais", "mhleidlais", "phleidlais"), "pleidlais"),
        (("talu", "dalu", "nhalu", "thalu"), "talu"),
        # voiced radicals share the voiceless key
        (("bin", "fin"), "pin"),
        (("gwastraff", "ngwastraff", "wastraff"), "cwastraff"),
        (("dydd", "ddydd"), "tydd"),
        # soft ll and rh
        (("llyfrgell", "lyfrgell"), "llyfrgell"),
        (("rhent", "rent"), "rhent"),
        # never mutated
        (("ffordd",), "ffordd"),
        (("sbwriel",), "sbwriel"),
    ],
)
def test_every_mutated_form_has_the_radicals_key(forms: tuple[str, ...], key: str) -> None:
    assert [mutation_key(form) for form in forms] == [key] * len(forms)


@pytest.mark.parametrize(
    ("words", "keys"),
    [
        # nasal m and n only after "fy" / "ym" (itself keyed: function words go later)
        (["fy", "min"], ["py", "pin"]),
        (["fy", "nata"], ["py", "tata"]),
        (["ym", "mangor"], ["ym", "pangor"]),
        (["yn", "mynd"], ["yn", "mynd"]),
        (["mis", "nesaf"], ["mis", "nesaf"]),
        # h-prothesis only after the words that cause it
        (["ei", "henw"], ["ei", "enw"]),
        (["ein", "hardal"], ["ein", "ardal"]),
        (["i", "w", "hateb"], ["i", "w", "ateb"]),
        (["help"], ["help"]),
        (["i", "helpu"], ["i", "helpu"]),
    ],
)
def test_context_decides_nasal_m_n_and_h_prothesis(words: list[str], keys: list[str]) -> None:
    assert mutation_keys(words) == keys


@pytest.mark.parametrize(
    ("question", "article_words"),
    [
        ("Ble galla i dalu'r dreth gyngor?", "Talu treth cyngor"),
        ("Sut mae cofrestru i bleidleisio?", "Cofrestru i bleidleisio"),
        ("Sut ydw i'n talu fy nhreth gyngor?", "talu treth gyngor"),
        ("Wnaethon nhw ddim gwagio fy min", "gwagio bin"),
        ("Allwch chi gasglu hen wely?", "casglu gwely"),
    ],
)
def test_a_welsh_question_meets_the_welsh_articles_words(question: str, article_words: str) -> None:
    assert set(tokenize(article_words, "cy")) <= set(tokenize(question, "cy"))


@pytest.mark.parametrize(
    "text",
    [
        "How do I pay my council tax?",
        "My bin was not collected, the green bin and the garden waste",
        "Drop off bulky items at the recycling centre",
        "rhent ddydd",  # Welsh words in an English query stay as they are
    ],
)
def test_english_text_is_tokenised_as_before(text: str) -> None:
    assert tokenize(text, "en") == tokenize(text)
    assert tokenize(text, None) == tokenize(text)


def test_welsh_function_words_are_dropped_only_from_welsh() -> None:
    assert tokenize("gallu cael gwybodaeth", "cy") == [suffix_key("cwybodaeth")]
    assert tokenize("gallu cael gwybodaeth") == ["gallu", "cael", "gwybodaeth"]


@pytest.mark.parametrize(
    "forms",
    [
        # plural and verb-noun endings
        ("casglu", "casgliad", "casgliadau", "gasgliadau"),
        ("bin", "biniau", "fin", "fy miniau"),
        ("ardal", "ardaloedd"),
        ("cartref", "cartrefi", "nghartref"),
        # the vowel an ending changes: w -> y, ai -> ei
        ("gollwng", "gollyngiad"),
        ("pleidlais", "pleidleisio", "bleidlais"),
    ],
)
def test_every_form_with_an_ending_has_one_key(forms: tuple[str, ...]) -> None:
    assert len({tuple(tokenize(form, "cy")) for form in forms}) == 1


@pytest.mark.parametrize(("short", "long"), [("tal", "talu"), ("pin", "pinau")])
def test_an_ending_is_kept_when_too_little_would_be_left(short: str, long: str) -> None:
    assert suffix_key(short) == short
    assert suffix_key(long) == short


def test_a_welsh_content_word_that_is_an_english_function_word_is_kept() -> None:
    # "to" is a roof in Welsh; in English text it stays a function word
    assert tokenize("mae'r to yn gollwng", "cy") == tokenize("to gollwng", "cy")
    assert len(tokenize("to gollwng", "cy")) == 2
    assert tokenize("leaking to the roof") == tokenize("leaking roof")


def test_house_is_too_common_to_tell_welsh_articles_apart() -> None:
    # every form of "tŷ" (house) is dropped; "tai" (houses, the housing register) is not
    for form in ("tŷ", "ty", "dŷ", "nhŷ", "thŷ"):
        assert tokenize(f"{form} cyngor", "cy") == tokenize("cyngor", "cy")
    assert len(tokenize("tai cyngor", "cy")) == 2
