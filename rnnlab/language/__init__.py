"""The second task: character-level language models (the tinyshakespeare corpus).

Runtime side (numpy only, no torch): ``corpus`` (read, split, vocabulary).
Training side (PyTorch): ``charnet`` (the network), ``chartrain`` (stateful truncated BPTT).
"""
