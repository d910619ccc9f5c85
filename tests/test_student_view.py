"""``autograd-course open``: the student view it writes and the JupyterLab it starts.

README's first command runs it for real (tests/test_readme.py); these check what it promises about the
learner's files, and that it switches off the same instructor tools as Binder."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import pytest

pytest.importorskip("nbgrader")

from autograd_course import student_view  # noqa: E402
from autograd_course.cli import main  # noqa: E402
from autograd_course.release import RELEASE_MARK, ROOT, ReleaseError  # noqa: E402


@pytest.fixture(scope="module")
def view(tmp_path_factory):
    dest = tmp_path_factory.mktemp("open") / "student"
    added, kept = student_view.prepare(dest)
    return dest, added, kept


def test_the_view_holds_lessons_and_released_exercises_only(view):
    dest, added, kept = view
    assert kept == 0 and (dest / RELEASE_MARK).is_file() and (dest / student_view.FIRST_LESSON).is_file()
    assert sorted(p.name for p in (dest / "exercises").iterdir()) == sorted(
        p.name for p in (ROOT / "exercises" / "source").iterdir() if p.is_dir())
    assert not (dest / "autograd_course").exists() and not (dest / "exercises" / "hidden").exists()
    for notebook in (dest / "exercises").rglob("*.ipynb"):
        text = notebook.read_text(encoding="utf-8")
        assert "BEGIN SOLUTION" not in text and "raise NotImplementedError()" in text, notebook


def test_opening_again_keeps_the_learners_files_and_adds_new_ones(view, tmp_path):
    fresh, added, _ = view
    dest = tmp_path / "student"
    shutil.copytree(fresh, dest)
    work = next((dest / "exercises" / "ex01_scalar_engine").glob("*.ipynb"))
    work.write_text(work.read_text(encoding="utf-8").replace("raise NotImplementedError()", "return 42"),
                    encoding="utf-8")
    mine = dest / "course" / "my_notes.ipynb"
    mine.write_text("{}", encoding="utf-8")
    (dest / "course" / "01_derivatives_three_ways.ipynb").unlink()     # as if lesson 01 were new

    again, kept = student_view.prepare(dest)
    assert again == ["course/01_derivatives_three_ways.ipynb"] and kept == len(added) - 1
    assert "return 42" in work.read_text(encoding="utf-8") and mine.read_text() == "{}"


def test_a_folder_it_did_not_write_is_refused(tmp_path, capsys):
    other = tmp_path / "notes"
    other.mkdir()
    (other / "thesis.tex").write_text("mine")
    with pytest.raises(ReleaseError, match="did not write"):
        student_view.prepare(other)
    assert [p.name for p in other.iterdir()] == ["thesis.tex"]
    assert main(["open", "--dir", str(other)]) == 2
    assert "autograd-course open:" in capsys.readouterr().err


def test_only_open_takes_options_for_jupyterlab(capsys):
    with pytest.raises(SystemExit):
        main(["release", str(ROOT / "build" / "x"), "--no-browser"])
    assert "unrecognized arguments: --no-browser" in capsys.readouterr().err


def test_jupyterlab_serves_the_view_at_lesson_00_without_instructor_tools(view, tmp_path):
    dest = view[0]
    argv, env = student_view.jupyter_lab_command(dest, ["--no-browser"])
    assert argv[:3] == [sys.executable, "-m", "jupyterlab"] and argv[-1] == "--no-browser"
    assert f"--ServerApp.root_dir={dest}" in argv and str(dest / student_view.FIRST_LESSON) in argv
    assert f"--LabApp.default_url=/lab/tree/{student_view.FIRST_LESSON}" in argv    # the printed link
    config = Path(env["JUPYTER_CONFIG_PATH"].split(":")[0])
    disabled = json.loads((config / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    server = json.loads((config / "jupyter_server_config.json").read_text())["ServerApp"]["jpserver_extensions"]
    # the same instructor tools as Binder's postBuild switches off
    post_build = (ROOT / "binder" / "postBuild").read_text()
    plugins = re.search(r"for plugin in ([\w -]+); do", post_build).group(1).split()
    extensions = re.search(r"for extension in ([\w -]+); do", post_build).group(1).split()
    assert {k for k, v in disabled.items() if v} == {f"@jupyter/nbgrader:{p}" for p in plugins}
    assert {k for k, v in server.items() if not v} == {f"nbgrader.server_extensions.{e}" for e in extensions}
    assert env["PATH"].split(":")[0] == str(Path(sys.executable).parent)
