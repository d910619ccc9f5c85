"""``BackwardStepper``: walk through a backward pass one node at a time, with
buttons, a picture of the graph with the running node in gold, and the
gradients that arrive and leave.

    >>> stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
    >>> stepper          # in Jupyter: Previous / Next / Reset buttons

The buttons only move ``position`` through ``steps`` (see ``steps.py``), so the
same stepper works from code, without a browser: ``stepper.next()``,
``stepper.text()``, ``stepper.picture()``.
"""
import html
from dataclasses import replace

from . import _optional
from .dot import render
from .forward import format_value
from .steps import backward_steps
from .text import TextGraph, tree_html
from .walk import box_id, collect, name_map


class BackwardStepper:
    """Step through the backward pass of ``output`` (a tensor or a tuple).

        >>> stepper = BackwardStepper(y, params={"x1": x1, "x2": x2})
        >>> stepper.next().name
        'AddBackward0'

    ``position`` is -1 before the first step, then the index of the step shown.
    The gradients come from running the real engine once, at construction; the
    graph is kept and no ``.grad`` changes.
    """

    def __init__(self, output, params=None, gradient=None):
        self.steps = backward_steps(output, params, gradient)
        self.names = name_map(params)
        self._picture = collect(output, params)
        self.position = -1
        self._views = None      # the ipywidgets, once built

    # ---- moving ----------------------------------------------------------
    @property
    def current(self):
        """The step shown now, or None before the first."""
        return self.steps[self.position] if self.position >= 0 else None

    def next(self):
        """Run the next node (stays on the last step at the end); returns the step."""
        return self.go_to(min(self.position + 1, len(self.steps) - 1))

    def previous(self):
        return self.go_to(max(self.position - 1, -1))

    def reset(self):
        """Back to before the first step."""
        return self.go_to(-1)

    def go_to(self, position):
        if not -1 <= position < len(self.steps):
            raise IndexError(f"position {position} is outside -1..{len(self.steps) - 1}")
        self.position = position
        self._refresh()
        return self.current

    # ---- what is shown ---------------------------------------------------
    def text(self):
        """What happens at the current step, in words and numbers."""
        if self.current is None:
            return (f"{len(self.steps)} steps. Nothing has run yet: the engine starts from the "
                    "gradient of the output with respect to itself (ones). Press Next.")
        return self.current.describe(len(self.steps), self.names)

    def leaf_gradients(self):
        """``{leaf name: gradient}`` for the leaves reached so far."""
        return {step.tensor_name: step.grad_outputs[0]
                for step in self.steps[:self.position + 1] if step.is_leaf}

    def picture(self):
        """The backward graph with the running node in gold and the nodes that
        ran before it in green: a ``graphviz.Digraph``, or a ``TextGraph``."""
        return render(*self._marked())

    def _marked(self):
        """The labelled picture, the id of the running node's box, the ids of
        the boxes of the nodes that ran."""
        done = {box_id(step.node) for step in self.steps[:max(self.position, 0)]}
        current = box_id(self.current.node) if self.current is not None else None
        return self._labelled(), current, done

    def _labelled(self):
        """The picture with each gradient sent so far written on its arrow."""
        # (id of the box of the node that sent it, which of its inputs) -> gradient;
        # arrows point forward, so that node's box is the arrow's head.
        sent = {}
        for step in self.steps:
            if step.tensor is not None and not step.is_leaf:      # where the walk starts
                start = step.grad_outputs[step.tensor._output_nr]
                if start is not None:
                    sent[(box_id(step.tensor), -1)] = start
        for step in self.steps[:self.position + 1]:
            for i, g in enumerate(step.grad_inputs):
                if g is not None:
                    sent[(box_id(step.node), i)] = g
        arrows = [replace(a, label=format_value(sent[(a.head, a.index)]))
                  if (a.head, a.index) in sent else a for a in self._picture.arrows]
        return replace(self._picture, arrows=arrows)

    def _picture_html(self):
        picture = self.picture()
        if isinstance(picture, TextGraph):
            return picture._repr_html_()
        try:
            return picture.pipe(format="svg", encoding="utf-8")
        except Exception:       # dot failed after all: the text tree still shows the step
            return tree_html(*self._marked())

    # ---- widgets ---------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box: buttons, the picture, the text."""
        if self._views is None:
            widgets = _optional.require_ipywidgets()
            buttons = {label: widgets.Button(description=label, icon=icon)
                       for label, icon in [("Previous", "arrow-left"), ("Next", "arrow-right"),
                                           ("Reset", "undo")]}
            buttons["Previous"].on_click(lambda _: self.previous())
            buttons["Next"].on_click(lambda _: self.next())
            buttons["Reset"].on_click(lambda _: self.reset())
            picture, text = widgets.HTML(), widgets.HTML()
            box = widgets.VBox([widgets.HBox(list(buttons.values())), picture, text])
            self._views = dict(buttons=buttons, picture=picture, text=text, box=box)
            self._refresh()
        return self._views["box"]

    def _refresh(self):
        views = self._views
        if views is None:
            return
        views["picture"].value = self._picture_html()
        views["text"].value = f"<pre>{html.escape(self.text())}</pre>"
        views["buttons"]["Previous"].disabled = self.position < 0
        views["buttons"]["Next"].disabled = self.position == len(self.steps) - 1

    def _ipython_display_(self):
        from IPython.display import HTML, display
        try:
            display(self.widget)
        except ImportError as error:
            display(HTML(f"<p><i>{html.escape(str(error))} Meanwhile, call .next() and show "
                         f"the stepper again.</i></p>{self._picture_html()}"
                         f"<pre>{html.escape(self.text())}</pre>"))

    def __repr__(self):
        return f"<BackwardStepper: step {self.position + 1} of {len(self.steps)}>\n{self.text()}"
