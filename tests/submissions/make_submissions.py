"""Make the realistic submissions the exercise tests grade, from the source notebooks.

    python tests/submissions/make_submissions.py            # rewrite tests/submissions/<assignment>/
    python tests/submissions/make_submissions.py --check    # exit 1 if a committed file is out of date

Every submission is what a student hands in: the released notebook (solutions replaced by nbgrader's stub,
hidden test regions removed), with the solution cells filled in one way or another:

- ``solution``: the source's own solution (full marks);
- ``blank``: the release as it stands, nothing written (zero);
- one file per realistic mistake in ``VARIANTS``: the source's solution with a small edit, and the score
  per autograded cell we expect the hidden suite to give it. Each edit must match the source exactly once,
  so a change to a source notebook that breaks a variant stops this script instead of going unnoticed.

``expected.json`` records the expected scores; tests/test_exercises.py grades every submission with
``autograd_course.grading`` and compares.
"""

from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SOURCE = ROOT / "exercises" / "source"

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]

# Points of every autograded cell, as the source notebooks give them (checked against the notebooks).
FULL = {
    "pilot1_scalar_engine": {"test_add_mul": 2, "test_sub_div": 3, "test_sin_exp_pow": 3, "test_topo": 3,
                             "test_backward": 5, "test_seed_function": 4},
    "pilot2_broadcasting": {"test_unbroadcast": 4, "test_add_mul": 4, "test_div": 3, "test_matmul": 3,
                            "test_accumulate": 3, "test_sum_mean": 4, "test_linear_mse": 4},
}

