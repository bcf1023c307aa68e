"""Command line: ``appcontest execute | build | conf | run | params | validate | bench | audit``.

``appcontest run NOTEBOOK -p NAME VALUE ...`` executes a chapter with other parameter
values into ``_build/runs/`` (never over the source), after checking every name and
value; ``make run NB=... P="..."`` calls it. ``appcontest execute`` refreshes the chapters
and their counterfactual pages (``notebooks/variants/``, see :mod:`appcontest.execute`);
``appcontest reference`` writes a reference for each of both.
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

    The book's sources are copied to a folder beside the run, the run takes the place of
    the chapter's executed copy there, and the book is built as usual: nothing is executed
    again, and glued numbers, figures, citations and cross-references resolve exactly as
    on the site.
    """
    import os
    import shutil

    from . import build

    site = executed.with_suffix("")
    shutil.rmtree(site, ignore_errors=True)
    copy = paths.copy_book(site)
    # The other chapters as the book last executed them (so they are not run again),
    # then this run in place of its chapter.
    book_executed = paths.root() / "_build" / "executed"
    if book_executed.is_dir():
        shutil.copytree(book_executed, copy / "_build" / "executed")
    placed = copy / "_build" / "executed" / source.name
    placed.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(executed, placed)
    previous = os.environ.get("APPCONTEST_ROOT")
    os.environ["APPCONTEST_ROOT"] = str(copy)
    try:
        build.build(root=copy)
    except build.BuildError as exc:
        raise SystemExit(f"error: rendering {executed.name} failed: {exc}") from None
    finally:
        if previous is None:
            os.environ.pop("APPCONTEST_ROOT")
        else:
            os.environ["APPCONTEST_ROOT"] = previous
    return copy / "_build" / "html" / "notebooks" / f"{source.stem}.html"


def run(notebook: str, pairs: list[list[str]], html: bool = True) -> Path:
    from .execute import is_variant, run_papermill, variant
    from .parameters import check_run

    source = Path(notebook).resolve()
    if not source.exists() or source.suffix != ".ipynb":
        raise SystemExit(f"error: {notebook} is not a notebook file (.ipynb)")
    if is_variant(source):
        v = variant(source)
        raise SystemExit(
            f"error: {notebook} is a counterfactual page of {v.parent.name}: `appcontest execute` (make book) "
            f"keeps it current; to run the chapter with other values, `appcontest run notebooks/{v.parent.name} -p ...`"
        )
    # Values stay text: the registry parses each kind (dates, numbers, lists written
    # "a,b" or "[a, b]"), and an error message then quotes exactly what was typed.
    given = dict(pairs)
    values = check_run(source, given)
    tag = hashlib.sha256(json.dumps(values, sort_keys=True).encode()).hexdigest()[:8]
    target = paths.root() / "_build" / "runs" / f"{source.stem}-{tag}.ipynb"
    run_papermill(source, target, values)
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
    sub.add_parser("execute", help="execute the chapters whose code or inputs changed (papermill, in parallel)")
    p_build = sub.add_parser("build", help="execute what is stale, then build the book (warnings fail)")
    p_build.add_argument("--strict", action="store_true", help="fresh environment, every page rewritten")
    p_build.add_argument("--builder", choices=["html", "latex", "linkcheck"], default="html")
    sub.add_parser("reference", help="rewrite tests/reference/ from the executed chapters (make reference)")
    sub.add_parser("conf", help="write _build/conf/conf.py for sphinx-autobuild (make serve)")
    p_params = sub.add_parser("params", help="list a notebook's parameters and what each allows")
    p_params.add_argument("notebook")
    sub.add_parser("validate", help="validate every dataset against its schema and the bibliography")
    p_bench = sub.add_parser("bench", help="time the build and measure page sizes (prints a table)")
    p_bench.add_argument("--no-test", action="store_true", help="skip timing `make test`")
    p_audit = sub.add_parser("audit", help="Lighthouse and axe-core on every built page (prints a table)")
    p_audit.add_argument("--pages", help="only these pages: paths, stems or globs, space or comma separated")
    args = parser.parse_args(argv)

    from .build import BuildError
    from .data import DataError
    from .execute import ExecutionError, VariantError
    from .parameters import ParameterError

    try:
        if args.command == "run":
            out = run(args.notebook, args.parameter, html=not args.no_html)
            print(f"wrote {out.relative_to(paths.root())}")
            if not args.no_html:
                page = out.with_suffix("") / "_build" / "html" / "notebooks" / f"{Path(args.notebook).stem}.html"
                print(f"open {page.relative_to(paths.root())}")
        elif args.command == "execute":
            from . import execute

            for source, what, seconds in execute.refresh_all():
                name = f"variants/{source.name}" if execute.is_variant(source) else source.name
                print(f"{name}: {what}" + (f" in {seconds:.1f} s" if what == "executed" else ""))
        elif args.command == "build":
            from . import build

            build.build(strict=args.strict, builder=args.builder)
        elif args.command == "reference":
            from . import execute, regression

            # Counterfactual pages too: their numbers are the book's as much as the chapters'.
            for chapter in execute.chapters() + execute.variants():
                print(f"wrote {regression.write(execute.executed_path(chapter)).relative_to(paths.root())}")
        elif args.command == "conf":
            from . import build

            print(build.write_conf() / "conf.py")
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
        elif args.command == "audit":
            from . import audit

            return audit.main(args.pages)
    except (ParameterError, DataError, VariantError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ExecutionError, BuildError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
