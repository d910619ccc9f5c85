"""``Prediction``: the learner writes down a guess before running a cell; the widget says whether it is
right (with a hint when it is not) and only then shows the answer and why.

    >>> p = Prediction("What is x.grad after backward?", answer=[4.5, 4.5], hint="Both paths add up.")
    >>> p.check("4.5").startswith("**Not yet**")         # two numbers are asked for
    True
    >>> p.check("4.5 4.5").startswith("**Right.**")
    True

A guess is a number (``4.5``, ``3/4``), several numbers (``[2, 4]`` or ``2 4``), a name (``MulBackward0``,
case and spaces ignored) or yes / no, as the answer is; ``choices=`` offers a list to pick from instead.
Nothing is shown before the learner checks a guess or asks for the answer, so Run All spoils nothing.
Everything the widget does, ``check(guess)`` and ``reveal()`` do from code, and return the text.
"""
import html
import re
from fractions import Fraction

from . import _optional

_YES = {"yes", "y", "true", "1"}
_NO = {"no", "n", "false", "0"}


class Prediction:
    """A question whose answer the learner types (or picks from ``choices``) and checks.

    ``answer``: a number, a list of numbers (or a tensor), a string (or a list of accepted strings), or a
    bool (yes / no). ``hint`` is shown after a wrong guess; ``explanation`` (markdown) with the answer.
    """

    def __init__(self, question, answer, *, hint="", explanation="", choices=None, tolerance=1e-3):
        self.question = question
        self.answer = answer.tolist() if hasattr(answer, "tolist") else answer
        self.hint, self.explanation = hint, explanation
        self.choices = list(choices) if choices is not None else None
        self.tolerance = tolerance
        self.attempts = 0
        self.solved = self.revealed = False
        self._views = None
        if self.choices is not None and not any(self._matches(c) for c in self.choices):
            raise ValueError(f"the answer {answer!r} is not one of the choices {self.choices!r}")

    # ---- checking, from code or from the widget --------------------------------------------------------
    def check(self, guess):
        """Say whether ``guess`` (as typed) is right; after a wrong one, give the hint."""
        guess = str(guess).strip()
        if not guess:
            return self._show("Type your prediction first, then check it.")
        self.attempts += 1
        if self._matches(guess):
            self.solved = True
            return self._show(f"**Right.** {self._answer_text()}")
        message = f"**Not yet** ({self._how_far(guess)})."
        if self.hint:
            message += f" Hint: {self.hint}" + ("" if self.hint.rstrip()[-1:] in ".?!" else ".")
        if self.attempts >= 2:
            message += " Try again, or press *Show answer*."
        return self._show(message)

    def reveal(self):
        """Give up and see the answer and why."""
        self.revealed = True
        return self._show(self._answer_text())

    def _answer_text(self):
        return f"The answer: **{self._format(self.answer)}**. {self.explanation}".strip()

    # ---- comparing --------------------------------------------------------------------------------------
    def _matches(self, guess):
        answer = self.answer
        if isinstance(answer, bool):
            word = str(guess).strip().lower()
            return word in (_YES if answer else _NO)
        if isinstance(answer, (int, float)):
            numbers = _numbers(guess)
            return numbers is not None and len(numbers) == 1 and self._close(numbers[0], answer)
        if isinstance(answer, (list, tuple)) and all(isinstance(a, str) for a in answer):
            return _word(guess) in {_word(a) for a in answer}
        if isinstance(answer, (list, tuple)):
            flat = list(_flatten(answer))
            numbers = _numbers(guess)
            return numbers is not None and len(numbers) == len(flat) and all(
                self._close(g, a) for g, a in zip(numbers, flat))
        return _word(guess) == _word(str(answer))

    def _close(self, guess, answer):
        return abs(guess - answer) <= self.tolerance * max(1.0, abs(answer))

    def _how_far(self, guess):
        numbers = _numbers(guess)
        if isinstance(self.answer, (int, float)) and not isinstance(self.answer, bool) and numbers and \
                len(numbers) == 1:
            return "too high" if numbers[0] > self.answer else "too low"
        if isinstance(self.answer, (list, tuple)) and numbers is not None and \
                not all(isinstance(a, str) for a in self.answer):
            expected = len(list(_flatten(self.answer)))
            if len(numbers) != expected:
                return f"the answer has {expected} number{'s' if expected != 1 else ''}, you gave {len(numbers)}"
        return "that is not it"

    @staticmethod
    def _format(answer):
        if isinstance(answer, bool):
            return "yes" if answer else "no"
        if isinstance(answer, (list, tuple)) and answer and all(isinstance(a, str) for a in answer):
            return answer[0]
        return str(answer)

    # ---- the widget ---------------------------------------------------------------------------------
    def _show(self, text):
        if self._views is not None:
            from IPython.display import Markdown
            out = self._views["feedback"]
            out.outputs = ()            # not clear_output(): this works outside a running kernel too (tests)
            out.append_display_data(Markdown(text))
            self._views["reveal"].layout.display = "" if self.attempts else "none"
        return text

    @property
    def widget(self):
        """The ipywidgets box: the question, a place for the guess, Check and Show answer, the feedback."""
        if self._views is None:
            widgets = _optional.require_ipywidgets()
            if self.choices is not None:
                guess = widgets.Dropdown(options=["(choose)"] + [str(c) for c in self.choices], value="(choose)")
            else:
                guess = widgets.Text(placeholder="your prediction")
            check = widgets.Button(description="Check", button_style="primary")
            reveal = widgets.Button(description="Show answer", layout=widgets.Layout(display="none"))
            feedback = widgets.Output()
            question = widgets.HTMLMath(f"<b>Predict:</b> {_inline_code(html.escape(self.question))}")

            def on_check(_):
                value = guess.value
                self.check("" if value == "(choose)" else value)

            check.on_click(on_check)
            reveal.on_click(lambda _: self.reveal())
            box = widgets.VBox([question, widgets.HBox([guess, check, reveal]), feedback])
            self._views = dict(guess=guess, check=check, reveal=reveal, feedback=feedback, box=box)
        return self._views["box"]

    def _ipython_display_(self):
        from IPython.display import Markdown, display
        try:
            display(self.widget)
        except ImportError as error:
            display(Markdown(f"**Predict:** {self.question}\n\n*({error} Meanwhile, call `.check(your guess)` "
                             "on this object, or `.reveal()`.)*"))

    def __repr__(self):
        return f"<Prediction: {self.question}>"


def _inline_code(text):
    """``code`` spans of a question as <code>, as markdown shows them."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", text)


def _numbers(text):
    """The numbers in ``text`` (``3/4`` counts as one), or None if it holds anything else."""
    parts = [p for p in re.split(r"[\s,;\[\]()]+", str(text)) if p]
    try:
        return [float(Fraction(p)) if "/" in p else float(p) for p in parts]
    except (ValueError, ZeroDivisionError):
        return None


def _word(text):
    return re.sub(r"\s+", "", str(text)).lower()


def _flatten(items):
    for item in items:
        if isinstance(item, (list, tuple)):
            yield from _flatten(item)
        else:
            yield item
