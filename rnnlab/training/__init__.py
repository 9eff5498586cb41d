"""The training side (PyTorch): data, models, training, evaluation, ONNX export."""
