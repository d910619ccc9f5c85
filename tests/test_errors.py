"""Every refusal of the autograd API, with PyTorch's exception type and words.

Messages were copied from PyTorch 2.13 and are matched in full (``re.escape``)
unless noted. Errors of in-place operations are in ``test_inplace.py``, of
custom Functions in ``test_custom_function.py``.
"""
import copy
import re

import numpy
import pytest

import autograd_ref as ag
from autograd_ref.autograd import Variable


def exactly(message):
    """A ``match=`` pattern for the whole message."""
    return "^" + re.escape(message) + "$"


@pytest.fixture
def x():
    return ag.ones(2, requires_grad=True)


# ---- requires_grad ---------------------------------------------------------------

def test_integer_tensor_cannot_require_grad_method():
    with pytest.raises(RuntimeError, match=exactly(
            "only Tensors of floating point dtype can require gradients")):
        ag.tensor([1, 2]).requires_grad_()


def test_integer_tensor_cannot_require_grad_attribute():
    t = ag.tensor([1, 2])
    with pytest.raises(RuntimeError, match=exactly(
            "only Tensors of floating point and complex dtype can require gradients")):
        t.requires_grad = True
    assert not t.requires_grad


@pytest.mark.parametrize("make", [
    lambda: ag.tensor([1, 2], requires_grad=True),
    lambda: ag.arange(3, requires_grad=True),
    lambda: ag.ones(2, dtype=ag.int64, requires_grad=True),
    lambda: ag.zeros(2, dtype=ag.bool, requires_grad=True),
], ids=["tensor", "arange", "ones-int64", "zeros-bool"])
def test_integer_and_bool_factories_cannot_require_grad(make):
    with pytest.raises(RuntimeError, match=exactly(
            "Only Tensors of floating point and complex dtype can require gradients")):
        make()


NON_LEAF_FLAG = ("you can only change requires_grad flags of leaf variables. If you want to use a "
                 "computed variable in a subgraph that doesn't require differentiation use "
                 "var_no_grad = var.detach().")


def test_non_leaf_requires_grad_cannot_be_turned_off(x):
    y = x * 2
    with pytest.raises(RuntimeError, match=exactly(NON_LEAF_FLAG)):
        y.requires_grad = False
    with pytest.raises(RuntimeError, match=exactly(NON_LEAF_FLAG)):
        y.requires_grad_(False)
    assert y.requires_grad


def test_non_leaf_requires_grad_attribute_cannot_be_set(x):
    y = x * 2
    with pytest.raises(RuntimeError, match=exactly(
            "you can only change requires_grad flags of leaf variables.")):
        y.requires_grad = True


# ---- backward ----------------------------------------------------------------------

def test_implicit_gradient_only_for_scalar_outputs(x):
    with pytest.raises(RuntimeError, match=exactly(
            "grad can be implicitly created only for scalar outputs")):
        (x * 2).backward()
    with pytest.raises(RuntimeError, match=exactly(
            "grad can be implicitly created only for scalar outputs")):
        ag.autograd.backward(x * 2)
    with pytest.raises(RuntimeError, match=exactly(
            "grad can be implicitly created only for scalar outputs")):
        ag.autograd.grad(x * 2, x)
    assert x.grad is None


SECOND_TIME = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward.")


def test_backward_twice_without_retain_graph(x):
    y = (x * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match=exactly(SECOND_TIME)):
        y.backward()
    assert x.grad.tolist() == [2.0, 2.0]           # the first pass still counted


def test_autograd_grad_after_backward_freed_the_graph(x):
    y = x.exp().sum()
    y.backward()
    with pytest.raises(RuntimeError, match=exactly(SECOND_TIME)):
        ag.autograd.grad(y, x)


def test_saved_tensors_after_backward(x):
    y = x * x
    node = y.grad_fn
    y.sum().backward()
    with pytest.raises(RuntimeError, match=exactly(SECOND_TIME)):
        y.sum().backward()
    assert node.name() == "MulBackward0"


