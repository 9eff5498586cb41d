"""The runtime of the second task, character language models: the corpus and its split,
the counting baselines, the sampling noise JavaScript reproduces, the card, and the exported
model (numpy + onnxruntime only; the training side is :mod:`rnnlab.language`)."""
