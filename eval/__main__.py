"""`python -m eval [tuning] [paraphrase]` (or `make eval`): score the sets named, each on its own (both by default)."""
import argparse

from eval.run import SETS, markdown, run_eval

parser = argparse.ArgumentParser(prog="python -m eval", description=__doc__.split(":", 1)[1].strip())
parser.add_argument("sets", nargs="*", metavar="set", help=f"case sets to score: {', '.join(SETS)} (default: all)")
names = parser.parse_args().sets or list(SETS)
unknown = [n for n in names if n not in SETS]
if unknown:
    parser.error(f"unknown set {', '.join(unknown)}; choose from {', '.join(SETS)}")
for name in names:
    print(markdown(run_eval(name=name), name))
