#!/usr/bin/env python3
"""Times the shared workloads through `baton run` (a whole process each: start, parse,
execute, print), as a user would meet them. Reports the median of N runs.

Usage: bench/run_workloads.py BATON [WORKLOADS_DIR] [--runs N]
"""
import argparse
import pathlib
import statistics
import subprocess
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("baton")
    parser.add_argument("workloads", nargs="?",
                        default=str(pathlib.Path(__file__).resolve().parents[1].parent /
                                    "shared" / "bench" / "workloads"))
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    directory = pathlib.Path(args.workloads)
    print(f"{'workload':<14} {'median ms':>10} {'min ms':>8}")
    for definition in sorted(directory.glob("*.asl.json")):
        name = definition.name[: -len(".asl.json")]
        command = [args.baton, "run", str(definition), "--input-file",
                   str(directory / f"{name}.input.json"), "--type", "EXPRESS", "--virtual-time",
                   # map_10k's results pass AWS's 256 KiB quota, which the peer does not check.
                   "--payload-limit", "0"]
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            times.append((time.perf_counter() - start) * 1000)
            if done.returncode != 0:
                print(f"{name}: failed: {done.stderr.decode()[-300:]}")
                return 1
        print(f"{name:<14} {statistics.median(times):>10.1f} {min(times):>8.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
