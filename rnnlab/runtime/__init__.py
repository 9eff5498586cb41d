"""The runtime side: numpy + onnxruntime only.

Nothing here may import torch, onnx, pandas or matplotlib at import time.
"""
