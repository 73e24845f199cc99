"""``frontdoor bot ...``: build the spaCy pipeline, train, talk to the bot.

Rasa runs in its own Python 3.10 environment (``.venv-rasa``); these commands
drive it from the main environment.

- ``frontdoor bot build-spacy``: the blank English pipeline with rule-based
  entities, saved to ``models/spacy/frontdoor_en``.
- ``frontdoor bot train``: trains only when the config, domain, training data
  or spaCy builder changed (``--force`` to train anyway), showing progress.
- ``frontdoor bot shell``: chat with the trained bot in the terminal (start the
  action server first: ``.venv/bin/python -m actions.server``).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(help="The Rasa bot: build, train, try.", no_args_is_help=True)


def _fail(message: str) -> None:
    typer.secho(f"frontdoor: {message}", err=True, fg="red")
    raise typer.Exit(1)


@app.command("build-spacy")
def build_spacy(
    output: Annotated[
        Path | None, typer.Option("--output", help="Default: models/spacy/frontdoor_en")
    ] = None,
) -> None:
    """Build the blank English spaCy pipeline with rule-based entities."""
    from bottools import model as bot_model
    from frontdoor.exceptions import FrontdoorError

    try:
        path = bot_model.build_spacy(output=output)
    except FrontdoorError as exc:
        _fail(exc.message)
    typer.echo(f"spaCy pipeline saved to {path}")


@app.command("train")
def train(
    force: Annotated[bool, typer.Option("--force", help="Train even if up to date.")] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help='End with one line {"model": path, "trained": bool} (the review queue reads it).',
        ),
    ] = False,
) -> None:
    """Train the Rasa model if the training data or config changed."""
    from tqdm import tqdm

    from bottools import model as bot_model
    from frontdoor.exceptions import FrontdoorError

    started = time.monotonic()
    bar: tqdm | None = None

    def phase(name: str) -> None:
        nonlocal bar
        if bar is not None:
            bar.close()
            bar = None
        typer.echo(f"  {name}...")

    def progress(percent: int) -> None:
        nonlocal bar
        if bar is None:
            bar = tqdm(total=100, desc="  epochs", unit="%", leave=False)
        bar.update(max(percent - bar.n, 0))

    try:
        result = bot_model.train(force=force, on_phase=phase, on_progress=progress)
    except FrontdoorError as exc:
        _fail(exc.message)
    finally:
        if bar is not None:
            bar.close()
    if not result.trained:
        typer.echo(f"model is up to date: {result.model}")
    else:
        typer.echo(f"trained {result.model} in {time.monotonic() - started:.0f} s")
    if as_json:
        typer.echo(json.dumps({"model": str(result.model), "trained": result.trained}))


@app.command("shell")
def shell() -> None:
    """Talk to the trained bot in this terminal."""
    from bottools import model as bot_model
    from frontdoor.exceptions import FrontdoorError
    from frontdoor.settings import project_root

    root = project_root()
    model = bot_model.latest_model(root)
    if model is None:
        _fail("no model for the current training data; run `frontdoor bot train` first")
    try:
        rasa = bot_model.rasa_environment(root) / "rasa"
        # bot/endpoints.yml shows the action server this secret (it refuses calls without it)
        from actions.settings import BotSettings

        os.environ["FRONTDOOR_BOT_SECRET"] = BotSettings.load().require_secret("bot_secret")
    except FrontdoorError as exc:
        _fail(exc.message)
    os.chdir(root)
    os.execv(  # noqa: S606 - replaces this process with rasa's shell
        str(rasa),
        [
            str(rasa),
            "shell",
            "--model",
            str(model),
            "--endpoints",
            str(root / bot_model.ENDPOINTS),
            "--credentials",
            str(root / bot_model.CREDENTIALS),
        ],
    )