# name -> what the student got wrong, the edits (solution cell grade_id, old text, new text), and the
# points per autograded cell we expect (cells not named get full points).
VARIANTS = {
    "pilot1_scalar_engine": {
        "overwrite_grads": {
            "mistake": "backward assigns child.grad instead of adding to it, so a node used more than "
                       "once keeps only the last contribution",
            "edits": [("backward", "child.grad += local_grad * node.grad", "child.grad = local_grad * node.grad")],
            # one path still right (1 of 5); f: the value is right, both inputs reach f along two or
            # more paths (1 of 4)
            "expected": {"test_backward": 1, "test_seed_function": 1},
        },
        "div_sign": {
            "mistake": "the local derivative of a / b with respect to b has the wrong sign (+a/b**2)",
            "edits": [("sub_div", "-quotient / b.data), op=", "quotient / b.data), op=")],
            # the derivative for the denominator (2 of 3); f divides by x2 + e**x1, so both of its
            # derivatives are wrong; its value is right (1 of 4)
            "expected": {"test_sub_div": 2, "test_seed_function": 1},
        },
        "topo_duplicates": {
            "mistake": "the search keeps no set of visited nodes, so a node reached along several paths "
                       "is listed (and later handled by backward) several times",
            "edits": [("topo", "        elif node not in visited:\n            visited.add(node)\n", "        else:\n")],
            # only the deep chain comes out right (1 of 3); backward: repeated inputs do no harm, repeated
            # intermediate nodes pass their gradient on twice (3 of 5); f has no shared intermediate node
            "expected": {"test_topo": 1, "test_backward": 3},
        },
        "recursive_topo": {
            "mistake": "lesson 01's recursive depth-first search: right, but it stops with RecursionError "
                       "on a graph thousands of nodes deep",
            "edits": [("topo",
                       "    order, visited = [], set()\n"
                       "    stack = [(root, False)]\n"
                       "    while stack:\n"
                       "        node, children_done = stack.pop()\n"
                       "        if children_done:\n"
                       "            order.append(node)\n"
                       "        elif node not in visited:\n"
                       "            visited.add(node)\n"
                       "            stack.append((node, True))          # back on top once the children are done\n"
                       "            for child in node.children:\n"
                       "                stack.append((child, False))\n"
                       "    return order",
                       "    order, visited = [], set()\n\n"
                       "    def visit(node):\n"
                       "        if node not in visited:\n"
                       "            visited.add(node)\n"
                       "            for child in node.children:\n"
                       "                visit(child)\n"
                       "            order.append(node)\n\n"
                       "    visit(root)\n"
                       "    return order")],
            "expected": {"test_topo": 2},
        },
        "backward_recursive": {
            "mistake": "backward pushes each node's grad to its children recursively, right away, "
                       "without a topological order: right when only inputs are shared, wrong when an "
                       "intermediate node is (it passes on a partial gradient). Passes every visible check",
            "edits": [("backward",
                       "    root.grad = 1.0\n"
                       "    for node in reversed(topological_order(root)):\n"
                       "        for child, local_grad in zip(node.children, node.local_grads):\n"
                       "            child.grad += local_grad * node.grad",
                       "    root.grad = 1.0\n\n"
                       "    def push(node):\n"
                       "        for child, local_grad in zip(node.children, node.local_grads):\n"
                       "            child.grad += local_grad * node.grad\n"
                       "            push(child)\n\n"
                       "    push(root)")],
            "expected": {"test_backward": 3},
        },
    },
    "pilot2_broadcasting": {
        "unbroadcast_leading_only": {
            "mistake": "unbroadcast sums away the axes added on the left but not the stretched axes of "
                       "size 1, so shapes like (3, 1) or (1, m) get gradients of the wrong shape",
            "edits": [("unbroadcast",
                       "    for axis, size in enumerate(shape):\n"
                       "        if size == 1 and grad.shape[axis] != 1:\n"
                       "            grad = grad.sum(axis=axis, keepdims=True)\n", "")],
            # unbroadcast 2 of 4; add/mul only the same-shape tests; div and matmul lose their broadcast
            # test; mse: a (1, m) bias gets a misshapen gradient (value and weights still right)
            "expected": {"test_unbroadcast": 2, "test_add_mul": 2, "test_div": 2, "test_matmul": 2,
                         "test_linear_mse": 2},
        },
        "overwrite_grad": {
            "mistake": "accumulate_grad assigns leaf.grad = grad every time: a second backward pass "
                       "replaces the first, and two leaves handed the same array share it",
            "edits": [("accumulate",
                       "    if leaf.grad is None:\n"
                       "        leaf.grad = np.array(grad, dtype=float)    # a copy of our own\n"
                       "    else:\n"
                       "        leaf.grad += grad",
                       "    leaf.grad = grad")],
            "expected": {"test_accumulate": 1},
        },
        "no_copy": {
            "mistake": "accumulate_grad adds with += but stores the first gradient without copying it, "
                       "so two leaves can end up sharing (and both changing) one array",
            "edits": [("accumulate", "leaf.grad = np.array(grad, dtype=float)    # a copy of our own",
                       "leaf.grad = grad")],
            "expected": {"test_accumulate": 2},
        },
        "sum_no_expand": {
            "mistake": "reduce_sum's backward broadcasts the gradient without putting the summed axes "
                       "back first, which lines it up with the wrong axes (or fails) for keepdims=False",
            "edits": [("sum_mean",
                       "        if axis is not None and not keepdims:\n"
                       "            grad = np.expand_dims(grad, axis)      # the summed axes come back with size 1\n",
                       "")],
            # sums and means over all elements still work (2 of 4); the loss is a mean over everything
            "expected": {"test_sum_mean": 2},
        },
    },
}


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
              if _nbgrader(c).get("grade") and not _nbgrader(c).get("solution")}
    if points != FULL[assignment]:
        raise SystemExit(f"{path.name}: the autograded cells and points changed ({points}); update FULL")

    files = {
        "solution.ipynb": _as_submission(nb, lambda gid, src: _keep_solutions(src)),
        "blank.ipynb": _as_submission(nb, lambda gid, src: _replace_regions(src, BEGIN_SOLUTION, END_SOLUTION, STUB)),
    }
    for name, variant in VARIANTS[assignment].items():
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


def expected_scores() -> dict:
    """{assignment: {submission: {"total", "cells": {cell: points}, "mistake"}}}."""
    out = {}
    for assignment, full in FULL.items():
        entries = {"solution": {"mistake": "", "cells": dict(full)},
                   "blank": {"mistake": "nothing written", "cells": {cell: 0 for cell in full}}}
        for name, variant in VARIANTS[assignment].items():
            cells = dict(full)
            cells.update(variant["expected"])
            entries[name] = {"mistake": variant["mistake"], "cells": cells}
        for entry in entries.values():
            entry["total"] = sum(entry["cells"].values())
            entry["max"] = sum(full.values())
        out[assignment] = entries
    return out


def all_files() -> dict[Path, str]:
    files = {}
    for assignment in FULL:
        for name, text in build(assignment).items():
            files[HERE / assignment / name] = text
    files[HERE / "expected.json"] = json.dumps(expected_scores(), indent=2) + "\n"
    return files


def main(argv: list[str]) -> int:
    files = all_files()
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
