"""Exit codes, and the one line a Ctrl-C gets (standard library only: the line must work
while numpy and onnxruntime are still loading)."""

import sys

USAGE = 2  # bad input, a usage mistake, a file that cannot be written
INTERRUPTED = 130  # Ctrl-C


def interrupted() -> None:
    """Say that Ctrl-C stopped rnnlab, on one line, and exit with code 130."""
    print("error: interrupted (Ctrl-C); files being written were left as they were",
          file=sys.stderr)
    raise SystemExit(INTERRUPTED)
