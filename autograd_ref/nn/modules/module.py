"""``Module``: the base class of every layer and model.

    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(2, 1)          # registered as a child module
    ...     def forward(self, x):
    ...         return self.fc(x)
    >>> [name for name, _ in Net().named_parameters()]
    ['fc.weight', 'fc.bias']

A Module keeps three ordered dictionaries: ``_parameters`` (its own
Parameters), ``_buffers`` (tensors that are state but are not learned, such as
batch norm's running mean) and ``_modules`` (its children). Assigning an
attribute puts a Parameter or a Module into the right dictionary
(``__setattr__``), and reading the attribute finds it there (``__getattr__``).
Everything else (``parameters()``, ``state_dict()``, ``train()``, ``to()``,
``repr``) walks that tree of modules.
"""
from collections import OrderedDict, namedtuple

from ...autograd.grad_mode import no_grad
from ...autograd.graph import _add_hook
from ...tensor import Tensor
from ..parameter import Parameter


def _typename(value):
    """How PyTorch names a value's type in its messages: ``torch.FloatTensor``
    for a tensor, ``int``, ``mypackage.MyClass``."""
    if isinstance(value, Tensor):
        from ...tensor import legacy_type_name
        return legacy_type_name(value)
    cls = type(value)
    if cls.__module__ in ("builtins", "__builtin__", None):
        return cls.__qualname__
    return f"{cls.__module__}.{cls.__qualname__}"


def _check_name(kind, name, module):
    """The checks shared by ``register_parameter``, ``register_buffer`` and
    ``add_module``: a non-empty string with no dot, not already an attribute."""
    if not isinstance(name, str):
        raise TypeError(f"{kind} name should be a string. Got {_typename(name)}")
    if "." in name:
        raise KeyError(f'{kind} name can\'t contain "."' + (f", got: {name}" if kind == "module" else ""))
    if name == "":
        raise KeyError(f'{kind} name can\'t be empty string ""')
    own = {"parameter": "_parameters", "buffer": "_buffers", "module": "_modules"}[kind]
    if hasattr(module, name) and name not in module.__dict__[own]:
        raise KeyError(f"attribute '{name}' already exists")


class _IncompatibleKeys(namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])):
    """What ``load_state_dict`` returns: the keys it did not find and those it
    did not expect."""

    def __repr__(self):
        if not self.missing_keys and not self.unexpected_keys:
            return "<All keys matched successfully>"
        return f"_IncompatibleKeys(missing_keys={self.missing_keys}, unexpected_keys={self.unexpected_keys})"

    __str__ = __repr__


