"""`python -m index build|check|add|status` (or `sf-index …`): build the stores, check the tables,
add a report, or show what the store holds."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from index.tables import TableError


@click.group()
def main():
    """Ingestion side: parse the seed reports and build the stores under build/."""


def _run_build(force: bool, quiet: bool, strict: bool):
    from index.build import BuildError, ensure_built

    try:
        report = ensure_built(force=force, progress=not quiet, strict=strict)
    except TableError as e:
        click.echo(f"Build failed: a table did not pass its checks.\n{e}", err=True)
        sys.exit(1)
    except BuildError as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    _echo_build(report)
    return report


def _echo_build(report) -> None:
    if report.failed:
        click.echo(f"Stores not rebuilt (the build failed); the last good store stays in use: {report.rows} table "
                   f"rows, {report.chunks} chunks.")
        return
    state = "built" if report.built else "up to date"
    extra = f"; {report.mode}: {report.embedded} texts embedded, {report.reused} reused" if report.built else ""
    click.echo(f"Stores {state}: {report.rows} table rows, {report.chunks} chunks ({report.seconds:.1f}s{extra}).")
    if report.warnings:
        click.echo(f"{len(report.warnings)} warning(s); see `python -m index status`.", err=True)


@main.command()
@click.option("--force", is_flag=True, help="Rebuild from scratch even when nothing changed.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option("--strict", is_flag=True, help="Exit 1 when the build fails, even with a good store in place.")
def build(force: bool, quiet: bool, strict: bool):
    """Build whatever is missing, broken or stale (content hash of each seed report).

    A failed build leaves the last good store in place; when there is one, a one-line
    warning is printed and the exit status is 0 (so `make run` still starts), unless --strict."""
    _run_build(force, quiet, strict)


@main.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--year", default=None, help="Year label, e.g. 2025-26, when the file name and title have none.")
@click.option("--replace", is_flag=True, help="Replace a different report already in the seeds under the same name.")
@click.option("--no-build", is_flag=True, help="Only copy the file into the seeds folder.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def add(file: Path, year: str | None, replace: bool, no_build: bool, quiet: bool):
    """Copy another report's text FILE into the seeds folder and index it (only its text is embedded).

    The seeds folder keeps the file only when its build succeeds."""
    from index.build import BuildError, add_report

    try:
        added = add_report(file, year, replace=replace, build=not no_build, progress=not quiet)
    except TableError as e:
        click.echo(f"Not added (the seeds folder is unchanged): a table did not pass its checks.\n{e}", err=True)
        sys.exit(1)
    except (BuildError, OSError) as e:
        click.echo(f"Not added (the seeds folder is unchanged): {e}", err=True)
        sys.exit(1)
    verb = {"added": "Copied to", "replaced": "Replaced", "unchanged": "Already in the seeds:"}[added.status]
    click.echo(f"{verb} {added.path}." + (" The next build indexes it." if no_build else ""))
    if added.report is not None:
        _echo_build(added.report)


@main.command()
def check():
    """Parse the tables and run every check, without writing anything."""
    from index import config
    from index.reports import read_text_lenient
    from index.tables import parse_tables, read_report_tables

    try:
        tables = parse_tables()
    except TableError as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    click.echo(f"All checks pass: {len(tables.outcomes)} Annex A rows, {len(tables.ehsg)} EHSG scores.")
    for report in config.reports():
        if report.known:
            continue
        found = read_report_tables(read_text_lenient(report.path), report.year)
        click.echo(f"{report.filename} ({report.year}): {len(found)} table(s) found.")
        for t in found:
            if t.valid:
                click.echo(f"  “{t.caption}”: {len(t.rows)} rows, checks pass (will be loaded).")
            else:
                click.echo(f"  “{t.caption}” (line {t.first_line}): failed, will NOT be loaded:\n    "
                           + "\n    ".join(t.problems), err=True)


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the manifest.")
def status(as_json: bool):
    """What the store holds, and whether it is current (does not build)."""
    from index.build import read_manifest, store_problem

    manifest = read_manifest()
    if as_json:
        click.echo(json.dumps(manifest, indent=2, ensure_ascii=False))
        return
    problem = store_problem()
    click.echo(f"Store: {'current' if problem is None else 'needs a build: ' + problem}")
    if not manifest:
        return
    click.echo(f"Built {manifest.get('built_at')} ({manifest.get('mode')}), vectors: {manifest.get('vector_target')}; "
               f"{manifest.get('rows')} Annex A rows, {manifest.get('chunks')} chunks.")
    for r in manifest.get("reports", []):
        click.echo(f"  {r.get('year')}: {r.get('file')} — {r.get('chunks')} chunks, "
                   f"{sum(t.get('loaded', False) for t in r.get('tables', []))} table(s) loaded")
    for w in manifest.get("warnings", []):
        click.echo(f"Warning: {w}", err=True)


if __name__ == "__main__":
    main()
