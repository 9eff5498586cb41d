"""rnnlab: learn recurrent networks, then ship fast torch-free ONNX forecasters.

The package has two sides:

- ``rnnlab.runtime`` needs only numpy and onnxruntime: load an exported model,
  forecast, generate.
- ``rnnlab.training`` needs PyTorch: data, models, training, evaluation, export.

``rnnlab.load(path)`` is the runtime's front door.
"""

__version__ = "0.1.0"


def load(path=None):
    """Load an exported ONNX forecaster (the shipped LSTM when ``path`` is None).

    See :func:`rnnlab.runtime.model.load`.
    """
    from rnnlab.runtime.model import load as load_model

    return load_model(path)


__all__ = ["__version__", "load"]
