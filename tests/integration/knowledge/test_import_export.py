"""Import and export: the real content folder round-trips byte for byte."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from knowledge import transfer
from knowledge.actors import Actor
from knowledge.exceptions import ImportFailed
from knowledge.models import Article

CONTENT = Path(__file__).resolve().parents[3] / "knowledge" / "content"
IMPORTER = Actor(id=None, name="Content import", roles=frozenset({"admin"}))


def article_files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*.md")
        if "/" in p.relative_to(folder).as_posix()
    }


def test_real_content_round_trips_byte_identical(session, tmp_path):
    report = transfer.import_folder(session, CONTENT, actor=IMPORTER)
    session.commit()
    originals = article_files(CONTENT)
    assert report.created == len(originals) >= 80
    assert report.warnings == []
    out = tmp_path / "export"
    assert transfer.export_folder(session, out) == len(originals)
    exported = article_files(out)
    assert exported.keys() == originals.keys()
    different = [name for name in originals if originals[name] != exported[name]]
    assert different == []


def test_reimport_is_unchanged_and_edits_come_through(session, tmp_path):
    transfer.import_folder(session, CONTENT, actor=IMPORTER)
    copy = tmp_path / "content"
    shutil.copytree(CONTENT, copy)
    target = next(copy.glob("en/waste/missed-bin.md"))
    target.write_text(
        target.read_text().replace("title: Report a missed bin", "title: Missed bins")
    )
    report = transfer.import_folder(session, copy, actor=IMPORTER)
    assert (report.created, report.updated) == (0, 1)
    article = session.scalar(select(Article).where(Article.slug == "missed-bin"))
    assert article.title == "Missed bins" and article.state == "published"
    assert article.live_revision.title == "Missed bins"
    out = tmp_path / "out"
    transfer.export_folder(session, out)
    assert (out / "en/waste/missed-bin.md").read_bytes() == target.read_bytes()


def test_invalid_files_are_reported_and_nothing_is_imported(session, tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(CONTENT / "en" / "waste", folder / "en" / "waste")
    (folder / "en" / "waste" / "broken.md").write_text("---\ntitle: [oops\n---\nbody\n")
    bad_area = (
        (folder / "en" / "waste" / "missed-bin.md")
        .read_text()
        .replace("service_area: waste", "service_area: bins")
    )
    (folder / "en" / "waste" / "missed-bin.md").write_text(bad_area)
    with pytest.raises(ImportFailed) as caught:
        transfer.import_folder(session, folder, actor=IMPORTER)
    problems = dict(caught.value.problems)
    assert "not valid YAML" in problems["en/waste/broken.md"]
    assert problems["en/waste/missed-bin.md"].startswith("service_area:")
    session.rollback()
    assert session.scalar(select(func.count(Article.id))) == 0


def test_a_failure_while_writing_rolls_everything_back(session, tmp_path, monkeypatch):
    calls = {"n": 0}
    original = transfer._import_one

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("disk on fire")
        return original(*args, **kwargs)

    monkeypatch.setattr(transfer, "_import_one", flaky)
    with pytest.raises(RuntimeError):
        transfer.import_folder(session, CONTENT, actor=IMPORTER)
    session.rollback()
    assert session.scalar(select(func.count(Article.id))) == 0


def test_cli_import_export_and_errors(database, tmp_path, monkeypatch):
    from frontdoor.cli import app, register_component_groups

    monkeypatch.setenv("FRONTDOOR_DATABASE_URL", database.url)
    monkeypatch.setenv("FRONTDOOR_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("FRONTDOOR_KNOWLEDGE_EMBEDDER", "hashing")
    register_component_groups()
    runner = CliRunner()
    bad = tmp_path / "bad"
    (bad / "en" / "waste").mkdir(parents=True)
    (bad / "en" / "waste" / "x.md").write_text("no front matter\n")
    failed = runner.invoke(app, ["knowledge", "import", str(bad)])
    assert failed.exit_code == 1
    assert "en/waste/x.md: the file must start with a '---' line" in failed.output
    imported = runner.invoke(app, ["knowledge", "import", str(CONTENT)])
    assert imported.exit_code == 0, imported.output
    exported = runner.invoke(app, ["knowledge", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert article_files(tmp_path / "out") == article_files(CONTENT)
    reindexed = runner.invoke(app, ["knowledge", "reindex"])
    assert reindexed.exit_code == 0, reindexed.output
    assert "indexed" in reindexed.output and (tmp_path / "var" / "search").is_dir()