def test_backward_of_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match=exactly(
            "element 0 of tensors does not require grad and does not have a grad_fn")):
        ag.ones(2).sum().backward()


def test_backward_of_several_tensors_names_the_one_without_grad(x):
    with pytest.raises(RuntimeError, match=exactly(
            "element 1 of tensors does not require grad and does not have a grad_fn")):
        ag.autograd.backward([(x * 2).sum(), ag.ones(1).sum()])


def test_backward_under_no_grad_of_an_output_made_there(x):
    with ag.no_grad():
        y = (x * 2).sum()
    with pytest.raises(RuntimeError, match=exactly(
            "element 0 of tensors does not require grad and does not have a grad_fn")):
        y.backward()


def test_gradient_of_the_wrong_shape(x):
    with pytest.raises(RuntimeError, match=exactly(
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has "
            "a shape of torch.Size([2]).")):
        (x * 2).backward(ag.ones(3))


def test_gradient_that_is_not_a_tensor(x):
    # A list is read as one gradient per output: its first item is not a Tensor.
    with pytest.raises(TypeError, match=exactly(
            "gradients can be either Tensors or None, but got float")):
        (x * 2).backward([1.0, 2.0])


def test_fewer_gradients_than_tensors(x):
    with pytest.raises(RuntimeError, match=exactly("got 2 tensors and 1 gradients")):
        ag.autograd.backward([(x * 2).sum(), (x * 3).sum()], grad_tensors=[ag.tensor(1.0)])


def test_backward_inputs_cannot_be_empty(x):
    with pytest.raises(RuntimeError, match=exactly(
            "`inputs` argument to `backward()` cannot be empty.")):
        (x * 2).sum().backward(inputs=[])


# ---- autograd.grad -----------------------------------------------------------------

def test_grad_of_an_unused_input(x):
    unused = ag.ones(2, requires_grad=True)
    with pytest.raises(RuntimeError, match=exactly(
            "The differentiated Tensor at index 1 appears to not have been used in the graph. "
            "Set allow_unused=True if this is the desired behavior.")):
        ag.autograd.grad((x * 2).sum(), [x, unused])


def test_grad_with_respect_to_a_tensor_that_does_not_require_grad(x):
    with pytest.raises(RuntimeError, match=exactly(
            "One of the differentiated Tensors does not require grad")):
        ag.autograd.grad((x * 2).sum(), [x, ag.ones(2)])


def test_grad_of_an_output_that_does_not_require_grad(x):
    with pytest.raises(RuntimeError, match=exactly(
            "element 0 of tensors does not require grad and does not have a grad_fn")):
        ag.autograd.grad(ag.ones(2).sum(), [x])


def test_grad_inputs_cannot_be_empty(x):
    with pytest.raises(RuntimeError, match=exactly(
            "`inputs` argument to `grad()` cannot be empty.")):
        ag.autograd.grad((x * 2).sum(), [])


def test_grad_materialize_grads_needs_allow_unused(x):
    with pytest.raises(ValueError, match=exactly(
            "Expected allow_unused to be True or not passed when materialize_grads=True, "
            "but got: allow_unused=False.")):
        ag.autograd.grad((x * 2).sum(), [x], allow_unused=False, materialize_grads=True)


def test_grad_outputs_of_the_wrong_shape(x):
    with pytest.raises(RuntimeError, match=exactly(
            "Mismatch in shape: grad_output[0] has a shape of torch.Size([3]) and output[0] has "
            "a shape of torch.Size([2]).")):
        ag.autograd.grad(x * 2, [x], grad_outputs=ag.ones(3))


# ---- retain_grad, hooks, .grad ------------------------------------------------------

def test_retain_grad_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match=exactly(
            "can't retain_grad on Tensor that has requires_grad=False")):
        ag.ones(2).retain_grad()


