"""The learner's journey, end to end, as the people involved would do it.

1. The instructor releases the course: ``autograd-course release OUT --assignment ex01_scalar_engine
   --github ...`` (the console script).
2. The learner opens the released exercise in JupyterLab (the Binder environment, in headless Chromium),
   types the solution into the answer cells, saves, and presses nbgrader's Validate button: it says the
   notebook passes.
3. The learner hands in the notebook: *File > Download*, as on Binder; the instructor puts the file in
   nbgrader's layout, ``submitted/<student>/<assignment>/<notebook>.ipynb``.
4. The instructor grades it: ``autograd-course grade ex01_scalar_engine submitted/ --out grades``; full
   marks, and the results file names every part with its points, the feedback a student gets back.

The solution typed in is the instructor's, from tests/submissions/ex01_scalar_engine/solution.ipynb.
Screenshots go where test_browser.py puts its own ($AUTOGRAD_COURSE_ARTIFACTS, or
<temp dir>/autograd-course-artifacts), named ``journey-*.png``.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["binder_env"]
pytest.register_assert_rewrite("binder_env")

from binder_env import PILOT, artifacts_dir, open_notebook, validate  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "tests" / "submissions" / PILOT / "solution.ipynb"


def answer_cells(path: Path) -> dict[str, tuple[int, str]]:
    """grade_id -> (cell index, source) of a notebook's answer cells."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    found = {}
    for index, cell in enumerate(cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("solution") and cell["cell_type"] == "code":
            source = cell["source"]
            found[meta["grade_id"]] = (index, "".join(source) if isinstance(source, list) else source)
    return found


def console_script(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def test_release_open_solve_validate_hand_in_grade(jupyterlab, page, tmp_path):
    shots = artifacts_dir()
    # 1. release
    out = jupyterlab.root / "journey"
    done = subprocess.run([console_script("autograd-course"), "release", str(out), "--assignment", PILOT,
                           "--github", "my-org/autograd-student"], capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    assert "student release written to" in done.stdout
    (released,) = (out / "exercises" / PILOT).glob("*.ipynb")

    # 2. open, write the answers, save, validate
    solution = answer_cells(SOLUTION)
    stubs = answer_cells(released)
    assert stubs.keys() == solution.keys() and stubs
    open_notebook(page, jupyterlab, f"journey/exercises/{PILOT}/{released.name}")
    cells = page.locator(".jp-Notebook .jp-Cell")
    for grade_id, (index, _) in stubs.items():
        cell = cells.nth(index)
        cell.scroll_into_view_if_needed()
        assert "YOUR CODE HERE" in cell.locator(".cm-content").text_content(), grade_id
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(solution[grade_id][1])
        page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')", timeout=30_000)
    saved = answer_cells(released)
    for grade_id, (_, source) in solution.items():
        assert saved[grade_id][1].strip() == source.strip(), f"the browser did not write {grade_id} as typed"

    dialog = validate(page)
    dialog.screenshot(path=str(shots / "journey-validate-solution.png"))
    assert "Success! Your notebook passes all the tests." in dialog.inner_text(), dialog.inner_text()
    dialog.locator("button", has_text="Ok").first.click()

    # 3. hand in: File > Download, into nbgrader's layout
    page.locator(".lm-MenuBar-itemLabel", has_text="File").first.click()
    with page.expect_download() as download:
        page.locator('.lm-Menu-item[data-command="docmanager:download"]').click()
    handed_in = tmp_path / "submitted" / "alice" / PILOT / released.name
    handed_in.parent.mkdir(parents=True)
    download.value.save_as(handed_in)
    assert answer_cells(handed_in).keys() == solution.keys()

    # 4. grade
    grades = tmp_path / "grades"
    done = subprocess.run([console_script("autograd-course"), "grade", PILOT, str(tmp_path / "submitted"),
                           "--out", str(grades), "--course-dir", str(ROOT / "exercises"), "--seed", "8"],
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "graded 1 submission(s) of ex01_scalar_engine" in done.stdout
    result = json.loads((grades / "alice.json").read_text(encoding="utf-8"))
    total = sum(test["max_score"] for test in result["tests"])
    assert total == 20 and result["score"] == total, result
    assert result["extra_data"]["status"] == "graded"
    for test in result["tests"]:       # the feedback: every part by name, with its points, nothing failed
        assert test["name"] and test["score"] == test["max_score"], test
    assert any(test["name"].startswith("Part 5") for test in result["tests"])
    (row,) = list(csv.DictReader((grades / "grades.csv").open()))
    assert (row["student"], float(row["score"]), float(row["max_score"])) == ("alice", 20.0, 20.0)
