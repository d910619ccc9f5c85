"""torch.save and torch.load: checkpoints round-trip, and loading cannot run code unless asked to."""
import collections
import io
import os
import pickle
import zipfile

import pytest

import autograd_ref as torch
from autograd_ref import nn, optim


def _round_trip(obj, **load_args):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    buffer.seek(0)
    return torch.load(buffer, **load_args)


def test_a_checkpoint_comes_back_with_its_types_values_and_flags():
    saved = {"w": torch.arange(6.).reshape(2, 3).t(), "leaf": torch.ones(2, requires_grad=True),
             "p": nn.Parameter(torch.ones(1)), "n": torch.tensor(2.5, dtype=torch.float64),
             "i": torch.arange(3), "b": torch.tensor([True, False]), "size": torch.Size([2, 3]),
             "dtype": torch.float64, "device": torch.device("cpu"), "od": collections.OrderedDict(a=1),
             "numbers": [1, 2.5, "x", None, (3, 4)], "s": {1, 2}}
    loaded = _round_trip(saved)
    assert loaded["w"].tolist() == [[0., 3.], [1., 4.], [2., 5.]] and loaded["w"].is_contiguous()
    assert loaded["leaf"].requires_grad and loaded["leaf"].is_leaf
    assert isinstance(loaded["p"], nn.Parameter) and loaded["p"].requires_grad
    assert loaded["n"].dtype is torch.float64 and loaded["n"].shape == () and loaded["n"].item() == 2.5
    assert loaded["i"].dtype is torch.int64 and loaded["b"].dtype is torch.bool
    assert loaded["size"] == torch.Size([2, 3]) and isinstance(loaded["size"], torch.Size)
    assert loaded["dtype"] is torch.float64 and loaded["device"] == torch.device("cpu")
    assert loaded["od"] == collections.OrderedDict(a=1) and isinstance(loaded["od"], collections.OrderedDict)
    assert loaded["numbers"] == [1, 2.5, "x", None, (3, 4)] and loaded["s"] == {1, 2}


def test_training_resumes_from_a_saved_model_and_optimizer(tmp_path):
    torch.manual_seed(0)
    x, y = torch.randn(8, 3), torch.randn(8, 1)

    def step(model, opt):
        opt.zero_grad()
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    model = nn.Linear(3, 1)
    opt = optim.Adam(model.parameters(), lr=0.1)
    for _ in range(3):
        step(model, opt)
    path = tmp_path / "checkpoint.pt"
    torch.save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path)
    straight_on = [step(model, opt) for _ in range(3)]

    checkpoint = torch.load(path)
    resumed = nn.Linear(3, 1)
    resumed.load_state_dict(checkpoint["model"])
    resumed_opt = optim.Adam(resumed.parameters(), lr=0.1)
    resumed_opt.load_state_dict(checkpoint["optimizer"])
    assert checkpoint["epoch"] == 3
    assert [step(resumed, resumed_opt) for _ in range(3)] == straight_on


class Config:
    """A class of the user's: not rebuilt by a weights-only load unless allowed."""
    def __init__(self, depth):
        self.depth = depth


def test_weights_only_refuses_other_classes_with_pytorchs_advice():
    buffer = io.BytesIO()
    torch.save({"config": Config(3)}, buffer)
    buffer.seek(0)
    with pytest.raises(pickle.UnpicklingError, match=r"Unsupported global: GLOBAL test_serialization.Config was not "
                                                     r"an allowed global by default\. Please use `torch\.serialization"
                                                     r"\.add_safe_globals"):
        torch.load(buffer)
    buffer.seek(0)
    assert torch.load(buffer, weights_only=False)["config"].depth == 3
    buffer.seek(0)
    with torch.serialization.safe_globals([Config]):
        assert torch.load(buffer)["config"].depth == 3
    assert Config not in torch.serialization.get_safe_globals()


def test_a_file_that_would_run_code_is_refused(tmp_path):
    marker = tmp_path / "ran"

    class Attack:
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump(("autograd_ref tensors", 1), f)
        pickle.dump({"weights": Attack()}, f)
    with pytest.raises(pickle.UnpicklingError, match="Unsupported global: GLOBAL posix.system"):
        torch.load(path)
    assert not marker.exists()


def test_pytorchs_own_files_and_other_bytes_get_a_clear_error(tmp_path):
    path = tmp_path / "from_pytorch.pt"
    with zipfile.ZipFile(path, "w") as archive:         # PyTorch's torch.save writes a zip archive
        archive.writestr("archive/data.pkl", b"...")
    with pytest.raises(RuntimeError, match="zip archive, as PyTorch's torch.save writes"):
        torch.load(path)
    with pytest.raises(pickle.UnpicklingError, match="not a file written by autograd_ref.save"):
        torch.load(io.BytesIO(b"not a checkpoint at all"))
    with pytest.raises(FileNotFoundError):
        torch.load(tmp_path / "missing.pt")


def test_map_location_moves_the_tensors():
    saved = {"w": torch.ones(2)}
    assert _round_trip(saved, map_location="cpu")["w"].device == torch.device("cpu")
    assert _round_trip(saved, map_location={"cpu": "cpu"})["w"].tolist() == [1.0, 1.0]
    seen = []
    assert _round_trip(saved, map_location=lambda t, where: seen.append(where) or t)["w"].tolist() == [1.0, 1.0]
    assert seen == ["cpu"]
    if not torch.cuda.is_available():
        with pytest.raises(RuntimeError, match="map_location=torch.device\\('cpu'\\)"):
            _round_trip(saved, map_location="cuda")
