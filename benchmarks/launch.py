"""A lean parent for measured children: ``python -m benchmarks.launch RESULT.json CMD...``.

Linux seeds a child's peak RSS (``ru_maxrss``) with the memory of the process
that forked it, so a child of the benchmark process would report the
benchmark's own hundreds of MiB. This small process forks the command instead,
times it, and writes ``{"wall_s", "peak_mib", "code"}`` to RESULT.json; the
command's output and exit code pass through.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main(argv: list[str]) -> int:
    """Run ``argv[1:]``, record its wall time and peak RSS in ``argv[0]``, return its code."""
    start = time.perf_counter()
    child = subprocess.Popen(argv[1:])
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    # Linux reports ru_maxrss in KiB.
    result = {"wall_s": wall, "peak_mib": usage.ru_maxrss / 1024, "code": child.returncode}
    with open(argv[0], "w") as out:
        json.dump(result, out)
    return child.returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
