"""Welsh initial mutations undone for search, so "treth", "dreth", "nhreth" and
"threth" are one BM25 term.

Welsh changes a word's first sound after certain words: "treth" (tax) becomes
"dreth" (soft), "nhreth" (nasal, after "fy") or "threth" (aspirate, after "a"),
and a vowel gains an h ("ei henw", h-prothesis). Without this a Welsh question
("Ble galla i dalu'r dreth gyngor?") misses the article that says "treth
gyngor", and English stemming cannot help. The same rules run on Welsh
articles when they are indexed and on Welsh queries, so it only matters that
every form of a word reaches the same key, not that the key is a dictionary
word.

The rules, on lowercase ASCII words (``fold`` has dropped the circumflexes):

===========  ============================  ==================================
initial      comes from                    key
===========  ============================  ==================================
ngh, ng, ch  nasal c, nasal g, aspirate c  c  (g, the soft form of c, too)
mh, ph       nasal p, aspirate p           p  (b, soft of p, and f, soft of b)
nh, th       nasal t, aspirate t           t  (d, soft of t, and dd, soft of d)
l, r         soft ll, soft rh              ll, rh
m, n         nasal b, nasal d              p, t only after "fy" or "ym":
                                           elsewhere m and n are radicals
h + vowel    h-prothesis                   the vowel, only after "ei", "ein",
                                           "eu", "i'w", "o'u"
vowel        soft g (g dropped)            c + word, for the few words in
                                           ``_SOFT_G`` only (no dictionary)
===========  ============================  ==================================

So voiced and voiceless radicals share a key ("gardd" and "cardd" would
collide; Welsh has few such pairs, and the soft form of m, f, is read as the
soft form of b). English is never passed through these rules: an English
article or query is tokenised exactly as before.
"""

from __future__ import annotations

__all__ = ["WELSH_STOPWORDS", "mutation_key", "mutation_keys", "suffix_key", "welsh_terms"]

# Longest first: "ngh" before "ng", "dd" before "d", "ff" (never mutated) before "f".
_INITIALS: tuple[tuple[str, str], ...] = (
    ("ngh", "c"),
    ("ng", "c"),
    ("ch", "c"),
    ("mh", "p"),
    ("ph", "p"),
    ("nh", "t"),
    ("th", "t"),
    ("dd", "t"),
    ("ff", "ff"),
    ("ll", "ll"),
    ("rh", "rh"),
    ("g", "c"),
    ("b", "p"),
    ("f", "p"),
    ("d", "t"),
    ("l", "ll"),
    ("r", "rh"),
)

# After these, an m or n is the nasal form of b or d ("fy min", "ym Mangor"); not
# after "yn", which is also the particle before a radical ("yn mynd").
_NASAL_TRIGGERS = frozenset({"fy", "ym"})
_NASAL = (("m", "p"), ("n", "t"))

# After these, a vowel gains an h ("ei henw", "ein hardal", "i'w hateb").
_H_TRIGGERS = frozenset({"ei", "ein", "eu", "w", "u"})  # "i'w", "o'u" split at the apostrophe
_VOWELS = "aeiouwy"

# Soft mutation drops a g: "gwastraff" -> "wastraff". Undoing that needs to know
# the word, so only common words of council services are listed.
_SOFT_G = frozenset(
    """
    wastraff wasanaeth wasanaethau wybodaeth ardd erddi ofal waith weithio wirio
    wyliau ostyngiad orfod wahanol wely welyau wybod adael ofyn weld orsaf wyrdd
    las
    """.split()  # noqa: SIM905 - a word list reads better as prose
)

# Welsh function words (folded, apostrophes gone) on top of the shared list in
# ``text.STOPWORDS``; applied to Welsh text only, so English keeps its tokens.
WELSH_STOPWORDS = frozenset(
    """
    sy sydd hyn hwn hon hynny ddim dim iawn hefyd nawr rwan yna dy ein eich ym yng
    ydych dych rydych ydyn ydynt yw oedd roedd bydd fydd
    cael gael chael ga gaf cha chaf galla alla gallaf allaf gallwch allwch gall
    gallu allu hoffwn eisiau isio moyn wneud gwneud neud efo gen gennych gennyf
    arna arnaf arnoch dros drwy trwy wrth heb at ato ati pa pwy faint os ai ie na
    nad nid plis gwelwch dda ol
    """.split()  # noqa: SIM905 - a word list reads better as prose
)


def mutation_key(word: str, previous: str = "") -> str:
    """The key every mutated form of ``word`` shares (see the table above).

    ``previous`` is the word before it, which decides the ambiguous nasal m/n
    and the h-prothesis.
    """
    if previous in _H_TRIGGERS and len(word) > 2 and word[0] == "h" and word[1] in _VOWELS:
        word = word[1:]
    if word in _SOFT_G:
        word = "g" + word
    if previous in _NASAL_TRIGGERS:
        for nasal, key in _NASAL:
            if word.startswith(nasal) and not word.startswith(("mh", "nh", "ng")):
                return key + word[len(nasal) :]
    for initial, key in _INITIALS:
        if word.startswith(initial):
            return key + word[len(initial) :]
    return word


def mutation_keys(words: list[str]) -> list[str]:
    """``mutation_key`` of each word, in order, each with its own previous word."""
    return [mutation_key(word, words[i - 1] if i else "") for i, word in enumerate(words)]


# English function words that are also Welsh content words ("to" is a roof: "mae'r
# to yn gollwng"), kept in Welsh text although the shared list drops them.
WELSH_CONTENT_WORDS = frozenset({"to"})

# Endings of plurals, verb-nouns and nouns made from verbs, longest first:
# "casglu", "casgliad" and "casgliadau" share "casgl"; "biniau" meets "bin".
_SUFFIXES = (
    "iadau",
    "iaid",
    "oedd",
    "iad",
    "iau",
    "ion",
    "ydd",
    "wyr",
    "aid",
    "io",
    "au",
    "u",
    "i",
)
_MIN_STEM = 3

# Keys too common in a council's questions to tell articles apart: "tŷ" (house,
# "dŷ", "nhŷ", "thŷ") is in "tŷ cyngor", "symud tŷ", "treth" questions alike, and
# its key won the "symud tŷ" article for a leaking roof "yn fy nhŷ cyngor".
_TOO_COMMON = frozenset({"ty"})


def suffix_key(key: str) -> str:
    """``key`` (a mutation key) without its ending, with the vowel changes an
    ending brings undone: "gollwng" and "gollyngiad" (w -> y), "pleidlais" and
    "pleidleisio" (ai -> ei) reach one key. Like the mutation keys, these need
    not be dictionary words, only the same for every form."""
    for suffix in _SUFFIXES:
        if key.endswith(suffix) and len(key) - len(suffix) >= _MIN_STEM:
            key = key[: -len(suffix)]
            break
    return key[:1] + key[1:].replace("w", "y").replace("ai", "ei")


def welsh_terms(words: list[str], shared_stopwords: frozenset[str]) -> list[str]:
    """The search terms of Welsh ``words`` (folded, in order): function words
    (``shared_stopwords`` but for ``WELSH_CONTENT_WORDS``, and ``WELSH_STOPWORDS``)
    dropped, each other word's mutation undone and its ending taken off."""
    terms = [
        suffix_key(key)
        for word, key in zip(words, mutation_keys(words), strict=True)
        if len(word) > 1
        and word not in WELSH_STOPWORDS
        and (word not in shared_stopwords or word in WELSH_CONTENT_WORDS)
    ]
    return [term for term in terms if term not in _TOO_COMMON]
