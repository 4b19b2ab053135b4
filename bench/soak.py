"""The soak at full size: 10,000 patrol reports from 16 clients against gunicorn, answers lost on purpose and
retried with the same Idempotency-Key, web workers SIGKILLed, PostgreSQL and Redis each restarted once
(tests/faults/test_soak.py, which CI runs at 2,000).

    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/soak.py [--reports 10000]

It RESTARTS the machine's PostgreSQL and Redis (pg_ctlcluster, redis-cli shutdown): run it on a machine of
its own, never beside other test runs. Prints the time taken and the faults injected; fails like the test.
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reports", type=int, default=10_000)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not os.environ.get("REDIS_URL"):
        print("bench/soak.py needs DATABASE_URL (PostgreSQL) and REDIS_URL")
        return 2
    env = {**os.environ, "SOAK_REPORTS": str(args.reports), "SOAK_TIMEOUT": str(max(1800, args.reports))}
    return subprocess.run([str(ROOT / ".venv" / "bin" / "pytest"), "-q", "-s", "-p", "no:randomly", "-m", "faults",
                           "tests/faults/test_soak.py"], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())
