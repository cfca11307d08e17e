"""The README's tour runs as written (issue 12, acceptance 5).

The commands of the tour's bash block run one after the other in a shell, from a folder
laid out like the repository (``configs`` beside it, ``../shared/data`` above it), with
the installed ``cxqueue``. The README's numbered list says what each prints: every phrase
quoted there as `"..."` must appear in that command's output, and its exit code is the one
the item states ("exits 3"), else 0. The claims are read from the README itself, so the
text and the behaviour cannot drift apart.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import pytest

from tests.conftest import REPO

README = (REPO / "README.md").read_text()


def tour() -> tuple[list[str], list[str]]:
    """The tour's commands (after its ``export`` line) and the numbered claims about them."""
    part = README[README.index("## A short tour") :]
    block = re.search(r"```bash\n(.*?)```", part, re.S).group(1)
    lines = [ln for ln in block.splitlines() if ln.strip()]
    assert lines[0] == "export CXQUEUE_DATA=../shared/data"
    commands = lines[1:]
    listing = part[part.index("What each prints") : part.index("Every command exits 0 unless said")]
    items = re.split(r"\n(?=\d+\. )", listing.strip())[1:]
    return commands, [" ".join(item.split()) for item in items]


def test_the_tour_and_its_claims_line_up():
    commands, claims = tour()
    assert len(commands) == len(claims) == 12
    for n, (cmd, claim) in enumerate(zip(commands, claims, strict=True), start=1):
        assert claim.startswith(f"{n}. "), claim
        assert cmd.startswith("cxqueue "), cmd
        assert re.findall(r'`"(.+?)"`', claim), f"claim {n} quotes nothing to check: {claim}"


@pytest.fixture(scope="module")
def ran(data_dir, tmp_path_factory):
    """Each command's exit code and output (stdout and stderr), run as the README writes it."""
    if shutil.which("cxqueue") is None:
        pytest.fail("the cxqueue command is not installed (python3 -m pip install -e .)")
    root = tmp_path_factory.mktemp("tour")
    (root / "shared").mkdir()
    (root / "shared" / "data").symlink_to(data_dir)
    work = root / "repo"
    work.mkdir()
    (work / "configs").symlink_to(REPO / "configs")
    env = {k: v for k, v in os.environ.items() if k not in ("CXQUEUE_DATA", "MPLBACKEND")}
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    commands, _ = tour()
    out = []
    for cmd in commands:
        p = subprocess.run(
            ["bash", "-c", f"export CXQUEUE_DATA=../shared/data\n{cmd}"],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        out.append((p.returncode, p.stdout + p.stderr))
    return out


@pytest.mark.parametrize("n", range(1, 13))
def test_each_command_prints_what_the_readme_says(ran, n):
    commands, claims = tour()
    claim = claims[n - 1]
    code, output = ran[n - 1]
    assert "Traceback" not in output, output
    said = re.search(r"exits (\d)", claim)
    assert code == (int(said.group(1)) if said else 0), f"{commands[n - 1]}\n{output}"
    flat = " ".join(output.split())
    for phrase in re.findall(r'`"(.+?)"`', claim):
        assert phrase in flat, f"{commands[n - 1]}: {phrase!r} not in its output:\n{output}"
