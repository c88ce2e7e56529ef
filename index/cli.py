"""`python -m index build` (or `sf-index build`): build the stores, or check they are current."""
from __future__ import annotations

import sys

import click

from index.tables import TableError


@click.group()
def main():
    """Ingestion side: parse the seed reports and build the stores under build/."""


@main.command()
@click.option("--force", is_flag=True, help="Rebuild even when nothing changed.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def build(force: bool, quiet: bool):
    """Build whatever is missing, broken or stale (content hash of the seeds)."""
    from index.build import ensure_built

    try:
        report = ensure_built(force=force, progress=not quiet)
    except TableError as e:
        click.echo(f"Build failed: a table did not pass its checks.\n{e}", err=True)
        sys.exit(1)
    state = "built" if report.built else "up to date"
    click.echo(f"Stores {state}: {report.rows} table rows, {report.chunks} chunks ({report.seconds:.1f}s).")


@main.command()
def check():
    """Parse the tables and run every check, without writing anything."""
    from index.tables import parse_tables

    try:
        tables = parse_tables()
    except TableError as e:
        click.echo(str(e), err=True)
        sys.exit(1)
    click.echo(f"All checks pass: {len(tables.outcomes)} Annex A rows, {len(tables.ehsg)} EHSG scores.")


if __name__ == "__main__":
    main()
