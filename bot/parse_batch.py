"""Parse many messages with a trained model (Rasa environment, no server).

    .venv-rasa/bin/python bot/parse_batch.py --model models/frontdoor-<fp>.tar.gz < in.jsonl > out.jsonl

Each input line is a JSON string (the message); each output line is
``{"text", "intent", "confidence", "entities": [{"entity", "value"}], "ranking":
[[intent, confidence], ...], "ms"}`` (``ranking`` is the classifier's, with the
fallback classifier's ``nlu_fallback``; ``intent`` the NLU's result; what the
bot does with it is the dialogue's decision, bot/decision_policy.py).
Used by benchmarks/bot_nlu.py; runs from the project root so SpacyNLP finds
models/spacy/frontdoor_en.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # bot/config.yml names bot.decision_policy.DecisionPolicy
    sys.path.insert(0, str(ROOT))


async def run(model: Path) -> int:
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    for line in sys.stdin:
        if not line.strip():
            continue
        text = json.loads(line)
        started = time.perf_counter()
        parsed = await agent.parse_message(text)
        elapsed = (time.perf_counter() - started) * 1000
        intent = parsed.get("intent") or {}
        print(
            json.dumps(
                {
                    "text": text,
                    "intent": intent.get("name"),
                    "confidence": intent.get("confidence"),
                    "entities": [
                        {"entity": e.get("entity"), "value": e.get("value")}
                        for e in parsed.get("entities") or []
                    ],
                    "ranking": [
                        [r.get("name"), r.get("confidence")]
                        for r in parsed.get("intent_ranking") or []
                    ],
                    "ms": round(elapsed, 2),
                }
            ),
            flush=True,
        )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    args = parser.parse_args()
    os.chdir(ROOT)
    logging.disable(logging.WARNING)
    return asyncio.run(run(args.model.resolve()))


if __name__ == "__main__":
    sys.exit(main())
