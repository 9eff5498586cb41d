"""rnnlab's version: the one place it is written (the wheel's metadata reads it from here)."""

__version__ = "0.2.0.dev0"


def version_line() -> str:
    """What ``rnnlab --version`` prints, e.g. ``rnnlab 0.2.0``."""
    return f"rnnlab {__version__}"
