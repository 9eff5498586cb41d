"""The ``rnnlab`` command (also ``python -m rnnlab``).

``rnnlab --version`` is answered here, before the commands and with them numpy and
onnxruntime are imported, so it is instant and works on a broken install; everything
else goes to :func:`rnnlab.cli.main`.
"""

from __future__ import annotations

import sys

from rnnlab.version import version_line


def main() -> None:
    """Entry point of the ``rnnlab`` script."""
    if sys.argv[1:] == ["--version"]:
        print(version_line())
        return
    from rnnlab.cli import main as run_cli

    run_cli()


if __name__ == "__main__":
    main()
