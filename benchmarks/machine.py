"""The machine and software a run measured, for the report's header."""

from __future__ import annotations

import os
import platform
from importlib import metadata

PACKAGES = ("numpy", "onnxruntime", "torch", "tensorflow", "tensorflow-cpu")
THREAD_VARIABLES = ("OPENBLAS", "OMP_", "MKL_")


def cpu_model() -> str:
    """The CPU's model name from ``/proc/cpuinfo``, else what ``platform`` knows."""
    try:
        with open("/proc/cpuinfo") as info:
            for line in info:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def version(package: str) -> str | None:
    """The installed version of ``package``, or None."""
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def details() -> dict:
    """CPU, cores, load, OS, package versions and thread-related environment variables."""
    packages = {name: version(name) for name in PACKAGES}
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)),
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {k: v for k, v in packages.items() if v is not None},
        "environment": {k: v for k, v in sorted(os.environ.items())
                        if k.startswith(THREAD_VARIABLES)},
    }
