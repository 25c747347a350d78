"""Run one measurement in this (fresh) process: `python -m benchmarks._worker TASK JSON`.

TASK names a function in `benchmarks.tasks.WORKER_TASKS`; JSON holds its
keyword arguments. The result is printed as one JSON line prefixed with
`config.RESULT_MARK`, which the parent (`runner.run_worker`) reads back.
"""

import json
import sys

from benchmarks.config import RESULT_MARK
from benchmarks.tasks import WORKER_TASKS


def main(argv: list[str]) -> int:
    if len(argv) != 2 or argv[0] not in WORKER_TASKS:
        print(f"usage: python -m benchmarks._worker {{{','.join(WORKER_TASKS)}}} JSON-ARGS",
              file=sys.stderr)
        return 2
    result = WORKER_TASKS[argv[0]](**json.loads(argv[1]))
    print(RESULT_MARK + json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
