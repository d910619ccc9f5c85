"""Make the realistic submissions the exercise tests grade, from the source notebooks.

    python tests/submissions/make_submissions.py            # rewrite tests/submissions/<assignment>/
    python tests/submissions/make_submissions.py --check    # exit 1 if a committed file is out of date
    python tests/submissions/make_submissions.py ASSIGNMENT # only that assignment's submissions

Every submission is what a student hands in: the released notebook (solutions replaced by nbgrader's stub,
hidden test regions removed), with the solution cells filled in one way or another:

- ``solution``: the source's own solution (full marks);
- ``blank``: the release as it stands, nothing written (zero);
- one file per realistic mistake in ``VARIANTS`` of ``variants/<assignment>.py``: the source's solution with a small edit, and the score
  per autograded cell we expect the hidden suite to give it. Each edit must match the source exactly once,
  so a change to a source notebook that breaks a variant stops this script instead of going unnoticed.

``<assignment>/expected.json`` records the expected scores; tests/test_exercises.py grades every submission with
``autograd_course.grading`` and compares.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = ROOT / "exercises" / "source"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]

# Per assignment, variants/<assignment>.py holds FULL, the points of every autograded cell as the source
# notebook gives them (checked against the notebook), and VARIANTS: name -> what the student got wrong
# (mistake), the edits (solution cell grade_id, old text, new text), and the points per autograded cell we
# expect (cells not named get full points).


def _variants(assignment: str):
    path = HERE / "variants" / f"{assignment}.py"
    if not path.is_file():
        raise SystemExit(f"{assignment}: no realistic submissions yet; write tests/submissions/variants/"
                         f"{assignment}.py (FULL and VARIANTS, as the other assignments' files do)")
    spec = importlib.util.spec_from_file_location(f"variants_{assignment}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FULL, module.VARIANTS


def assignments() -> list[str]:
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir())


def _source_notebook(assignment: str) -> Path:
    (path,) = sorted((SOURCE / assignment).glob("*.ipynb"))
    return path


def _text(cell) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _nbgrader(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _replace_regions(text: str, begin: str, end: str, stub: list[str] | None) -> str:
    """Replace each begin..end region by stub (indented like the marker), or drop it (stub None)."""
    out, inside = [], False
    for line in text.split("\n"):
        if begin in line:
            inside = True
            if stub is not None:
                indent = line[: len(line) - len(line.lstrip())]
                out += [indent + s for s in stub]
        elif end in line:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out)


def _keep_solutions(text: str) -> str:
    return "\n".join(line for line in text.split("\n") if BEGIN_SOLUTION not in line and END_SOLUTION not in line)


def _as_submission(nb: dict, solution_text) -> dict:
    """The released notebook with every solution cell's text given by solution_text(grade_id, source)."""
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        meta = _nbgrader(cell)
        if cell["cell_type"] == "code":
            cell["outputs"], cell["execution_count"] = [], None
        if meta.get("solution"):
            cell["source"] = solution_text(meta["grade_id"], _text(cell))
        elif meta.get("grade"):
            cell["source"] = _replace_regions(_text(cell), BEGIN_HIDDEN, END_HIDDEN, None)
    return nb


def build(assignment: str) -> dict[str, str]:
    """Every submission of one assignment, as {file name: notebook JSON text}."""
    path = _source_notebook(assignment)
    nb = json.loads(path.read_text(encoding="utf-8"))
    points = {_nbgrader(c)["grade_id"]: _nbgrader(c)["points"] for c in nb["cells"]
              if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution") and _nbgrader(c)["points"]}
    full, variants = _variants(assignment)
    if points != full:
        raise SystemExit(f"{path.name}: the autograded cells and points changed ({points}); update FULL in "
                         f"tests/submissions/variants/{assignment}.py")

    files = {
        "solution.ipynb": _as_submission(nb, lambda gid, src: _keep_solutions(src)),
        "blank.ipynb": _as_submission(nb, lambda gid, src: _replace_regions(src, BEGIN_SOLUTION, END_SOLUTION, STUB)),
    }
    for name, variant in variants.items():
        edits = variant["edits"]

        def edited(gid, src, edits=edits, name=name):
            src = _keep_solutions(src)
            for cell_id, old, new in edits:
                if cell_id == gid:
                    if src.count(old) != 1:
                        raise SystemExit(f"{assignment}/{name}: the edit for cell {gid!r} no longer matches "
                                         f"the source exactly once")
                    src = src.replace(old, new)
            return src

        files[f"{name}.ipynb"] = _as_submission(nb, edited)
        unknown = {gid for gid, _, _ in edits} - {_nbgrader(c).get("grade_id") for c in nb["cells"]}
        if unknown:
            raise SystemExit(f"{assignment}/{name}: edits name unknown cells {sorted(unknown)}")
    return {name: json.dumps(content, indent=1, ensure_ascii=False) + "\n" for name, content in files.items()}


def expected_scores(assignment: str) -> dict:
    """{submission: {"total", "max", "cells": {cell: points}, "mistake"}} for one assignment."""
    full, variants = _variants(assignment)
    entries = {"solution": {"mistake": "", "cells": dict(full)},
               "blank": {"mistake": "nothing written", "cells": {cell: 0 for cell in full}}}
    for name, variant in variants.items():
        cells = dict(full)
        cells.update(variant["expected"])
        entries[name] = {"mistake": variant["mistake"], "cells": cells}
    for entry in entries.values():
        entry["total"] = sum(entry["cells"].values())
        entry["max"] = sum(full.values())
    return entries


def all_files(selected: list[str] | None = None) -> dict[Path, str]:
    files = {}
    for assignment in selected or assignments():
        for name, text in build(assignment).items():
            files[HERE / assignment / name] = text
        files[HERE / assignment / "expected.json"] = json.dumps(expected_scores(assignment), indent=2) + "\n"
    return files


def main(argv: list[str]) -> int:
    """Arguments: --check, and optionally the assignments to make (default: all of exercises/source/)."""
    files = all_files([a for a in argv if not a.startswith("-")])
    if "--check" in argv:
        stale = [str(p.relative_to(ROOT)) for p, text in files.items()
                 if not p.is_file() or p.read_text(encoding="utf-8") != text]
        for p in stale:
            print("out of date:", p)
        return 1 if stale else 0
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print("wrote", path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
