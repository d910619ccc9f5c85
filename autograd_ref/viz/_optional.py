"""The optional packages pictures and widgets use (the ``viz`` extra): graphviz
(the Python package draws, its ``dot`` program renders) and ipywidgets. Every
picture asks here first, and says how to install what is missing.

    >>> missing() is None       # True where graphviz can render
    True
"""
import shutil

INSTALL_HINT = ('To draw the graph, install graphviz: pip install graphviz '
                "and the dot program (apt-get install graphviz, conda install graphviz, "
                "or brew install graphviz).")


def graphviz_module():
    """The ``graphviz`` package, or None when it is not installed."""
    try:
        import graphviz
    except ImportError:
        return None
    return graphviz


def missing():
    """Why graphviz cannot render here (a short sentence), or None when it can."""
    if graphviz_module() is None:
        return "the graphviz Python package is not installed"
    if shutil.which("dot") is None:
        return "graphviz's dot program is not on the PATH"
    return None


def message(reason):
    """The one-line note a text picture starts with."""
    return f"(Showing text: {reason}. {INSTALL_HINT})"


WIDGETS_HINT = 'The widgets need ipywidgets: pip install ipywidgets.'


def require_ipywidgets():
    """The ``ipywidgets`` package; an ImportError saying how to install it if absent."""
    try:
        import ipywidgets
    except ImportError:
        raise ImportError(WIDGETS_HINT) from None
    return ipywidgets
