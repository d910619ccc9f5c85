"""The lessons' two helpers for the learner: ``Prediction`` (a guess is checked before the answer is shown)
and ``check_grad`` (a gradient against finite differences). Both work from code, without a browser."""
import pytest

import autograd_ref as torch
from autograd_ref.autograd import Function
from autograd_ref.viz import Prediction, check_grad


def test_a_prediction_says_right_or_wrong_with_a_hint_and_shows_the_answer_only_then():
    p = Prediction("What is x.grad?", answer=[4.5, 4.5], hint="both paths add up", explanation="2.25 twice.")
    assert not p.solved and not p.revealed and p.attempts == 0
    assert p.check("") == "Type your prediction first, then check it." and p.attempts == 0
    first = p.check("4.5")
    assert first.startswith("**Not yet** (the answer has 2 numbers, you gave 1).") and "both paths add up." in first
    assert "4.5, 4.5" not in first and "2.25 twice" not in first        # the answer is not given away
    assert "Show answer" in p.check("2.25 2.25")
    assert p.check("[4.5, 4.5]") == "**Right.** The answer: **[4.5, 4.5]**. 2.25 twice." and p.solved


@pytest.mark.parametrize("answer, right, wrong", [
    (0.75, ["0.75", "3/4", " 0.7500 "], ["0.7", "1", "three quarters"]),
    (True, ["yes", "Y", "true"], ["no", "maybe"]),
    (False, ["no", "False"], ["yes"]),
    ("MulBackward0", ["MulBackward0", "mulbackward0", " Mul Backward0 "], ["AddBackward0"]),
    (["None", "nothing"], ["none", "Nothing"], ["0"]),
    (torch.tensor([[1.0, 2.0], [3.0, 4.0]]), ["1 2 3 4", "[[1, 2], [3, 4]]"], ["1 2 3", "4 3 2 1"]),
])
def test_guesses_are_read_as_the_answer_is_written(answer, right, wrong):
    for guess in right:
        assert Prediction("?", answer).check(guess).startswith("**Right.**"), guess
    for guess in wrong:
        assert Prediction("?", answer).check(guess).startswith("**Not yet**"), guess


def test_a_number_too_high_or_too_low_is_said_so_and_choices_must_hold_the_answer():
    assert "(too high)" in Prediction("?", 2.0).check("3")
    assert "(too low)" in Prediction("?", 2.0).check("1")
    assert Prediction("?", "b", choices=["a", "b"]).reveal() == "The answer: **b**."
    with pytest.raises(ValueError, match="is not one of the choices"):
        Prediction("?", "c", choices=["a", "b"])


def test_the_widget_shows_nothing_until_a_guess_is_checked():
    pytest.importorskip("ipywidgets")
    p = Prediction("What is y.requires_grad?", answer=True)
    box = p.widget
    views = p._views
    assert views["feedback"].outputs == () and views["reveal"].layout.display == "none"
    views["guess"].value = "no"
    views["check"].click()
    assert p.attempts == 1 and views["reveal"].layout.display == ""
    assert "Not yet" in views["feedback"].outputs[0]["data"]["text/markdown"]
    views["reveal"].click()
    assert p.revealed and "**yes**" in views["feedback"].outputs[0]["data"]["text/markdown"]
    assert box is p.widget


def test_check_grad_agrees_for_a_correct_gradient_and_finds_a_wrong_one(capsys):
    assert check_grad(lambda x, w: (x @ w).tanh(), torch.randn(2, 3), torch.randn(3, 2))
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.endswith(": ok") for line in lines)

    class ForgetsTheTwo(Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, grad):
            (x,) = ctx.saved_tensors
            return grad * x

    assert not check_grad(ForgetsTheTwo.apply, torch.tensor([1.0, 2.0]))
    assert capsys.readouterr().out.strip() == ("input 0: autograd [1.0, 2.0]   finite differences [2.0, 4.0]   "
                                               "largest gap 2: MISMATCH")
    with pytest.raises(ValueError, match="does not depend on its inputs through autograd"):
        check_grad(lambda x: torch.tensor(x.detach().numpy() * 2), torch.ones(2))
