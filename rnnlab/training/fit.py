"""The training loop: mini-batch MSE, optional validation split, early stopping."""

from __future__ import annotations

import copy
import sys

import numpy as np
import torch
from torch import nn
from tqdm.auto import tqdm

from rnnlab.runtime.errors import RnnlabError
from rnnlab.training.precision import autocast
from rnnlab.training.presets import Recipe


def make_optimizer(model: nn.Module, recipe: Recipe) -> torch.optim.Optimizer:
    """The recipe's optimizer, with Keras' constants for the seed presets.

    ``foreach``: one multi-tensor op per update stage instead of one op per parameter;
    the same arithmetic, bit for bit, and about 30% less time per update (RMSprop over
    seed-lstm's 18 tensors: 0.38 ms instead of 0.54 ms on one thread).
    """
    params = model.parameters()
    if recipe.optimizer == "rmsprop":
        # Keras: rho = 0.9, epsilon = 1e-7 (PyTorch's defaults are 0.99 and 1e-8).
        return torch.optim.RMSprop(params, lr=recipe.lr, alpha=0.9, eps=1e-7, foreach=True)
    if recipe.optimizer == "sgd":
        return torch.optim.SGD(params, lr=recipe.lr, momentum=recipe.momentum, foreach=True)
    if recipe.optimizer == "adam":
        return torch.optim.Adam(params, lr=recipe.lr, foreach=True)
    raise RnnlabError(f"optimizer '{recipe.optimizer}' is unknown; use rmsprop, sgd or adam")


def resolve_device(device: str) -> torch.device:
    """``auto`` -> cuda when available, else cpu; an explicit ``cuda`` must exist."""
    if device == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if device not in ("cpu", "cuda"):
        raise RnnlabError(f"--device: '{device}' is unknown; use auto, cpu or cuda")
    if device == "cuda" and not torch.cuda.is_available():
        raise RnnlabError("--device cuda: no CUDA GPU is visible; use --device cpu")
    return torch.device(device)


def fit(
    model: nn.Module,
    x: np.ndarray,
    y: np.ndarray,
    recipe: Recipe,
    seed: int,
    device: torch.device,
    progress: bool = True,
) -> list[dict[str, float]]:
    """Train ``model`` in place on ``x (pairs, window, features)`` -> ``y (pairs,)``.

    Like Keras' ``validation_split``, the last ``val_fraction`` of the pairs (the
    most recent days) is held out; with ``patience > 0`` training stops when the
    validation loss has not improved for that many epochs, and the best weights
    are restored. ``recipe.precision`` ``bf16`` runs the forward pass under bfloat16
    autocast; the validation loss is the float32 model's, like the exported file's.
    Returns one ``{"epoch", "loss"[, "val_loss"]}`` per epoch.
    """
    held = int(len(x) * recipe.val_fraction)
    if recipe.val_fraction and held < 1:
        raise RnnlabError(f"--val-fraction {recipe.val_fraction} holds out no windows; raise it")
    xs = torch.as_tensor(x, device=device)
    ys = torch.as_tensor(y, device=device)
    x_train, y_train = xs[: len(xs) - held], ys[: len(ys) - held]
    x_val, y_val = xs[len(xs) - held:], ys[len(ys) - held:]

    model.to(device)
    optimizer = make_optimizer(model, recipe)
    # Keras' legacy decay: lr_t = lr / (1 + decay * t), t counted in optimizer steps
    # (none without decay: lr / (1 + 0 * t) is lr, so the step would change nothing).
    schedule = (torch.optim.lr_scheduler.LambdaLR(optimizer, lambda t: 1 / (1 + recipe.decay * t))
                if recipe.decay else None)
    loss_fn = nn.MSELoss()
    order = torch.Generator().manual_seed(seed)
    best, best_state, waited, history = float("inf"), None, 0, []

    bar = tqdm(range(1, recipe.epochs + 1), desc="train", unit="epoch", file=sys.stderr,
               disable=not progress, leave=False)
    for epoch in bar:
        model.train()
        total = torch.zeros((), device=device)
        # The epoch's batches in one gather, x_train[shuffled], then views of `batch` rows
        # each: the same batches as a gather per step, bit for bit.
        shuffled = torch.randperm(len(x_train), generator=order).to(device)
        for x_batch, y_batch in zip(x_train[shuffled].split(recipe.batch),
                                    y_train[shuffled].split(recipe.batch)):
            optimizer.zero_grad(set_to_none=True)
            with autocast(recipe.precision, device):  # fp32: no-op; bf16: see precision.py
                out = model(x_batch)
            loss = loss_fn(out.float(), y_batch)
            loss.backward()
            optimizer.step()
            if schedule is not None:
                schedule.step()
            total += loss.detach() * len(x_batch)  # summed on the device: no sync per step
        record = {"epoch": epoch, "loss": total.item() / len(x_train)}
        if held:
            model.eval()
            with torch.no_grad():
                record["val_loss"] = loss_fn(model(x_val), y_val).item()
        history.append(record)
        bar.set_postfix({k: f"{v:.5f}" for k, v in record.items() if k != "epoch"})
        if held and recipe.patience:
            if record["val_loss"] < best:
                best, best_state, waited = record["val_loss"], copy.deepcopy(model.state_dict()), 0
            else:
                waited += 1
                if waited >= recipe.patience:
                    break
    if best_state is not None:
        model.load_state_dict(best_state)
    model.eval()
    return history