def test_hook_on_a_tensor_that_does_not_require_grad():
    with pytest.raises(RuntimeError, match=exactly(
            "cannot register a hook on a tensor that doesn't require gradient")):
        ag.ones(2).register_hook(lambda g: g)


def test_assigning_a_grad_of_another_size(x):
    with pytest.raises(RuntimeError, match=exactly(
            "attempting to assign a gradient of size '[3]' to a tensor of size '[2]'. Please "
            "ensure that the gradient and the tensor are the same size")):
        x.grad = ag.ones(3)
    assert x.grad is None


def test_assigning_a_grad_of_another_dtype(x):
    # PyTorch goes on about its grad_dtype attribute, which autograd_ref does not have.
    with pytest.raises(RuntimeError, match=re.escape(
            "attempting to assign a gradient with dtype 'double' to a tensor with grad_dtype "
            "'Float'. The gradient must match the tensor's")):
        x.grad = ag.ones(2, dtype=ag.float64)
    with pytest.raises(RuntimeError, match=re.escape(
            "attempting to assign a gradient with dtype 'long int' to a tensor with grad_dtype "
            "'Float'.")):
        x.grad = ag.ones(2, dtype=ag.int64)


def test_assigning_a_grad_that_is_not_a_tensor(x):
    with pytest.raises(TypeError, match=exactly(
            "assigned grad expected to be a Tensor or None but got grad of type list")):
        x.grad = [1.0, 2.0]


# ---- detach, .data, copies ------------------------------------------------------------

DETACH_VIEW = (
    "Can't detach views in-place. Use detach() instead. If you are using DistributedDataParallel "
    "(DDP) for training, and gradient_as_bucket_view is set as True, gradients are views of DDP "
    "buckets, and hence detach_() cannot be called on these gradients. To fix this error, please "
    "refer to the Optimizer.zero_grad() function in torch/optim/optimizer.py as the solution.")


def test_detach_in_place_of_a_view(x):
    with pytest.raises(RuntimeError, match=exactly(DETACH_VIEW)):
        x[0:1].detach_()
    with pytest.raises(RuntimeError, match=exactly(DETACH_VIEW)):
        (x * 2)[0:1].detach_()


def test_setting_data_to_something_else_than_a_tensor(x):
    with pytest.raises(TypeError, match=exactly("Variable data has to be a tensor, but got list")):
        x.data = [1.0, 2.0]


def test_setting_integer_data_on_a_tensor_that_requires_grad(x):
    with pytest.raises(RuntimeError, match=exactly(
            "data set to a tensor that requires gradients must be floating point or complex dtype")):
        x.data = ag.tensor([5, 6])
    assert x.tolist() == [1.0, 1.0]


def test_deepcopy_of_a_non_leaf(x):
    with pytest.raises(RuntimeError, match=exactly(
            "Only Tensors created explicitly by the user (graph leaves) support the deepcopy "
            "protocol at the moment.  If you were attempting to deepcopy a module, this may be "
            "because of a torch.nn.utils.weight_norm usage, see "
            "https://github.com/pytorch/pytorch/pull/103001")):
        copy.deepcopy(x * 2)


def test_deepcopy_of_a_leaf_works(x):
    y = copy.deepcopy(x)
    assert y is not x and y.requires_grad and y.data_ptr() != x.data_ptr()


# ---- leaving the tensor world --------------------------------------------------------

NUMPY_ADVICE = "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead."


def test_numpy_of_a_tensor_that_requires_grad(x):
    with pytest.raises(RuntimeError, match=exactly(NUMPY_ADVICE)):
        x.numpy()
    with pytest.raises(RuntimeError, match=exactly(NUMPY_ADVICE)):
        numpy.asarray(x)
    assert x.detach().numpy().tolist() == [1.0, 1.0]
    assert x.data.numpy().tolist() == [1.0, 1.0]


