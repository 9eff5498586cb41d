"""The second task's training side (PyTorch): character-level language models.

``charnet`` (the network), ``chartrain`` (stateful truncated BPTT), ``chartrained``
(``rnnlab.train`` for text: evaluate, save, export), ``charexport`` (the one-file ONNX graph:
prompt, in-graph sampling loop, stateful step) and ``minchar`` (min-char-rnn in numpy, trained
with chapter 2's BPTT). The runtime side, numpy only, is :mod:`rnnlab.runtime.text`.
"""
