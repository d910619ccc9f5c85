"""Reading nbgrader notebooks and assembling the code that one submission runs.

A notebook is plain JSON, read here without running anything::

    cells = assemble(read_notebook("source/ex01_scalar_engine/scalar_engine.ipynb"), read_notebook("alice.ipynb"))
    [(c.label, c.code[:20]) for c in cells]    # setup cells from the source, solutions from alice

Submissions are untrusted files: only a regular file is read (never through a link), with a size cap,
parsed with ``json`` only, and only the code of their solution cells is used, looked up by the ``grade_id``
the *source* notebook gives. Turning IPython syntax into Python is a linear pass over the lines: the trusted
process does nothing on student input whose time it cannot bound.
"""

from __future__ import annotations

import json
import os
import re
import stat
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
    """Return the cells of the notebook at ``path``; raise NotebookError if it is not a readable one.

    ``path`` must be a regular file itself: a link (to a solution, say) or a device is refused."""
    path = Path(path)
    try:
        # O_NOFOLLOW: a link is refused at the moment of opening, not only when looked at before.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        if os.path.islink(path):
            raise NotebookError(f"{path.name} is a link, not a notebook: hand in the notebook file itself") from None
        raise NotebookError(f"cannot read {path.name}: {e.strerror}") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotebookError(f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb") as f:
            fd = -1
            data = f.read(MAX_NOTEBOOK_BYTES + 1)
    except OSError as e:
        raise NotebookError(f"cannot read {path.name}: {e.strerror}") from None
    finally:
        if fd >= 0:
            os.close(fd)
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


def missing_answers(source: list[Cell], submission: list[Cell]) -> list[str]:
    """The grade_ids of the source's answer cells that the submission does not have (deleted, or their
    id changed by copying the cell into another notebook)."""
    answers = solution_cells(submission)
    return [cell.grade_id for cell in source
            if cell.kind == "code" and cell.solution and cell.grade_id and cell.grade_id not in answers]


def code_outside_answers(source: list[Cell], submission: list[Cell]) -> int:
    """How many code cells the student wrote outside the answer cells: cells of the submission that are
    neither nbgrader cells of the source nor copies of the source's own plain cells. The grader never runs
    them (it runs the answer cells within the source notebook's cells)."""
    known_ids = {cell.grade_id for cell in source if cell.grade_id}
    plain = {cell.source.strip() for cell in source if cell.kind == "code" and not cell.grade_id}
    return sum(1 for cell in submission
               if cell.kind == "code" and cell.source.strip() and not cell.solution
               and (cell.grade_id not in known_ids if cell.grade_id else cell.source.strip() not in plain))


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


# A line that is IPython, not Python: a magic (%time f()), a shell command (!ls), a help request (x?, x??).
_IPYTHON_LINE = re.compile(r"(?P<indent>[ \t]*)(?:[%!]|[\w.]+\?\??[ \t]*$)")


def to_python(code: str) -> str:
    """Turn IPython syntax into plain Python: such lines become ``pass`` (so that a block around them stays
    a block), and a ``%%`` cell magic empties its cell. Magics do nothing when grading anyway.

        >>> to_python("for i in range(3):\n    %time f(i)\nx = 1\n")
        'for i in range(3):\n    pass\nx = 1\n'

    One pass over the lines, each matched by a regular expression without backtracking, in the trusted
    process (IPython's own transformer took minutes on one crafted cell).
    """
    if "%" not in code and "!" not in code and "?" not in code:
        return code  # fast path: nothing IPython-specific can be in it
    if code.lstrip().startswith("%%"):
        return ""
    lines = []
    for line in code.splitlines():
        match = _IPYTHON_LINE.match(line)
        lines.append(match.group("indent") + "pass" if match else line)
    return "\n".join(lines) + "\n"


# --- Code the grader will not see ------------------------------------------------------------------------
# The grader runs the answer cells within the notebook's own cells, never a cell the student added. An
# answer that calls a helper defined in an added cell works in the notebook and fails when graded. The two
# functions below find such helpers from the notebook alone, so that the check can run where the student
# works: in the notebook's last cell, which nbgrader's Validate runs too.

def _scope_names(code: str) -> tuple[set[str], set[str]]:
    """(names the code binds at its top level, names it reads from the global scope), by Python's own
    scope analysis (``symtable``): a function's parameters and locals are not global reads."""
    import symtable

    try:
        table = symtable.symtable(code, "<cell>", "exec")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return set(), set()
    bound = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    reads = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    pending = list(table.get_children())
    while pending:
        scope = pending.pop()
        pending.extend(scope.get_children())
        reads |= {s.get_name() for s in scope.get_symbols() if s.is_referenced() and s.is_global()}
    return bound, reads


def names_defined_outside_answers(cells: list[Cell]) -> dict[str, str]:
    """The names the answer cells read that only code cells the student added define, each with the first
    line of the cell that defines it. nbgrader's cells (answers, given code, tests) all carry a grade_id; an
    added cell has none.

        >>> names_defined_outside_answers([Cell("code", "def helper(x):\\n    return x"),
        ...                                Cell("code", "def f(x):\\n    return helper(x)", "f", solution=True)])
        {'helper': 'def helper(x):'}
    """
    inside_bound: set[str] = set()
    inside_reads: set[str] = set()
    outside: dict[str, str] = {}
    for cell in cells:
        if cell.kind != "code" or not cell.source.strip():
            continue
        bound, reads = _scope_names(to_python(cell.source))
        if cell.grade_id is None:
            first_line = next(line for line in cell.source.splitlines() if line.strip()).strip()
            for name in bound:
                outside.setdefault(name, first_line)
        else:
            inside_bound |= bound
            if cell.solution:
                inside_reads |= reads
    return {name: outside[name] for name in sorted(inside_reads - inside_bound) if name in outside}


# The last code cell of every exercise: the same check, written out so that it runs in a student's
# environment, which has the engine but not this package. tests/test_exercises.py keeps the cells equal to
# stand_alone_check(...) and checks that the cell and names_defined_outside_answers agree.
_STAND_ALONE_CHECK = """\
# The grader runs your answer cells and nothing else. This check reads the notebook as last saved and names
# anything your answers use that only a cell you added defines (Validate runs it too).
import json
import symtable


def names_defined_and_read(code):
    \"\"\"The names a cell defines at its top level, and the names it reads from the global scope.\"\"\"
    try:
        table = symtable.symtable(code, "cell", "exec")
    except SyntaxError:
        return set(), set()
    defined = {s.get_name() for s in table.get_symbols() if s.is_assigned() or s.is_imported()}
    read = {s.get_name() for s in table.get_symbols() if s.is_referenced()}
    scopes = table.get_children()
    while scopes:
        scope = scopes.pop()
        scopes += scope.get_children()
        read |= {s.get_name() for s in scope.get_symbols() if s.is_referenced() and s.is_global()}
    return defined, read


with open("__NOTEBOOK__", encoding="utf-8") as f:
    code_cells = [cell for cell in json.load(f)["cells"] if cell["cell_type"] == "code"]
defined_in_given_cells, read_by_answers, defined_in_added_cells = set(), set(), {}
for cell in code_cells:
    source = "".join(cell["source"])
    nbgrader = cell["metadata"].get("nbgrader", {})
    defined, read = names_defined_and_read(source)
    if nbgrader.get("grade_id"):
        defined_in_given_cells |= defined
        if nbgrader.get("solution"):
            read_by_answers |= read
    else:
        for name in defined:
            defined_in_added_cells.setdefault(name, source.strip().splitlines()[0])
missing = sorted((read_by_answers - defined_in_given_cells) & defined_in_added_cells.keys())
assert not missing, (
    "Your answers use code that is outside the answer cells:\\n"
    + "".join(f"  {name!r}, defined in the cell that starts `{defined_in_added_cells[name]}`\\n" for name in missing)
    + "The grader runs the answer cells and nothing else, so there these names would not exist. "
    "Move that code into the answer cell that uses it, and save the notebook.")
print("Your answers use nothing from outside the answer cells: the grader will see all they need.")"""


def stand_alone_check(notebook_name: str) -> str:
    """The code of the check cell that ends the exercise ``notebook_name``."""
    return _STAND_ALONE_CHECK.replace("__NOTEBOOK__", notebook_name)
