"""rnnlab: learn recurrent networks, then ship fast torch-free ONNX forecasters.

The public API is what this package exports (``rnnlab.__all__``):

- runtime, needing only numpy and onnxruntime: ``read_prices``, ``load``
  (-> ``Model``: ``forecast`` -> ``Forecast``, ``generate`` -> ``Generated``),
  ``Prices``, ``RnnlabError``;
- training, needing PyTorch (``pip install 'rnnlab[train]'``): ``train`` ->
  ``Trained`` (a text preset: ``TrainedText``), ``ensemble``, ``backtest`` -> ``Backtest``,
  ``Evaluation``, ``PRESETS`` (prices), ``CHAR_PRESETS`` (text).

Every name is imported on first use, so ``import rnnlab`` imports neither PyTorch nor
onnxruntime; using a training name without PyTorch raises a one-line
``RnnlabError`` that says what to install.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from rnnlab.version import __version__

# The public API, one entry per name: name -> the module that defines it. Runtime names need
# only numpy and onnxruntime; training names need PyTorch (``pip install 'rnnlab[train]'``).
PUBLIC = {
    "RnnlabError": "rnnlab.runtime.errors",
    "Prices": "rnnlab.runtime.prices.table",
    "read_prices": "rnnlab.runtime.prices.sources",
    "load": "rnnlab.runtime.forecaster",
    "Model": "rnnlab.runtime.forecaster",
    "Forecast": "rnnlab.runtime.forecasts",
    "Generated": "rnnlab.runtime.forecasts",
    "train": "rnnlab.api",
    "ensemble": "rnnlab.api",
    "backtest": "rnnlab.api",
    "Trained": "rnnlab.training.trained",
    "TrainedText": "rnnlab.language.chartrained",
    "Evaluation": "rnnlab.training.results",
    "Backtest": "rnnlab.jobs.report",
    "PRESETS": "rnnlab.training.presets",
    "CHAR_PRESETS": "rnnlab.language.chartrain",
}
__all__ = ["__version__", *PUBLIC]

if TYPE_CHECKING:  # the lazy names, re-exported for type checkers and the API reference
    from rnnlab.api import backtest as backtest
    from rnnlab.api import ensemble as ensemble
    from rnnlab.api import train as train
    from rnnlab.jobs.report import Backtest as Backtest
    from rnnlab.language.chartrain import CHAR_PRESETS as CHAR_PRESETS
    from rnnlab.language.chartrained import TrainedText as TrainedText
    from rnnlab.runtime.errors import RnnlabError as RnnlabError
    from rnnlab.runtime.forecaster import Model as Model
    from rnnlab.runtime.forecaster import load as load
    from rnnlab.runtime.forecasts import Forecast as Forecast
    from rnnlab.runtime.forecasts import Generated as Generated
    from rnnlab.runtime.prices.sources import read_prices as read_prices
    from rnnlab.runtime.prices.table import Prices as Prices
    from rnnlab.training.presets import PRESETS as PRESETS
    from rnnlab.training.results import Evaluation as Evaluation
    from rnnlab.training.trained import Trained as Trained


def __getattr__(name: str):
    """Import a public name on first use (module ``__getattr__``, PEP 562)."""
    module = PUBLIC.get(name)
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
    return sorted([*globals(), *PUBLIC])

