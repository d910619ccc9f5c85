"""Submissions that do nothing, written from an assignment's solution cells: the stub corpus.

Every answer cell keeps the names the solution defines (functions, classes and their methods, with their
signatures and decorators), and every body is replaced by one stub:

    none      return None                  true      return True
    empty     return []                    zero      return 0
    identity  return the first argument    anything  return an object that answers every call, attribute,
                                                      comparison and operator

Code that does nothing must score nothing: ``tests/test_exercises.py`` grades each of these with the
assignment's hidden suite and expects 0 (a test that checks only that something did *not* happen must also
check that the right thing did).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

STUBS = ("none", "true", "empty", "zero", "identity", "anything")

# Defined at the top of each answer cell of the "anything" stub.
ANYTHING = '''
class _Anything:
    """Answers every question: attributes, calls, items, comparisons and arithmetic all give itself."""
    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        return self
    def __call__(self, *args, **kwargs):
        return self
    def __getitem__(self, key):
        return self
    def __setitem__(self, key, value):
        pass
    def __iter__(self):
        return iter(())
    def __len__(self):
        return 0
    def __bool__(self):
        return True
    def __eq__(self, other):
        return True
    def __ne__(self, other):
        return False
    __lt__ = __le__ = __gt__ = __ge__ = __eq__
    def __hash__(self):
        return 0
    def __float__(self):
        return 0.0
    def __int__(self):
        return 0
    __index__ = __int__
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        return False
    def __add__(self, other):
        return self
    __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __add__
    __matmul__ = __rmatmul__ = __pow__ = __rpow__ = __neg__ = __pos__ = __iadd__ = __add__
'''


def _stub_body(kind: str, function: ast.FunctionDef) -> list[ast.stmt]:
    params = [a.arg for a in function.args.posonlyargs + function.args.args]
    if params and params[0] in ("self", "cls", "ctx"):
        params = params[1:]
    value = {
        "none": "None", "true": "True", "empty": "[]", "zero": "0",
        "identity": params[0] if params else "None", "anything": "_Anything()",
    }[kind]
    if function.name == "__init__":
        return [ast.Pass()]
    return [ast.Return(value=ast.parse(value, mode="eval").body)]


def stub_cell(code: str, kind: str) -> str:
    """The solution cell ``code`` with every function and method body replaced by the stub ``kind``;
    statements other than definitions are left out (they would compute something)."""
    tree = ast.parse(code)

    def strip(node):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            node.body = _stub_body(kind, node)
            return node
        if isinstance(node, ast.ClassDef):
            node.body = [strip(n) for n in node.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                      ast.ClassDef))] or [ast.Pass()]
            return node
        return None

    body = [n for n in (strip(node) for node in tree.body) if n is not None]
    body = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))] + body
    text = ast.unparse(ast.Module(body=body, type_ignores=[]))
    return (ANYTHING + "\n" + text) if kind == "anything" else text


def write_stub(source_notebook: Path, kind: str, dest: Path) -> Path:
    """The source notebook with every answer cell stubbed, written to ``dest``."""
    nb = json.loads(source_notebook.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell.get("cell_type") == "code" and cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            code = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = stub_cell(code, kind)
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    dest.parent.mkdir(parents=True, exist_ok=True)
    dest.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return dest
