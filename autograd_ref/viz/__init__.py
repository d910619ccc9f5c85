"""Pictures of the autograd graph, and widgets to explore it in lessons.

    >>> from autograd_ref.viz import make_dot
    >>> make_dot(y, params={"x1": x1, "x2": x2})     # the backward graph, as torchviz draws it

- ``make_dot`` (``dot.py``): the backward graph: ``grad_fn`` nodes, ``AccumulateGrad``,
  leaves and parameters by name and shape, saved tensors on request.
- ``make_forward_dot`` (``forward.py``): the same graph read forward, values on the arrows.
- ``BackwardStepper`` (``stepper.py``, with the steps from ``steps.py``): the backward
  pass one node at a time.
- ``GradientSliders`` (``sliders.py``): a function's value and gradient as sliders move.
- ``Prediction`` (``predict.py``): the learner's guess, checked, before the answer is shown.
- ``check_grad`` (``check.py``): a gradient against finite differences, one line per input.

graphviz and ipywidgets are optional (``pip install graphviz ipywidgets``): they
are imported only when a picture is drawn or a widget is shown, and without
graphviz the pictures come back as text (``text.py``).
"""
from .check import check_grad
from .dot import make_dot
from .forward import forward_tape, make_forward_dot
from .modules import make_module_dot
from .predict import Prediction
from .sliders import GradientSliders
from .stepper import BackwardStepper
from .steps import Step, backward_steps
from .text import TextGraph

__all__ = ["make_dot", "make_forward_dot", "forward_tape", "BackwardStepper", "GradientSliders",
           "backward_steps", "Step", "TextGraph", "Prediction", "check_grad",
           "make_module_dot"]
