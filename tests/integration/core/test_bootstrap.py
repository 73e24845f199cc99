"""scripts/bootstrap.sh: a missing Python 3.10 stops set-up with a way out."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def run_bootstrap(tmp_path: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    # A copy of the script in an empty project, so nothing real is touched.
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "bootstrap.sh", tmp_path / "scripts" / "bootstrap.sh")
    return subprocess.run(
        ["/bin/bash", str(tmp_path / "scripts" / "bootstrap.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )


def test_missing_python_310_is_explained(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("cat", "sha256sum", "cut", "ls", "sort", "tail", "dirname", "grep", "id"):
        found = shutil.which(tool)
        if found:
            (bin_dir / tool).symlink_to(found)
    python311 = str(Path(sys.base_prefix) / "bin" / "python3.11")
    result = run_bootstrap(
        tmp_path,
        {"PATH": str(bin_dir), "HOME": str(tmp_path), "FRONTDOOR_PYTHON311": python311},
    )
    assert result.returncode == 1
    assert "Python 3.10 not found" in result.stderr
    assert "pyenv install 3.10.13" in result.stderr
    assert "FRONTDOOR_PYTHON310" in result.stderr
    assert not (tmp_path / ".venv-rasa").exists()


def test_a_wrong_override_is_named(tmp_path):
    result = run_bootstrap(
        tmp_path,
        {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FRONTDOOR_PYTHON310": "/nope/python"},
    )
    assert result.returncode == 1
    assert "/nope/python" in result.stderr
