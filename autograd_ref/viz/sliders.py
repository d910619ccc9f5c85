"""``GradientSliders``: move a function's inputs with sliders and watch its
value and its gradient change.

    >>> def f(x1, x2):
    ...     return (1 + sin(x2)) / (x2 + exp(x1)) + x1 * x2
    >>> GradientSliders(f, x1=(-2, 2), x2=(-2, 2))      # in Jupyter: two sliders

Every move evaluates ``f`` on fresh leaves and asks ``autograd.grad`` for the
derivatives, exactly what a learner would type by hand. ``set(x1=1.5)`` does
the same from code, and ``state`` holds the latest numbers.
"""
import html

from . import _optional
from .forward import make_forward_dot
from ..autograd import grad
from ..creation import tensor
from ..dtypes import float64
from ..tensor import Tensor


class GradientSliders:
    """One slider per scalar input of ``fn``, with ``fn``'s value and its partial
    derivatives shown as they move.

        >>> s = GradientSliders(f, x1=(-2, 2), x2=(-2, 2, 0.01))
        >>> s.set(x1=1.5, x2=0.5)["gradient"]["x2"]
        1.6165...

    Each range is ``(low, high)`` or ``(low, high, step)``; sliders start in the
    middle. ``fn`` takes the inputs by name and returns a one-element tensor.
    """

    def __init__(self, fn, /, **ranges):
        if not ranges:
            raise TypeError("give a range for each input, e.g. GradientSliders(f, x=(-2, 2))")
        self.fn = fn
        self.ranges = {name: _parse_range(name, r) for name, r in ranges.items()}
        self.values = {name: (low + high) / 2 for name, (low, high, _) in self.ranges.items()}
        self.output = None          # f at ``values``, a float
        self.gradient = {}          # name -> df/dname at ``values``, floats
        self.error = None           # what went wrong in the last evaluation, from a slider
        self._leaves = self._result = None
        self._views = None
        self._syncing = False
        self.evaluate()

    @property
    def state(self):
        """The latest evaluation: ``{"values", "output", "gradient"}``."""
        return {"values": dict(self.values), "output": self.output,
                "gradient": dict(self.gradient)}

    def set(self, **values):
        """Move sliders to ``values`` (by name), re-evaluate, and return ``state``."""
        for name, value in values.items():
            if name not in self.ranges:
                raise KeyError(f"no slider named {name!r}; the sliders are {list(self.ranges)}")
            low, high, _ = self.ranges[name]
            if not low <= value <= high:
                raise ValueError(f"{name}={value} is outside its slider's range [{low}, {high}]")
        self.values.update({name: float(v) for name, v in values.items()})
        self.evaluate()
        self._sync_sliders()
        return self.state

    def evaluate(self):
        """``fn`` and its gradient at the current values (what a slider move runs)."""
        leaves = {name: tensor(value, dtype=float64, requires_grad=True)
                  for name, value in self.values.items()}
        y = self.fn(**leaves)
        if not isinstance(y, Tensor) or y.numel() != 1:
            raise TypeError(f"the function must return a one-element tensor, got {y!r}")
        if y.requires_grad:
            # retain_graph: picture() can still show the values the nodes saved.
            grads = grad(y, list(leaves.values()), retain_graph=True, allow_unused=True)
        else:       # the output does not depend on any input
            grads = [None] * len(leaves)
        self.output = y.item()
        self.gradient = {name: 0.0 if g is None else g.item() for name, g in zip(leaves, grads)}
        self._leaves, self._result = leaves, y
        self._refresh()
        return self.state

    def text(self):
        """The numbers, one per line: the inputs, f, and each df/dx."""
        f = self._fn_name()
        rows = [*self.values.items(), (f, self.output),
                *((f"d{f}/d{name}", g) for name, g in self.gradient.items())]
        width = max(len(label) for label, _ in rows)
        return "\n".join(f"{label:>{width}} = {value:.4f}" for label, value in rows)

    def picture(self):
        """The last evaluation's forward graph (``make_forward_dot``)."""
        return make_forward_dot(self._result, self._leaves)

    def _fn_name(self):
        name = getattr(self.fn, "__name__", "f")
        return "f" if name == "<lambda>" else name

    # ---- widgets ---------------------------------------------------------
    @property
    def widget(self):
        """The ipywidgets box: the sliders and a panel of numbers."""
        if self._views is None:
            widgets = _optional.require_ipywidgets()
            sliders = {}
            for name, (low, high, step) in self.ranges.items():
                slider = widgets.FloatSlider(value=self.values[name], min=low, max=high, step=step,
                                             description=name, continuous_update=True,
                                             readout_format=".3f")
                slider.observe(self._on_slider(name), names="value")
                sliders[name] = slider
            panel = widgets.HTML()
            box = widgets.VBox([*sliders.values(), panel])
            self._views = dict(sliders=sliders, panel=panel, box=box)
            self._refresh()
        return self._views["box"]

    def _on_slider(self, name):
        def moved(change):
            if self._syncing:
                return
            self.values[name] = float(change["new"])
            try:
                self.error = None
                self.evaluate()
            except Exception as error:      # show it in the panel; a callback cannot raise to anyone
                self.error = f"{type(error).__name__}: {error}"
                self._refresh()
        return moved

    def _sync_sliders(self):
        if self._views is None:
            return
        self._syncing = True
        try:
            for name, slider in self._views["sliders"].items():
                slider.value = self.values[name]
        finally:
            self._syncing = False

    def _refresh(self):
        if self._views is None:
            return
        text = self.error if self.error else self.text()
        self._views["panel"].value = f"<pre>{html.escape(text)}</pre>"

    def _ipython_display_(self):
        from IPython.display import HTML, display
        try:
            display(self.widget)
        except ImportError as error:
            display(HTML(f"<p><i>{html.escape(str(error))} Meanwhile, use .set(...).</i></p>"
                         f"<pre>{html.escape(self.text())}</pre>"))

    def __repr__(self):
        return f"<GradientSliders of {self._fn_name()}>\n{self.text()}"


def _parse_range(name, spec):
    """``(low, high)`` or ``(low, high, step)`` -> ``(low, high, step)``; the
    default step cuts the range in 100."""
    try:
        low, high, *rest = spec
    except (TypeError, ValueError):
        raise TypeError(f"{name}: give a range (low, high) or (low, high, step), not {spec!r}") from None
    if len(rest) > 1 or not low < high:
        raise ValueError(f"{name}: a range is (low, high) or (low, high, step) with low < high, "
                         f"not {spec!r}")
    step = rest[0] if rest else (high - low) / 100
    return float(low), float(high), float(step)
