"""`python -m eval` (or `make eval`): score every known-answer case and print the report."""
from eval.run import markdown, run_eval

summary = run_eval()
print(markdown(summary))
