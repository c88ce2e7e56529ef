"""`python -m qa "question"` (or `sf-qa`): ask from the shell; `--json` for scripts."""
from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("question", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the whole Answer as JSON.")
def main(question: tuple[str, ...], as_json: bool):
    """Answer QUESTION about the Supporting Families annual reports 2023-24 and 2024-25."""
    from index.build import ensure_built
    from qa import ask

    ensure_built(progress=False)
    text = " ".join(question)
    if not text and not sys.stdin.isatty():
        text = sys.stdin.read()
    answer = ask(text)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(answer.text)


if __name__ == "__main__":
    main()
