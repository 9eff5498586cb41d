"""Chapter 2's experiments: why plain RNNs forget and gated cells remember (needs PyTorch).

- ``rnnlab.experiments.gradients``: how fast the gradient of the last output with respect to
  earlier inputs shrinks, for untrained RNN, LSTM and GRU layers.
- ``rnnlab.experiments.longlag``: the adding problem at growing sequence lengths, a success
  table in the spirit of Hochreiter & Schmidhuber (1997).

Both run on a CPU in minutes (seconds with ``fast=True``) and print a table when run as
``python -m rnnlab.experiments.gradients`` / ``python -m rnnlab.experiments.longlag``.
"""
