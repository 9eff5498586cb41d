"""The second task: character-level language models (the tinyshakespeare corpus).

Runtime side (numpy only, no torch): ``corpus`` (read, split, vocabulary), ``ngram`` (unigram
and Kneser-Ney baselines), ``noise`` (the sampling uniforms, reproducible in JavaScript).
The runtime model itself is :mod:`rnnlab.runtime.textmodel`.
Training side (PyTorch): ``charnet`` (the network), ``chartrain`` (stateful truncated BPTT),
``chartrained`` (``rnnlab.train`` for text: evaluate, save, export) and ``charexport`` (the
one-file ONNX graph: prompt, in-graph sampling loop, stateful step).
"""
