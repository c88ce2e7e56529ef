"""`python -m qa "question"` (or `sf-qa`): ask from the shell; `--json` for scripts."""
from __future__ import annotations

import json
import sys

import click


@click.command()
@click.argument("question", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="Print the whole Answer as JSON.")
@click.option("--plan", "show_plan", is_flag=True, help="Print how the question was read (the Plan) as JSON, not the answer.")
def main(question: tuple[str, ...], as_json: bool, show_plan: bool):
    """Answer QUESTION about the Supporting Families annual reports 2023-24 and 2024-25."""
    from index.build import BuildError, ensure_answerable
    from qa import ask, llm

    problem = llm.check()  # a bad SF_LLM: one line, then extractive answers
    if problem:
        click.echo(problem, err=True)
    try:
        ensure_answerable(progress=False)
    except BuildError as e:
        raise click.ClickException(str(e))  # one line, no traceback
    text = " ".join(question)
    if not text and not sys.stdin.isatty():
        text = sys.stdin.read()
    if show_plan:
        from dataclasses import asdict

        from qa import understand

        click.echo(json.dumps(asdict(understand(text)), indent=2, ensure_ascii=False))
        return
    answer = ask(text)
    if as_json:
        click.echo(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(answer.text)


if __name__ == "__main__":
    main()
