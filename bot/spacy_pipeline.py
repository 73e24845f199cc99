"""Build Frontdoor's blank English spaCy pipeline with rule-based entities.

No pretrained model can be downloaded here, and none is needed: the references
residents type (postcodes, case, council tax, tenancy, planning and booking
references) have fixed shapes, so an ``entity_ruler`` on a blank English
tokenizer finds them reliably. Rasa loads the saved folder through ``SpacyNLP``
(``model: models/spacy/frontdoor_en`` in ``bot/config.yml``) and reports the
entities through ``SpacyEntityExtractor``.

Patterns match case-insensitively on the blank tokenizer's tokens, which keeps
"BF3 2QX" as two tokens, "bdc-104233" as one and "26/01234/FUL" as three
("26/01234", "/", "FUL"). The values are normalised later, in the actions,
with ``backoffice.references``.

Run with the Rasa (Python 3.10) environment, which has spaCy:

    .venv-rasa/bin/python bot/spacy_pipeline.py --output models/spacy/frontdoor_en

(or ``frontdoor bot build-spacy``). The build is deterministic: the same
patterns always give the same files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

PIPELINE_NAME = "frontdoor_en"
PIPELINE_VERSION = "1.0.0"
DEFAULT_OUTPUT = Path("models/spacy") / PIPELINE_NAME

# Entity labels, also the Rasa entity names (bot/domain.yml).
POSTCODE = "postcode"
CASE_REFERENCE = "case_reference"
COUNCIL_TAX_REFERENCE = "council_tax_reference"
TENANCY_REFERENCE = "tenancy_reference"
PLANNING_REFERENCE = "planning_reference"
BOOKING_REFERENCE = "booking_reference"
LABELS = (
    POSTCODE,
    CASE_REFERENCE,
    COUNCIL_TAX_REFERENCE,
    TENANCY_REFERENCE,
    PLANNING_REFERENCE,
    BOOKING_REFERENCE,
)

_OUTWARD = r"[a-z]{1,2}\d[a-z\d]?"
_INWARD = r"\d[a-z]{2}"
_PLANNING_TYPES = "ful|hou|out|rem|lbc|adv|tpo|clu|dis|pa"


def _re(pattern: str) -> dict[str, Any]:
    """A token matching a whole-token regular expression on its lower-case form."""
    return {"LOWER": {"REGEX": f"^(?:{pattern})$"}}


def _lit(*words: str) -> dict[str, Any]:
    return {"LOWER": {"IN": list(words)}}


_HYPHEN = {"ORTH": {"IN": ["-", "–", "/"]}, "OP": "?"}


def entity_patterns() -> list[dict[str, Any]]:
    """Token patterns for every reference a resident might type, loosely."""
    patterns: list[tuple[str, list[dict[str, Any]]]] = [
        # Postcodes: "BF3 2QX", "bf32qx", "BF3  2QX".
        (POSTCODE, [_re(_OUTWARD), _re(_INWARD)]),
        (POSTCODE, [_re(_OUTWARD + _INWARD)]),
        # Case references: "BDC-104233", "bdc104233", "BDC 104233", "bdc - 104 233".
        (CASE_REFERENCE, [_re(r"bdc-?\d{6}")]),
        (CASE_REFERENCE, [_lit("bdc"), _HYPHEN, _re(r"\d{6}")]),
        (CASE_REFERENCE, [_lit("bdc"), _HYPHEN, _re(r"\d{3}"), _re(r"\d{3}")]),
        (CASE_REFERENCE, [_re(r"bdc-"), _re(r"\d{6}")]),
        (CASE_REFERENCE, [_re(r"bdc-?\d{3}"), _re(r"\d{3}")]),
        # Council tax accounts: "CT40012345", "ct 4001 2345", "CT 40012345".
        (COUNCIL_TAX_REFERENCE, [_re(r"ct\d{8}")]),
        (COUNCIL_TAX_REFERENCE, [_lit("ct"), _HYPHEN, _re(r"\d{8}")]),
        (COUNCIL_TAX_REFERENCE, [_lit("ct"), _HYPHEN, _re(r"\d{4}"), _re(r"\d{4}")]),
        (COUNCIL_TAX_REFERENCE, [_re(r"ct\d{4}"), _re(r"\d{4}")]),
        # Tenancies: "TEN-004512", "ten004512", "ten 004512".
        (TENANCY_REFERENCE, [_re(r"ten-?\d{6}")]),
        (TENANCY_REFERENCE, [_lit("ten"), _HYPHEN, _re(r"\d{6}")]),
        (TENANCY_REFERENCE, [_re(r"ten-"), _re(r"\d{6}")]),
        # Planning applications: "26/01234/FUL", "26/01234/ful", "26 / 01234 / HOU".
        (PLANNING_REFERENCE, [_re(r"\d{2}/\d{5}"), {"ORTH": "/"}, _re(_PLANNING_TYPES)]),
        (PLANNING_REFERENCE, [_re(rf"\d{{2}}/\d{{5}}/(?:{_PLANNING_TYPES})")]),
        (
            PLANNING_REFERENCE,
            [_re(r"\d{2}"), {"ORTH": "/"}, _re(r"\d{5}"), {"ORTH": "/"}, _re(_PLANNING_TYPES)],
        ),
        (PLANNING_REFERENCE, [_re(r"\d{2}/\d{5}/"), _re(_PLANNING_TYPES)]),
        # Bulky waste bookings: "BW-200017", "bw200017", "bw 200017".
        (BOOKING_REFERENCE, [_re(r"bw-?\d{6}")]),
        (BOOKING_REFERENCE, [_lit("bw"), _HYPHEN, _re(r"\d{6}")]),
        (BOOKING_REFERENCE, [_re(r"bw-"), _re(r"\d{6}")]),
    ]
    return [
        {"label": label, "pattern": pattern, "id": f"{label}-{index}"}
        for index, (label, pattern) in enumerate(patterns)
    ]


def build_pipeline():  # type: ignore[no-untyped-def]
    """The blank English pipeline with its entity ruler (not yet saved)."""
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": True})
    ruler.add_patterns(entity_patterns())
    nlp.meta["name"] = PIPELINE_NAME
    nlp.meta["version"] = PIPELINE_VERSION
    nlp.meta["description"] = (
        "Frontdoor: blank English tokenizer with rule-based entities for UK postcodes and "
        "Bramblefield council references."
    )
    nlp.meta["author"] = "Frontdoor"
    nlp.meta["license"] = "AGPL-3.0-or-later"
    return nlp


def build(output: Path) -> Path:
    """Build and save the pipeline to ``output`` (replacing what is there)."""
    import shutil

    nlp = build_pipeline()
    output = output.resolve()
    if output.exists():
        shutil.rmtree(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output)
    return output


def extract(nlp, text: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(ent.label_, ent.text) for ent in nlp(text).ents]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument(
        "--check",
        metavar="TEXT",
        action="append",
        help="print the entities found in TEXT (repeatable) instead of building",
    )
    args = parser.parse_args(argv)
    if args.check:
        nlp = build_pipeline()
        print(json.dumps({text: extract(nlp, text) for text in args.check}))
        return 0
    path = build(args.output)
    print(f"spaCy pipeline saved to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
