"""Pin every direct dependency of rnnlab to the lowest version pyproject.toml allows.

    python scripts/floors.py                 # constraints for the base and every extra
    python scripts/floors.py --extras        # the extras' names, comma-separated
    python scripts/floors.py --only-base     # the build backend and the base dependencies

The constraints (``name==floor`` lines) feed ``pip install -c FILE '.[EXTRAS]'``: pip then
installs each direct dependency at its declared floor and the newest of everything else,
as a user who already has the oldest allowed versions would get. ``.ci/run`` runs the tests
against that install, so a floor is a version somebody ran. Extras are read from
pyproject.toml, so an extra added later is covered without editing this script.

Every dependency must declare a lower bound (``>=``, ``~=`` or ``==``); one that does not
is an error, since "any version" is a floor nobody ran. Needs Python 3.11+ (tomllib).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import tomllib

ROOT = Path(__file__).resolve().parents[1]

# name, optional [extras], version specifiers, optional "; marker" (PEP 508, no URLs).
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*([^;]*)(;.*)?$")
LOWER_BOUND = re.compile(r"^(>=|~=|==)\s*([0-9][A-Za-z0-9.+!-]*)$")


class FloorError(ValueError):
    """A dependency whose floor cannot be read from pyproject.toml."""


def normalise(name: str) -> str:
    """PEP 503 name: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def floor_pin(requirement: str) -> tuple[str, str]:
    """``"numpy>=1.24,<3; python_version<'4'"`` -> ``("numpy", "numpy==1.24; ...")``."""
    match = REQUIREMENT.match(requirement)
    if match is None:
        raise FloorError(f"cannot read the requirement {requirement!r}")
    name, _, specifiers, marker = match.groups()
    floors = [m.group(2) for s in specifiers.split(",") if (m := LOWER_BOUND.match(s.strip()))]
    if len(floors) != 1:
        raise FloorError(f"{requirement!r} declares no lower bound: add >=X, X being the "
                         "lowest version the tests ran against")
    return normalise(name), f"{normalise(name)}=={floors[0]}{marker or ''}"


def requirements(pyproject: dict, extras: list[str]) -> list[tuple[str, str]]:
    """(where, requirement) for the build backend, the base dependencies and ``extras``,
    minus rnnlab itself (``rnnlab[train]`` inside an extra)."""
    project = pyproject["project"]
    found = [("build-system", r) for r in pyproject.get("build-system", {}).get("requires", [])]
    found += [("dependencies", r) for r in project.get("dependencies", [])]
    optional = project.get("optional-dependencies", {})
    for extra in extras:
        found += [(f"extra {extra}", r) for r in optional[extra]]
    own = normalise(project["name"])
    return [(where, r) for where, r in found if normalise(REQUIREMENT.match(r)[1]) != own]


def constraints(pyproject: dict, extras: list[str]) -> list[str]:
    """One ``name==floor`` line a dependency; the same name must declare the same floor."""
    pins: dict[str, tuple[str, str]] = {}
    for where, requirement in requirements(pyproject, extras):
        try:
            name, pin = floor_pin(requirement)
        except FloorError as error:
            raise FloorError(f"pyproject.toml, {where}: {error}") from None
        if name in pins and pins[name][1] != pin:
            raise FloorError(f"pyproject.toml: {name} has floor {pins[name][1]!r} in "
                             f"{pins[name][0]} and {pin!r} in {where}: declare one floor")
        pins[name] = (where, pin)
    return sorted(pin for _, pin in pins.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extras", action="store_true", help="print the extras' names")
    parser.add_argument("--only-base", action="store_true", help="leave the extras out")
    parser.add_argument("--pyproject", type=Path, default=ROOT / "pyproject.toml")
    args = parser.parse_args(argv)
    pyproject = tomllib.loads(args.pyproject.read_text(encoding="utf-8"))
    optional = pyproject["project"].get("optional-dependencies", {})
    extras = [] if args.only_base else list(optional)
    if args.extras:
        print(",".join(extras))
        return
    try:
        print("\n".join(constraints(pyproject, extras)))
    except FloorError as error:
        print(f"error: {error}", file=sys.stderr)
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
