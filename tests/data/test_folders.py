"""Output folders (issue 11): --force replaces only cxqueue's own folders, concurrent runs
are refused, a killed run's leftovers are cleaned, a failed run leaves nothing behind."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from cxqueue.data.folders import MARKER, OutputFolder
from cxqueue.exceptions import ConfigError


def write(folder, *, force=False, files=("a.csv",)):
    with OutputFolder(folder, force=force) as out, out.writing() as tmp:
        for name in files:
            (tmp / name).write_text(name)
    return folder


def test_a_new_folder_is_written_whole_with_its_marker(tmp_path):
    write(tmp_path / "plan", files=("a.csv", "b.csv"))
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [MARKER, "a.csv", "b.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]  # no lock or temporary folder left


def test_force_replaces_a_folder_cxqueue_wrote(tmp_path):
    write(tmp_path / "plan", files=("old.csv",))
    write(tmp_path / "plan", force=True, files=("new.csv",))
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [MARKER, "new.csv"]


@pytest.mark.parametrize("force", [False, True])
def test_a_foreign_folder_is_never_replaced(tmp_path, force):
    foreign = tmp_path / "photos"
    (foreign / "2025").mkdir(parents=True)
    (foreign / "2025" / "beach.jpg").write_bytes(b"\xff\xd8 holiday")
    rule = "was not written by cxqueue" if force else "exists; pass --force to replace it"
    with pytest.raises(ConfigError, match=rule) as e:
        write(foreign, force=force)
    assert str(foreign) in str(e.value)
    assert (foreign / "2025" / "beach.jpg").read_bytes() == b"\xff\xd8 holiday"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["photos"]


def test_a_file_at_the_path_is_refused(tmp_path):
    (tmp_path / "plan").write_text("notes")
    with pytest.raises(ConfigError, match="exists and is not a folder"):
        write(tmp_path / "plan", force=True)
    assert (tmp_path / "plan").read_text() == "notes"


@pytest.mark.parametrize("where", [".", "..", "cwd", "parent"])
def test_the_working_folder_and_its_parents_are_refused(tmp_path, monkeypatch, where):
    work = tmp_path / "work"
    work.mkdir()
    (work / "keep.txt").write_text("x")
    (work / MARKER).write_text("{}")  # even a folder that looks like cxqueue's
    monkeypatch.chdir(work)
    path = {"cwd": work, "parent": tmp_path}.get(where, where)
    with pytest.raises(ConfigError, match="output folder"):
        write(path, force=True)
    assert (work / "keep.txt").read_text() == "x"


def test_a_failed_write_leaves_the_old_folder_and_no_temporary(tmp_path):
    write(tmp_path / "plan", files=("old.csv",))
    with pytest.raises(RuntimeError, match="boom"):
        with OutputFolder(tmp_path / "plan", force=True) as out, out.writing() as tmp:
            (tmp / "half.csv").write_text("x")
            raise RuntimeError("boom")
    assert sorted(p.name for p in (tmp_path / "plan").iterdir()) == [MARKER, "old.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_second_run_to_the_same_folder_is_refused_while_the_first_holds_it(tmp_path):
    first = OutputFolder(tmp_path / "plan").claim()
    try:
        with pytest.raises(ConfigError, match="being written by another cxqueue run"):
            OutputFolder(tmp_path / "plan").claim()
        with pytest.raises(ConfigError, match="being written by another cxqueue run"):
            OutputFolder(tmp_path / "plan", force=True).claim()
    finally:
        first.release()
    write(tmp_path / "plan")  # free again once released


def test_the_lock_dies_with_a_killed_process_and_its_leftovers_are_cleaned(tmp_path):
    # a child claims the folder, starts writing and is killed with SIGKILL mid-way
    code = textwrap.dedent(
        f"""
        import os, signal
        from cxqueue.data.folders import OutputFolder
        out = OutputFolder({str(tmp_path / "plan")!r}).claim()
        with out.writing() as tmp:
            (tmp / "half.csv").write_text("x")
            os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert r.returncode == -9, r.stderr
    left = sorted(p.name for p in tmp_path.iterdir())
    assert any(n.startswith(".plan.tmp-") for n in left) and ".plan.lock" in left
    write(tmp_path / "plan")  # the kernel released the lock: the next run goes ahead and cleans up
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan"]


def test_a_hidden_folder_that_is_not_cxqueues_is_not_cleaned(tmp_path):
    own = tmp_path / ".plan.tmp-mine"
    own.mkdir()
    (own / "data.txt").write_text("keep")
    write(tmp_path / "plan")
    assert (own / "data.txt").read_text() == "keep"


def test_two_concurrent_plans_to_one_new_folder_one_wins_the_other_is_refused(tmp_path):
    # both claim first (as run_plan does before its work), then write: the second never
    # replaces the first one's folder
    results = []
    for _ in range(2):
        try:
            results.append(OutputFolder(tmp_path / "plan").claim())
        except ConfigError as e:
            results.append(e)
    assert isinstance(results[0], OutputFolder) and isinstance(results[1], ConfigError)
    with results[0] as out, out.writing() as tmp:
        (tmp / "first.csv").write_text("1")
    with pytest.raises(ConfigError, match="exists; pass --force"):
        write(tmp_path / "plan")
    assert (tmp_path / "plan" / "first.csv").read_text() == "1"
