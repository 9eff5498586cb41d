"""The tutorial's experiments on the adding problem and friends (needs PyTorch).

- ``rnnlab.experiments.gradients``: how fast the gradient of the last output with respect to
  earlier inputs shrinks, for untrained RNN, LSTM and GRU layers (chapter 2).
- ``rnnlab.experiments.longlag``: the adding problem at growing sequence lengths, a success
  table in the spirit of Hochreiter & Schmidhuber (1997) (chapter 2).
- ``rnnlab.experiments.practice``: the practice of training, clipping, initialisation,
  dropout, layer norm, bidirectional reading, mixed lengths (chapter 10), built from
  ``variants`` (layer variants), ``lengths`` (padding, masking, packing) and ``cellpath``
  (the gradient along the LSTM's cell).

Each runs on a CPU in minutes (seconds with ``--fast``) when run as
``python -m rnnlab.experiments.NAME``.
"""
