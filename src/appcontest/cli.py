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


def render(executed: Path, source: Path) -> Path:
    """Render an executed run as the book renders chapters, and return the chapter's HTML.

    The book's sources are copied to a temporary folder, the chapter is replaced by the
    executed run, and the book is built there with execution off, so glued numbers,
    figures, citations and cross-references resolve exactly as on the site.
    """
    import os
    import shutil
    import subprocess
    import sys
    import tempfile

    import yaml

    site = executed.with_suffix("")
    with tempfile.TemporaryDirectory() as tmp:
        copy = paths.copy_book(Path(tmp) / "book")
        config = yaml.safe_load((copy / "_config.yml").read_text(encoding="utf-8"))
        config["execute"]["execute_notebooks"] = "off"
        (copy / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        shutil.copy(executed, copy / "notebooks" / source.name)
        shutil.rmtree(site, ignore_errors=True)
        result = subprocess.run(
            [str(Path(sys.executable).with_name("jupyter-book")), "build", str(copy), "--path-output", str(site)],
            capture_output=True, text=True, env=dict(os.environ, APPCONTEST_ROOT=str(copy)),
        )
        if result.returncode != 0:
            raise SystemExit(f"error: rendering {executed.name} failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    return site / "_build" / "html" / "notebooks" / f"{source.stem}.html"


def run(notebook: str, pairs: list[list[str]], html: bool = True) -> Path:
    import papermill

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
    try:
        papermill.execute_notebook(
            str(source), str(target), parameters=values, cwd=str(source.parent),
            kernel_name="python3", progress_bar=False, log_output=False,
        )
    except papermill.PapermillExecutionError as exc:
        # e.g. parameters that validate one by one but leave nothing to show together
        raise SystemExit(f"error: {source.name} stopped: {exc.ename}: {exc.evalue} (partial output: {target})")
    if html:
        render(target, source)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="appcontest", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_run = sub.add_parser("run", help="run a notebook with parameters into _build/runs/")
    p_run.add_argument("notebook")
    p_run.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"))
    p_run.add_argument("--no-html", action="store_true", help="skip rendering the run as a book page")
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
                page = out.with_suffix("") / "_build" / "html" / "notebooks" / f"{Path(args.notebook).stem}.html"
                print(f"open {page.relative_to(paths.root())}")
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
                span = f"{info['first']} to {info['last']}" if info["date_column"] else "no date column"
                print(f"{name}: {info['rows']} rows, {span}")
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
