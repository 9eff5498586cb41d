"""rnnlab's benchmark harness: ``python -m benchmarks [--quick] [--json PATH] [--save]``.

It times the torch-free ONNX runtime against its peers (PyTorch eager, and Keras
when tensorflow is installed) on the notebook's two architectures, interleaving
rnnlab and each peer and reporting the median of per-pair ratios. Importing this
package imports nothing heavy, so the per-process probes stay lean.
"""
