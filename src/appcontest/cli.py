"""Command line: ``appcontest run | validate | bench``.

``appcontest run NOTEBOOK -p NAME VALUE ...`` executes a chapter with other parameter
values into ``_build/runs/`` (never over the source), after checking every name and
value; ``make run NB=... P="..."`` calls it.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

from . import paths


def run(notebook: str, pairs: list[list[str]], html: bool = True) -> Path:
    import nbformat
    import papermill
    from nbconvert import HTMLExporter

    from .parameters import check_run

    source = Path(notebook).resolve()
    if not source.exists() or source.suffix != ".ipynb":
        raise SystemExit(f"error: {notebook} is not a notebook file (.ipynb)")
    # Values stay text: the registry parses each kind (dates, numbers, lists written
    # "a,b" or "[a, b]"), and an error message then quotes exactly what was typed.
    given = dict(pairs)
    values = check_run(source, given)
    tag = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:8]
    out_dir = paths.root() / "_build" / "runs"
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / f"{source.stem}-{tag}.ipynb"
    papermill.execute_notebook(
        str(source), str(target), parameters=values, cwd=str(source.parent),
        kernel_name="python3", progress_bar=False, log_output=False,
    )
    if html:
        body, _ = HTMLExporter().from_notebook_node(nbformat.read(target, as_version=4))
        target.with_suffix(".html").write_text(body, encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="appcontest", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run a notebook with parameters into _build/runs/")
    p_run.add_argument("notebook")
    p_run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    p_run.add_argument("--no-html", action="store_true", help="skip the HTML copy of the run")
    p_params = sub.add_parser("params", help="list a notebook's parameters and what each allows")
    p_params.add_argument("notebook")
    sub.add_parser("validate", help="validate every dataset against its schema and the bibliography")
    p_bench = sub.add_parser("bench", help="time the build and measure page sizes (prints a table)")
    p_bench.add_argument("--no-test", action="store_true", help="skip timing `make test`")
    args = parser.parse_args(argv)

    from .data import DataError
    from .parameters import ParameterError

    try:
        if args.command == "run":
            out = run(args.notebook, args.parameter, html=not args.no_html)
            print(f"wrote {out.relative_to(paths.root())}")
            if not args.no_html:
                print(f"open {out.with_suffix('.html').relative_to(paths.root())}")
        elif args.command == "params":
            from .parameters import REGISTRY, declared

            for name, info in declared(args.notebook).items():
                rule = REGISTRY[name].allowed() if name in REGISTRY else "(not in the registry)"
                print(f"{name} = {info['default']}  # {info['help']}\n    allowed: {rule}")
        elif args.command == "validate":
            from . import data

            data.validate()
            for name in data.names():
                info = data.summary(name)
                print(f"{name}: {info['rows']} rows, {info['first']} to {info['last']}")
            print("all datasets valid")
        elif args.command == "bench":
            from . import bench

            bench.main(run_tests=not args.no_test)
    except (ParameterError, DataError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
