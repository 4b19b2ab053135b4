"""`make bench`: every benchmark, one after another, each in its own process (so one's memory and caches do
not colour the next), with a time limit each; the whole run stays within about ten minutes.

    python bench/run.py                       # every bench/*_bench.py, then grids_locate.py and cases_list.py
    python bench/run.py reports_bench.py      # just these

Each bench prints its figures and writes its own section of bench/RESULTS.md. The PostgreSQL database is
BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/bench; create it with
`createdb -h 127.0.0.1 -U postgres bench`); the 600,000-case dataset is generated there on first use.
"""
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
EXTRA = ["grids_locate.py", "cases_list.py"]  # other engineers' benches, named by the brief
TIME_LIMIT = int(os.environ.get("BENCH_TIME_LIMIT", "540"))


def scripts(names):
    if names:
        return [HERE / n for n in names]
    found = sorted(HERE.glob("*_bench.py"))
    # the reports bench first: it generates the shared dataset the others reuse
    found.sort(key=lambda p: (p.name != "reports_bench.py", p.name))
    return found + [HERE / n for n in EXTRA if (HERE / n).exists() and HERE / n not in found]


def main(argv):
    env = os.environ.copy()
    env.setdefault("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench")
    failures = 0
    started = time.perf_counter()
    for script in scripts(argv):
        if not script.exists():
            print(f"bench: {script.name} not found, skipped", flush=True)
            continue
        print(f"\n=== {script.name} ===", flush=True)
        t0 = time.perf_counter()
        try:
            code = subprocess.run([sys.executable, str(script)], env=env, timeout=TIME_LIMIT).returncode
        except subprocess.TimeoutExpired:
            code = "timeout"
        print(f"=== {script.name}: {'ok' if code == 0 else f'FAILED ({code})'} in {time.perf_counter() - t0:.0f} s",
              flush=True)
        failures += code != 0
    print(f"\nbench: done in {time.perf_counter() - started:.0f} s; results in bench/RESULTS.md", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
