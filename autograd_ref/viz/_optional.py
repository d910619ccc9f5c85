"""Is graphviz here? The Python package draws, the ``dot`` program renders;
both are the optional ``viz`` extra, so every picture checks before drawing.

    >>> missing() is None       # True where graphviz can render
    True
"""
import shutil

INSTALL_HINT = ('To draw the graph, install graphviz: pip install "autograd-course[viz]" '
                "and the dot program (apt-get install graphviz, conda install graphviz, "
                "or brew install graphviz).")


def module():
    """The ``graphviz`` package, or None when it is not installed."""
    try:
        import graphviz
    except ImportError:
        return None
    return graphviz


def missing():
    """Why graphviz cannot render here (a short sentence), or None when it can."""
    if module() is None:
        return "the graphviz Python package is not installed"
    if shutil.which("dot") is None:
        return "graphviz's dot program is not on the PATH"
    return None


def message(reason):
    """The one-line note a text picture starts with."""
    return f"(Showing text: {reason}. {INSTALL_HINT})"
