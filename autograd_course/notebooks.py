"""Reading nbgrader notebooks and assembling the code that one submission runs.

A notebook is plain JSON, read here without running anything::

    cells = assemble(read_notebook("source/pilot1/pilot1.ipynb"), read_notebook("alice.ipynb"))
    [(c.label, c.code[:20]) for c in cells]    # setup cells from the source, solutions from alice

Submissions are untrusted files: they are read with a size cap, parsed with ``json`` only, and only the
code of their solution cells is used, looked up by the ``grade_id`` the *source* notebook gives.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

# A notebook larger than this is not a plausible submission (solutions are a few kB of code).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
# Nor is a cell longer than this; the child gets a one-line error instead (all cells go in one 1 MB message).
MAX_CELL_CHARS = 100_000
TOO_LARGE = "raise SyntaxError('this cell is longer than the grader accepts')\n"


class NotebookError(Exception):
    """A notebook that cannot be read (missing, too large, not JSON, not a notebook)."""


@dataclass(frozen=True)
class Cell:
    """One notebook cell with the nbgrader metadata the grader needs."""

    kind: str  # "code", "markdown" or "raw"
    source: str
    grade_id: str | None = None
    solution: bool = False  # the student writes this cell
    grade: bool = False  # the cell carries points
    points: float = 0.0

    @property
    def is_autograder_test(self) -> bool:
        """An autograded test cell: graded, not written by the student. It may hold hidden tests."""
        return self.grade and not self.solution


@dataclass(frozen=True)
class CodeToRun:
    """A cell as the child runs it: a label for error reports and plain Python code."""

    label: str
    code: str


def read_notebook(path: str | Path) -> list[Cell]:
    """Return the cells of the notebook at ``path``; raise NotebookError if it is not a readable one."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as e:
        raise NotebookError(f"cannot read {path.name}: {e.strerror}") from None
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise NotebookError(f"{path.name} is larger than {MAX_NOTEBOOK_BYTES // 2**20} MB")
    try:
        nb = json.loads(data)
    except (ValueError, RecursionError):
        raise NotebookError(f"{path.name} is not a JSON notebook") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise NotebookError(f"{path.name} has no list of cells")
    return cells_of(nb)


def cells_of(nb: dict) -> list[Cell]:
    """The cells of a notebook already parsed from JSON."""
    return [_cell(raw) for raw in nb.get("cells", []) if isinstance(raw, dict)]


def _cell(raw: dict) -> Cell:
    source = raw.get("source", "")
    if isinstance(source, list):
        source = "".join(s for s in source if isinstance(s, str))
    elif not isinstance(source, str):
        source = ""
    meta = raw.get("metadata")
    nbg = meta.get("nbgrader") if isinstance(meta, dict) else None
    if not isinstance(nbg, dict):
        nbg = {}
    grade_id = nbg.get("grade_id")
    points = nbg.get("points", 0)
    return Cell(
        kind=str(raw.get("cell_type", "")),
        source=source,
        grade_id=grade_id if isinstance(grade_id, str) else None,
        solution=nbg.get("solution") is True,
        grade=nbg.get("grade") is True,
        points=float(points) if isinstance(points, (int, float)) and not isinstance(points, bool) else 0.0,
    )


def solution_cells(cells: list[Cell]) -> dict[str, Cell]:
    """The code cells marked as solutions, by grade_id (the first one wins if a student duplicated one)."""
    found: dict[str, Cell] = {}
    for cell in cells:
        if cell.kind == "code" and cell.solution and cell.grade_id and cell.grade_id not in found:
            found[cell.grade_id] = cell
    return found


def autograder_cells(cells: list[Cell]) -> dict[str, Cell]:
    """The autograded test cells, by grade_id: where an nbgrader gradebook keeps the scores."""
    return {c.grade_id: c for c in cells if c.kind == "code" and c.is_autograder_test and c.grade_id}


def assemble(source: list[Cell], submission: list[Cell] | None) -> list[CodeToRun]:
    """The code the child runs: the source's code cells, minus autograder test cells, with every
    solution cell replaced by the submission's cell of the same grade_id (blank if it has none).

    ``submission=None`` (an unreadable notebook) leaves every solution cell blank.
    """
    answers = solution_cells(submission or [])
    program = []
    for index, cell in enumerate(source, start=1):
        if cell.kind != "code" or cell.is_autograder_test:
            continue
        if cell.solution:
            answer = answers.get(cell.grade_id or "")
            code = answer.source if answer is not None else ""
        else:
            code = cell.source
        code = to_python(code) if len(code) <= MAX_CELL_CHARS else TOO_LARGE
        program.append(CodeToRun(label=cell.grade_id or f"cell {index}", code=code))
    return program


_transformer = None
_IPYTHON_LINE = re.compile(r"^\s*(%|!)")


def to_python(code: str) -> str:
    """Turn IPython syntax (``%magic``, ``%%cell_magic``, ``!cmd``, ``x?``) into plain Python.

    With IPython installed, its own TransformerManager does it (``%time f()`` becomes
    ``get_ipython().run_line_magic('time', 'f()')``); the child defines a ``get_ipython`` that ignores
    magics. Without IPython, such lines are dropped (a ``%%`` cell magic drops the whole cell).
    """
    global _transformer
    if "%" not in code and "!" not in code and "?" not in code:
        return code  # fast path: nothing IPython-specific can be in it
    if _transformer is None:
        try:
            from IPython.core.inputtransformer2 import TransformerManager
        except Exception:  # IPython missing or broken: use the plain rule below
            _transformer = False
        else:
            _transformer = TransformerManager()
    if _transformer:
        try:
            return _transformer.transform_cell(code)
        except Exception:
            pass  # an odd cell: the plain rule below, and the child reports any syntax error
    if code.lstrip().startswith("%%"):
        return ""
    return "\n".join(line for line in code.splitlines() if not _IPYTHON_LINE.match(line)) + "\n"
