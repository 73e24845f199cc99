"""The launcher gives the bot its dialogue state store (bot/switch.py's two Rasa share it)."""

from __future__ import annotations

from pathlib import Path

from frontdoor.launcher import build_services
from frontdoor.settings import project_root
from frontdoor.stack import StackSettings


def _rasa_env(environ: dict[str, str]) -> dict[str, str]:
    settings = StackSettings.load(environ)
    (rasa,) = [s for s in build_services(settings, {}) if s.name == "rasa"]
    assert "--tracker-store" not in rasa.command  # a URL may hold a password: not in `ps`
    return rasa.env


def test_by_default_the_dialogue_state_is_a_sqlite_file_in_the_var_folder(tmp_path: Path) -> None:
    env = _rasa_env({"FRONTDOOR_VAR_DIR": str(tmp_path / "var")})
    expected = f"sqlite:///{(tmp_path / 'var' / 'rasa' / 'trackers.db').as_posix()}"
    assert env["FRONTDOOR_RASA_TRACKER_STORE"] == expected


def test_a_relative_var_folder_is_the_project_roots() -> None:
    env = _rasa_env({"FRONTDOOR_VAR_DIR": "var"})
    path = (project_root() / "var" / "rasa" / "trackers.db").as_posix()
    assert env["FRONTDOOR_RASA_TRACKER_STORE"] == f"sqlite:///{path}"


def test_the_operator_chooses_another_store() -> None:
    url = "postgresql://rasa:pw@db.internal:5432/frontdoor_rasa"
    env = _rasa_env({"FRONTDOOR_RASA_TRACKER_STORE": url})
    assert env["FRONTDOOR_RASA_TRACKER_STORE"] == url
