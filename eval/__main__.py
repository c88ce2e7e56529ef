"""`python -m eval` (or `make eval`): score both sets, tuning and paraphrase, each on its own."""
import sys

from eval.run import SETS, markdown, run_eval

for name in sys.argv[1:] or SETS:
    print(markdown(run_eval(name=name), name))
