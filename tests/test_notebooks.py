"""The lesson notebooks: each one runs from top to bottom, and all are committed without outputs.

Running the notebooks needs the ``dev`` extra (nbclient, nbformat, ipykernel). Without it these tests fail
rather than skip, so that a missing tool can never pass for a green suite.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "course"
EXERCISES = ROOT / "exercises"

CELL_TIMEOUT_S = 60
INSTALL_HINT = 'install the dev extra first: pip install -e ".[dev]"'


def _require(module: str, what: str) -> None:
    """Fail (never skip) with a hint to install the dev extra when a notebook tool is missing."""
    if importlib.util.find_spec(module) is None:
        pytest.fail(f"{what}: the module {module!r} is not installed; {INSTALL_HINT}", pytrace=False)


def _notebooks(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


LESSONS = sorted(COURSE.glob("*.ipynb"))
COMMITTED = _notebooks(COURSE) + _notebooks(EXERCISES)


def _native_kernel_manager():
    """A kernel manager whose ``python3`` kernel is this interpreter (``sys.executable``).

    Looking ``python3`` up in the usual Jupyter folders could find a kernel installed for some other Python
    (in ``~/.local/share/jupyter`` or ``/usr/share/jupyter``) that cannot import ``autograd_ref``. With no
    kernel folders to search, jupyter_client falls back to ipykernel's own spec, which starts the Python that
    runs the tests, so the kernel sees the same installed packages as pytest does.
    """
    _require("ipykernel", "cannot start a notebook kernel")  # the kernel itself must be installed here
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=[])
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


@pytest.mark.parametrize("notebook", LESSONS, ids=[p.name for p in LESSONS])
def test_lesson_runs_top_to_bottom(notebook: Path) -> None:
    _require("nbformat", "cannot read notebooks")
    _require("nbclient", "cannot run notebooks")
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        km=_native_kernel_manager(),
        kernel_name="python3",
        timeout=CELL_TIMEOUT_S,
        allow_errors=False,
        resources={"metadata": {"path": str(COURSE)}},  # the kernel's working folder
    )
    # A cell that raises stops the run with CellExecutionError, which names the cell and shows the traceback.
    client.execute()


def test_there_are_lessons() -> None:
    assert LESSONS, f"no lesson notebooks found in {COURSE}"


@pytest.mark.parametrize("notebook", COMMITTED, ids=[str(p.relative_to(ROOT)) for p in COMMITTED])
def test_committed_without_outputs(notebook: Path) -> None:
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    dirty = [
        index
        for index, cell in enumerate(nb.get("cells", []))
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None)
    ]
    assert not dirty, (
        f"{notebook.relative_to(ROOT)}: the code cells at positions {dirty} (counting all cells from 0) have outputs "
        "or execution counts; clear all outputs before committing (JupyterLab: Edit > Clear Outputs of All Cells)"
    )


# A widget's function runs again whenever the learner moves it, long after Run All has run the cells below
# it. Each case: a lesson, then code run after all its cells (as a slider move would), and what its output
# must show. (Lesson 09's slider once fitted the line to the 64x1000 network's data defined further down;
# lesson 10's once labelled the leaves with another model's parameters.)
WIDGETS_AFTER_RUN_ALL = {
    "09_training_with_autograd.ipynb": ("show_learning_rate(0.01)", "image/png"),
    "10_dynamic_graphs_in_practice.ipynb": ("show_graph(5)", "w_in"),
}


@pytest.mark.parametrize("lesson", sorted(WIDGETS_AFTER_RUN_ALL))
def test_widget_functions_use_their_own_cells_data_after_run_all(lesson: str) -> None:
    _require("nbclient", "cannot run notebooks")
    import nbformat
    from nbclient import NotebookClient

    code, expected = WIDGETS_AFTER_RUN_ALL[lesson]
    nb = nbformat.read(COURSE / lesson, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(code))
    client = NotebookClient(nb, km=_native_kernel_manager(), kernel_name="python3", timeout=CELL_TIMEOUT_S,
                            allow_errors=False, resources={"metadata": {"path": str(COURSE)}})
    client.execute()
    shown = json.dumps(nb.cells[-1].outputs)
    assert expected in shown, f"{lesson}: {code} shows no {expected!r}: {shown[:500]}"
