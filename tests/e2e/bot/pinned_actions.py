"""The real action server with its clock pinned, for end-to-end conversations.

    python -m tests.e2e.bot.pinned_actions --now 2026-11-18T14:30:00+00:00 --port 5055

The back office is seeded for one day and the actions decide "today" and
"yesterday" by their clock; pinning both to the same moment means a run that
crosses midnight, or runs late on a summer evening, sees the same day
throughout. Everything else is ``actions.server.main`` unchanged.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime

from actions.server import main
from frontdoor.clock import fixed_clock


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    known, rest = parser.parse_known_args(argv)
    return main(rest, clock=fixed_clock(known.now))


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