class Module:
    """Base class for layers and models: subclass it, create the layers and
    Parameters in ``__init__``, and say how they combine in ``forward``.

        >>> model = Sequential(Linear(4, 8), ReLU(), Linear(8, 1))
        >>> model(randn(16, 4)).shape
        autograd_ref.Size([16, 1])
    """

    training: bool

    def __init__(self):
        # object.__setattr__: our own __setattr__ needs these dictionaries to exist.
        set_ = object.__setattr__
        set_(self, "training", True)
        set_(self, "_parameters", OrderedDict())
        set_(self, "_buffers", OrderedDict())
        set_(self, "_non_persistent_buffers_set", set())
        set_(self, "_modules", OrderedDict())
        set_(self, "_forward_hooks", OrderedDict())
        set_(self, "_forward_pre_hooks", OrderedDict())

    # ---- running the module ------------------------------------------------
    def forward(self, *args, **kwargs):
        """What the module computes; every subclass defines it. Call the module
        (``model(x)``) rather than ``forward``, so that hooks run."""
        raise NotImplementedError(
            f'Module [{type(self).__name__}] is missing the required "forward" function')

    def __call__(self, *args, **kwargs):
        if not (self._forward_hooks or self._forward_pre_hooks):
            return self.forward(*args, **kwargs)
        for hook in list(self._forward_pre_hooks.values()):
            changed = hook(self, args)
            if changed is not None:
                args = changed if isinstance(changed, tuple) else (changed,)
        output = self.forward(*args, **kwargs)
        for hook in list(self._forward_hooks.values()):
            changed = hook(self, args, output)
            if changed is not None:
                output = changed
        return output

    def register_forward_pre_hook(self, hook):
        """Call ``hook(module, args)`` before each ``forward``; if it returns
        something, that replaces the positional arguments.

            >>> handle = model.register_forward_pre_hook(lambda m, args: print(args[0].shape))
            >>> handle.remove()
        """
        return _add_hook(self._forward_pre_hooks, hook)

    def register_forward_hook(self, hook):
        """Call ``hook(module, args, output)`` after each ``forward``; if it
        returns something, that replaces the output.

            >>> seen = []; handle = model.register_forward_hook(lambda m, a, out: seen.append(out))
            >>> handle.remove()
        """
        return _add_hook(self._forward_hooks, hook)

    # ---- registering parameters, buffers and children ---------------------
    def register_parameter(self, name, param):
        """Add a Parameter (or None, a declared but absent parameter) under ``name``.

            >>> m.register_parameter("scale", Parameter(ones(1)))
        """
        if "_parameters" not in self.__dict__:
            raise AttributeError("cannot assign parameter before Module.__init__() call")
        _check_name("parameter", name, self)
        if param is None:
            self._parameters[name] = None
            return
        if not isinstance(param, Parameter):
            raise TypeError(
                f"cannot assign '{_typename(param)}' object to parameter '{name}' "
                "(torch.nn.Parameter or None required)")
        if param.grad_fn is not None:
            raise ValueError(
                f"Cannot assign non-leaf Tensor to parameter '{name}'. Model parameters must be "
                f"created explicitly. To express '{name}' as a function of another Tensor, "
                "compute the value in the forward() method.")
        self._parameters[name] = param

    def register_buffer(self, name, tensor, persistent=True):
        """Add a tensor that is part of the module's state but is not learned
        (``state_dict`` saves it unless ``persistent=False``; ``to()`` moves it).

            >>> m.register_buffer("running_mean", zeros(3))
        """
        if "_buffers" not in self.__dict__:
            raise AttributeError("cannot assign buffer before Module.__init__() call")
        _check_name("buffer", name, self)
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(
                f"cannot assign '{_typename(tensor)}' object to buffer '{name}' "
                "(torch Tensor or None required)")
        self._buffers[name] = tensor
        if persistent:
            self._non_persistent_buffers_set.discard(name)
        else:
            self._non_persistent_buffers_set.add(name)

    def add_module(self, name, module):
        """Add a child module under ``name`` (what ``self.name = module`` does).

            >>> seq.add_module("act", ReLU())
        """
        if not isinstance(module, Module) and module is not None:
            raise TypeError(f"{_typename(module)} is not a Module subclass")
        if "_modules" not in self.__dict__:
            raise AttributeError("cannot assign module before Module.__init__() call")
        _check_name("module", name, self)
        self._modules[name] = module

    register_module = add_module

    def __setattr__(self, name, value):
        d = self.__dict__
        params = d.get("_parameters")
        if isinstance(value, Parameter):
            if params is None:
                raise AttributeError("cannot assign parameters before Module.__init__() call")
            self._forget(name)
            self.register_parameter(name, value)
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as parameter '{name}' "
                    "(torch.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            if d.get("_modules") is None:
                raise AttributeError("cannot assign module before Module.__init__() call")
            self._forget(name)
            d["_modules"][name] = value
        elif name in d.get("_modules", ()):
            if value is not None:
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as child module '{name}' "
                    "(torch.nn.Module or None expected)")
            d["_modules"][name] = None
        elif name in d.get("_buffers", ()):
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(
                    f"cannot assign '{_typename(value)}' as buffer '{name}' "
                    "(torch.Tensor or None expected)")
            d["_buffers"][name] = value
        else:
            object.__setattr__(self, name, value)

    def _forget(self, name):
        """Remove ``name`` from wherever it was, before it is registered anew."""
        d = self.__dict__
        d.pop(name, None)
        for own in ("_parameters", "_buffers", "_modules"):
            d[own].pop(name, None)
        d["_non_persistent_buffers_set"].discard(name)

    def __getattr__(self, name):
        # Called only when normal lookup fails: parameters, buffers and children
        # live in their dictionaries, not in __dict__.
        d = self.__dict__
        for own in ("_parameters", "_buffers", "_modules"):
            if own in d and name in d[own]:
                return d[own][name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __delattr__(self, name):
        for own in ("_parameters", "_buffers", "_modules"):
            if name in self.__dict__[own]:
                del self.__dict__[own][name]
                self._non_persistent_buffers_set.discard(name)
                return
        object.__delattr__(self, name)

    def __dir__(self):
        names = set(super().__dir__())
        for own in ("_parameters", "_buffers", "_modules"):
            names.update(self.__dict__[own])
        return sorted(n for n in names if not n[0].isdigit())

    def get_submodule(self, target):
        """The module at a dotted path: ``model.get_submodule("features.0")``."""
        module = self
        if target == "":
            return module
        for part in target.split("."):
            if not isinstance(module, Module) or part not in module._modules:
                raise AttributeError(f"{module._get_name()} has no attribute `{part}`")
            module = module._modules[part]
        return module

    # ---- walking the tree -------------------------------------------------
    def named_modules(self, memo=None, prefix="", remove_duplicate=True):
        """``(dotted name, module)`` for this module (name ``''``) and every
        module below it, each once.

            >>> [name for name, _ in Sequential(Linear(2, 2), ReLU()).named_modules()]
            ['', '0', '1']
        """
        if memo is None:
            memo = set()
        if remove_duplicate:
            if id(self) in memo:
                return
            memo.add(id(self))
        yield prefix, self
        for name, child in self._modules.items():
            if child is None:
                continue
            yield from child.named_modules(memo, f"{prefix}.{name}" if prefix else name,
                                           remove_duplicate)

    def _walk(self):
        """This module and every module below it, each once, in named_modules' order, without their names."""
        order, seen, stack = [], set(), [self]
        while stack:
            module = stack.pop()
            if module is not None and id(module) not in seen:      # (a child may be None: declared, absent)
                seen.add(id(module))
                order.append(module)
                stack.extend(reversed(module._modules.values()))
        return order

    def modules(self):
        """This module and every module below it."""
        for _, module in self.named_modules():
            yield module

    def named_children(self):
        """``(name, module)`` for the direct children."""
        seen = set()
        for name, child in self._modules.items():
            if child is not None and id(child) not in seen:
                seen.add(id(child))
                yield name, child

    def children(self):
        """The direct children."""
        for _, child in self.named_children():
            yield child

    def _named_members(self, own, prefix, recurse, remove_duplicate=True):
        """``(dotted name, tensor)`` from the dictionary ``own`` of this module
        (and, with ``recurse``, of every module below), each tensor once."""
        seen = set()
        modules = self.named_modules(prefix=prefix, remove_duplicate=remove_duplicate) \
            if recurse else [(prefix, self)]
        for module_prefix, module in modules:
            for name, value in module.__dict__[own].items():
                if value is None or (remove_duplicate and id(value) in seen):
                    continue
                seen.add(id(value))
                yield (f"{module_prefix}.{name}" if module_prefix else name), value

    def named_parameters(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, Parameter)`` for every parameter, each once.

            >>> [name for name, _ in Linear(2, 1).named_parameters()]
            ['weight', 'bias']
        """
        yield from self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse=True):
        """Every Parameter of this module and (with ``recurse``) those below it:
        what an optimizer is given.

            >>> sum(p.numel() for p in Linear(2, 1).parameters())
            3
        """
        if type(self).named_parameters is not Module.named_parameters:
            for _, param in self.named_parameters(recurse=recurse):     # a subclass's own decides
                yield param
            return
        # What named_parameters gives, without making the names: zero_grad, optimizers and training loops
        # walk this on every step.
        seen = set()
        for module in self._walk() if recurse else (self,):
            for param in module._parameters.values():
                if param is not None and id(param) not in seen:
                    seen.add(id(param))
                    yield param

    def named_buffers(self, prefix="", recurse=True, remove_duplicate=True):
        """``(dotted name, tensor)`` for every buffer."""
        yield from self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse=True):
        """Every buffer of this module and (with ``recurse``) those below it."""
        for _, buffer in self.named_buffers(recurse=recurse):
            yield buffer

    def apply(self, fn):
        """Call ``fn(module)`` on every child (recursively), then on this module;
        returns self. The usual way to initialise weights.

            >>> model.apply(lambda m: init.zeros_(m.bias) if isinstance(m, Linear) else None)
        """
        for child in self.children():
            child.apply(fn)
        fn(self)
        return self

    # ---- modes and gradients ---------------------------------------------------
    def train(self, mode=True):
        """Set training mode (``True``) or evaluation mode here and in every
        module below; it changes what Dropout and BatchNorm do. Returns self.

            >>> model.train(); model.training
            True
        """
        if not isinstance(mode, bool):
            raise ValueError("training mode is expected to be boolean")
        for module in self.modules():
            module.training = mode
        return self

    def eval(self):
        """Evaluation mode: ``train(False)``.

            >>> model.eval(); model.training
            False
        """
        return self.train(False)

    def requires_grad_(self, requires_grad=True):
        """Turn gradient recording on or off for every parameter (to freeze
        part of a model); returns self.

            >>> model.features.requires_grad_(False)
        """
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none=True):
        """Forget the gradients of every parameter: set ``.grad`` to None (the
        default), or fill it with zeros.

            >>> loss.backward(); model.zero_grad()
        """
        for p in self.parameters():
            p._reset_grad(set_to_none)

    # ---- saving and loading ----------------------------------------------------
    def state_dict(self, *, destination=None, prefix="", keep_vars=False):
        """An ordered dict from dotted names to the tensors of every parameter
        and persistent buffer (detached, sharing memory, unless ``keep_vars``).

            >>> list(Linear(2, 1).state_dict())
            ['weight', 'bias']
        """
        if destination is None:
            destination = OrderedDict()
        for name, param in self._parameters.items():
            if param is not None:
                destination[prefix + name] = param if keep_vars else param.detach()
        for name, buffer in self._buffers.items():
            if buffer is not None and name not in self._non_persistent_buffers_set:
                destination[prefix + name] = buffer if keep_vars else buffer.detach()
        for name, child in self._modules.items():
            if child is not None:
                child.state_dict(destination=destination, prefix=prefix + name + ".",
                                 keep_vars=keep_vars)
        return destination

    def load_state_dict(self, state_dict, strict=True, assign=False):
        """Copy the tensors of ``state_dict`` into this module's parameters and
        buffers. With ``strict`` (the default) every key must match; returns the
        ``missing_keys`` and ``unexpected_keys``.

            >>> model.load_state_dict(saved)
            <All keys matched successfully>
        """
        if not isinstance(state_dict, dict):
            raise TypeError(f"Expected state_dict to be dict-like, got {type(state_dict)}.")
        own = self.state_dict(keep_vars=True)
        missing = [key for key in own if key not in state_dict]
        unexpected = [key for key in state_dict if key not in own]
        errors = []
        for key, target in own.items():
            if key not in state_dict:
                continue
            value = state_dict[key]
            if not isinstance(value, Tensor):
                errors.append(
                    f'While copying the parameter named "{key}", expected torch.Tensor or '
                    f"Tensor-like object from checkpoint but received {type(value)}")
                continue
            if value.shape != target.shape:
                errors.append(
                    f"size mismatch for {key}: copying a param with shape {value.shape!r} from "
                    f"checkpoint, the shape in current model is {target.shape!r}.")
                continue
            if assign:
                self._assign(key, value)
            else:
                with no_grad():
                    target.copy_(value)
        if strict:
            if unexpected:
                errors.insert(0, "Unexpected key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in unexpected)))
            if missing:
                errors.insert(0, "Missing key(s) in state_dict: {}. ".format(
                    ", ".join(f'"{k}"' for k in missing)))
        if errors:
            raise RuntimeError("Error(s) in loading state_dict for {}:\n\t{}".format(
                self._get_name(), "\n\t".join(errors)))
        return _IncompatibleKeys(missing, unexpected)

    def _assign(self, key, value):
        """``load_state_dict(assign=True)``: use the given tensor itself."""
        *path, name = key.split(".")
        module = self.get_submodule(".".join(path))
        if name in module._parameters:
            old = module._parameters[name]
            module._parameters[name] = Parameter(value, old.requires_grad)
        else:
            module._buffers[name] = value

    # ---- dtype and device ---------------------------------------------------
    def _apply(self, fn):
        """Replace every parameter's and buffer's numbers by ``fn(tensor)``, in
        this module and below. Parameters keep their identity (an optimizer that
        holds them still sees them): only their ``data`` changes."""
        for module in self.modules():
            for param in module._parameters.values():
                if param is None:
                    continue
                with no_grad():
                    param.data = fn(param)
                    if param._grad is not None:
                        param._grad.data = fn(param._grad)
            for name, buffer in module._buffers.items():
                if buffer is not None:
                    module._buffers[name] = fn(buffer)
        return self

    def to(self, *args, **kwargs):
        """Convert floating-point parameters and buffers to a dtype, and/or move
        them to a device (``'cpu'``, ``'cuda'``, ``'cuda:0'``); changes the module
        in place and returns it. Parameters keep their identity, so an optimizer
        made before the move still holds them.

            >>> model.to(float64).fc.weight.dtype
            autograd_ref.float64
        """
        from ..._backend import placement
        from ...ops.shape import to_arguments
        dtype = kwargs.pop("dtype", None)
        device = kwargs.pop("device", None)
        kwargs.pop("non_blocking", None)
        if kwargs:
            raise TypeError(f"to() got an unexpected keyword argument '{next(iter(kwargs))}'")
        dtype, device = to_arguments(args, dtype, device)
        if device is not None:
            device = placement(device)      # says why, before anything moves, when there is no such device
        if dtype is not None and not dtype.is_floating_point:
            raise TypeError(
                "nn.Module.to only accepts floating point or complex dtypes, but got desired "
                f"dtype={dtype!r}")

        def convert(t):
            if dtype is not None and t.is_floating_point():
                return t.to(dtype=dtype, device=device)
            return t.to(device=device) if device is not None else t

        return self._apply(convert)

    def float(self):
        """Floating-point parameters and buffers to float32; returns self."""
        from ... import dtypes
        return self._apply(lambda t: t.to(dtypes.float32) if t.is_floating_point() else t)

    def double(self):
        """Floating-point parameters and buffers to float64; returns self."""
        from ... import dtypes
        return self._apply(lambda t: t.to(dtypes.float64) if t.is_floating_point() else t)

    def share_memory(self):
        """Move every parameter and buffer into shared memory, so that processes started afterwards
        (``autograd_ref.multiprocessing``) train this one model; returns self.

            >>> model.share_memory().fc.weight.is_shared()
            True
        """
        for tensor in list(self.parameters()) + list(self.buffers()):
            tensor.share_memory_()
        return self

    def cpu(self):
        """Parameters and buffers to the CPU; returns self."""
        return self.to("cpu")

    def cuda(self, device=None):
        """Parameters and buffers to a GPU (``device``: its number; default the
        current one); returns self.

            >>> model.cuda().fc.weight.device                  # needs CuPy and a GPU
            device(type='cuda', index=0)
        """
        return self.to("cuda" if device is None else device)

    def type(self, dst_type):
        """Every parameter and buffer to ``dst_type``; returns self."""
        return self._apply(lambda t: t.type(dst_type))

    # ---- printing ----------------------------------------------------------------
    def _get_name(self):
        return type(self).__name__

    def extra_repr(self):
        """The text inside the parentheses of ``repr``; layers override it to
        show their settings (``in_features=2, out_features=3, bias=True``)."""
        return ""

    def __repr__(self):
        # The module's own settings first, then one "(name): repr" line per
        # child, its lines indented by two more spaces.
        extra = self.extra_repr()
        extra_lines = extra.split("\n") if extra else []
        child_lines = []
        for name, child in self._modules.items():
            child_lines.append(f"({name}): " + _indent(repr(child), 2))
        lines = extra_lines + child_lines
        if not lines:
            return self._get_name() + "()"
        if len(extra_lines) == 1 and not child_lines:
            return f"{self._get_name()}({extra_lines[0]})"
        return self._get_name() + "(\n  " + "\n  ".join(lines) + "\n)"


def _indent(text, spaces):
    """Indent every line of ``text`` but the first by ``spaces``."""
    first, *rest = text.split("\n")
    if not rest:
        return text
    pad = " " * spaces
    return "\n".join([first] + [pad + line for line in rest])
