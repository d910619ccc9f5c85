"""Helpers for the grader's tests: the toy course, submissions made from a source notebook, snapshots.

    nb = make_submission(tmp_path / "alice.ipynb", {"square": "def square(x):\\n    return x + x"})
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOY_COURSE = HERE / "course"
TOY_NOTEBOOK = TOY_COURSE / "source" / "toy" / "toy.ipynb"
TOY_MAX = 7.0

SOLUTION_REGION = re.compile(r"^([ \t]*)### BEGIN SOLUTION.*?### END SOLUTION[^\n]*", re.S | re.M)


def blank(code: str) -> str:
    """What nbgrader's release leaves of a solution cell: the region replaced by a stub."""
    return SOLUTION_REGION.sub(lambda m: f"{m.group(1)}# YOUR CODE HERE\n{m.group(1)}raise NotImplementedError()", code)


def _solution_ids(nb: dict) -> list[str]:
    return [c["metadata"]["nbgrader"]["grade_id"] for c in nb["cells"]
            if c.get("metadata", {}).get("nbgrader", {}).get("solution")]


def solution_ids(source: Path = TOY_NOTEBOOK) -> list[str]:
    return _solution_ids(json.loads(Path(source).read_text()))


def make_submission(path: Path, answers: dict[str, str] | None = None, *, source: Path = TOY_NOTEBOOK,
                    blank_others: bool = False, prepend: str = "") -> Path:
    """Write a submission: the source notebook with solution cells replaced by ``answers`` (by grade_id).

    ``blank_others``: the other solution cells are left as the release has them (a stub raising
    NotImplementedError). ``prepend``: code put before the first solution cell's code.
    """
    nb = json.loads(Path(source).read_text())
    answers = answers or {}
    first = True
    for cell in nb["cells"]:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if not meta.get("solution"):
            continue
        code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if meta["grade_id"] in answers:
            code = answers[meta["grade_id"]]
        elif blank_others:
            code = blank(code)
        if first and prepend:
            code = prepend + "\n" + code
        first = False
        cell["source"] = code
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(nb, indent=1))
    return path


def release_version(path: Path, source: Path = TOY_NOTEBOOK) -> Path:
    """The blank release of ``source``: every solution region replaced by the stub."""
    return make_submission(path, source=source, blank_others=True)


def copy_course(destination: Path, source: Path = TOY_COURSE) -> Path:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__"))
    return destination


def snapshot(*roots: Path) -> dict[str, tuple[str, int]]:
    """Every file under ``roots`` with its SHA-256 and mtime, to prove nothing changed."""
    found = {}
    for root in roots:
        for path in sorted(Path(root).rglob("*")):
            if path.is_file():
                found[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
            elif path.is_dir():
                found[str(path) + "/"] = ("dir", 0)
    return found


def load_results(out_dir: Path) -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in Path(out_dir).glob("*.json")}
