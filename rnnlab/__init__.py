"""rnnlab: learn recurrent networks, then ship fast torch-free ONNX forecasters.

The public API is what this package exports (``rnnlab.__all__``):

- runtime, needing only numpy and onnxruntime: ``read_prices``, ``load``
  (-> ``Model``: ``forecast`` -> ``Forecast``, ``generate`` -> ``Generated``),
  ``Prices``, ``RnnlabError``;
- training, needing PyTorch (``pip install 'rnnlab[train]'``): ``train`` ->
  ``Trained``, ``ensemble``, ``backtest`` -> ``Backtest``,
  ``Evaluation``, ``PRESETS``.

Every name is imported on first use, so ``import rnnlab`` imports neither PyTorch nor
onnxruntime; using a training name without PyTorch raises a one-line
``RnnlabError`` that says what to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.2.0.dev0"

# Public name -> the module that defines it.
_RUNTIME = {
    "RnnlabError": "rnnlab.runtime.errors",
    "Prices": "rnnlab.runtime.prices",
    "read_prices": "rnnlab.runtime.sources",
    "load": "rnnlab.runtime.model",
    "Model": "rnnlab.runtime.model",
    "Forecast": "rnnlab.runtime.results",
    "Generated": "rnnlab.runtime.results",
}
_TRAINING = {
    "train": "rnnlab.training.api",
    "ensemble": "rnnlab.training.api",
    "backtest": "rnnlab.training.api",
    "Trained": "rnnlab.training.trained",
    "Evaluation": "rnnlab.training.results",
    "Backtest": "rnnlab.training.results",
    "PRESETS": "rnnlab.training.presets",
}

if TYPE_CHECKING:  # what the lazy names are, for type checkers and the API reference
    from rnnlab.runtime.errors import RnnlabError
    from rnnlab.runtime.model import Model, load
    from rnnlab.runtime.prices import Prices
    from rnnlab.runtime.results import Forecast, Generated
    from rnnlab.runtime.sources import read_prices
    from rnnlab.training.api import backtest, ensemble, train
    from rnnlab.training.presets import PRESETS
    from rnnlab.training.results import Backtest, Evaluation
    from rnnlab.training.trained import Trained


def __getattr__(name: str):
    """Import a public name on first use (module ``__getattr__``, PEP 562)."""
    module = _RUNTIME.get(name) or _TRAINING.get(name)
    if module is None:
        raise AttributeError(f"module 'rnnlab' has no attribute '{name}'")
    try:
        value = getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as error:
        from rnnlab.runtime.extras import install_hint, missing_package

        package = missing_package(error)
        if package is None:
            raise
        raise install_hint(package, f"rnnlab.{name}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_RUNTIME, *_TRAINING])


__all__ = [
    "__version__",
    "RnnlabError", "Prices", "read_prices", "load", "Model", "Forecast", "Generated",
    "train", "ensemble", "backtest", "Trained", "Evaluation", "Backtest", "PRESETS",
]