def test_item_of_several_elements():
    with pytest.raises(RuntimeError, match=exactly(
            "a Tensor with 2 elements cannot be converted to Scalar")):
        ag.ones(2).item()


def test_truth_value_of_several_elements():
    with pytest.raises(RuntimeError, match=exactly(
            "Boolean value of Tensor with more than one value is ambiguous")):
        bool(ag.ones(2))


def test_len_and_iteration_of_a_zero_dim_tensor():
    with pytest.raises(TypeError, match=exactly("len() of a 0-d tensor")):
        len(ag.tensor(1.0))
    with pytest.raises(TypeError, match=exactly("iteration over a 0-d tensor")):
        iter(ag.tensor(1.0))


# ---- the legacy API ------------------------------------------------------------------

ZERO_DIM_INDEX = ("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or "
                  "`tensor.item<T>()` in C++ to convert a 0-dim tensor to a number")


def test_loss_data_zero_points_to_item(x):
    loss = (x * 2).sum()
    with pytest.raises(IndexError, match=exactly(ZERO_DIM_INDEX)):
        loss.data[0]
    with pytest.raises(IndexError, match=exactly(ZERO_DIM_INDEX)):
        loss[0]
    assert loss.item() == 4.0


def test_variable_of_something_else_than_a_tensor():
    with pytest.raises(TypeError, match=exactly("Variable data has to be a tensor, but got list")):
        Variable([1.0, 2.0])


def test_variable_volatile_points_to_no_grad():
    # PyTorch 2.13 only warns ("volatile was removed and now has no effect. Use
    # `with torch.no_grad():` instead.") and goes on recording a graph; autograd_ref
    # refuses, so that old code meant to run without a graph cannot silently build one.
    with pytest.raises(RuntimeError, match=r"volatile was removed.*with torch\.no_grad\(\):"):
        Variable(ag.ones(2), volatile=True)


@pytest.mark.parametrize("op", [lambda a, b: a + b, lambda a, b: a * b, lambda a, b: a - b,
                                lambda a, b: a / b, ag.maximum, lambda a, b: a < b])
def test_shapes_that_do_not_broadcast_give_pytorchs_error(op):
    a, b = ag.zeros(2, 3), ag.ones(4, 3)
    with pytest.raises(RuntimeError, match=re.escape(
            "The size of tensor a (2) must match the size of tensor b (4) at non-singleton dimension 0")):
        op(a, b)


def test_copy_from_a_source_with_more_dimensions_is_refused():
    with pytest.raises(RuntimeError, match=re.escape(
            "output with shape [2, 3] doesn't match the broadcast shape [5, 2, 3]")):
        ag.zeros(2, 3).copy_(ag.ones(5, 2, 3))


def test_in_place_result_must_keep_the_tensors_shape():
    a = ag.zeros(2, 3)
    with pytest.raises(RuntimeError, match=re.escape(
            "output with shape [2, 3] doesn't match the broadcast shape [5, 2, 3]")):
        a.add_(ag.ones(5, 2, 3))
    with pytest.raises(RuntimeError, match=re.escape("The size of tensor a (2) must match")):
        a.mul_(ag.ones(4, 3))
    a.add_(ag.ones(3))
    assert a.tolist() == [[1.0, 1.0, 1.0], [1.0, 1.0, 1.0]]


def test_out_refuses_a_tensor_of_a_lower_kind_and_warns_when_resizing():
    with pytest.raises(RuntimeError, match=re.escape(
            "result type Float can't be cast to the desired output type Long")):
        ag.add(ag.ones(2), ag.ones(2), out=ag.zeros(2, dtype=ag.int64))
    result = ag.zeros(3)
    with pytest.warns(UserWarning, match="An output with one or more elements was resized"):
        ag.add(ag.ones(2), ag.ones(2), out=result)
    assert result.tolist() == [2.0, 2.0]
