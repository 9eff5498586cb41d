"""rnnlab's benchmark harness: ``python -m benchmarks [--quick] [--json PATH] [--save]``.

It times the torch-free ONNX runtime against PyTorch eager and Keras on the notebook's
two architectures. Read it in this order: ``measure.py`` (how: interleaved pairs,
settling, load), ``peers.py`` and ``keras_worker.py`` (who), ``groups.py`` (what),
``report.py`` (the tables), ``__main__.py`` (the run); ``peers.py`` also builds the
install-size venvs and the Keras peer's TensorFlow venv. The other modules are
standalone benchmarks with their own ``.md``: ``steps.py`` (per-step and per-chunk cost of
the graphs), ``sampling.py`` (sampled price paths; characters/s of text), ``live_page.py``,
``backtest_scaling.py`` and ``memory_csv.py``. Importing this package imports nothing.
"""
