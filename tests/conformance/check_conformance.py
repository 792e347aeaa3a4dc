#!/usr/bin/env python3
"""Runs the conformance sample (behaviour recorded against real AWS Step Functions) through
`baton run --virtual-time` and fails unless every case that does not use JSONata passes.

Usage: check_conformance.py BATON [CONFORMANCE_DIR]
The sample lives beside the checkout (../shared/conformance) unless a directory is given or
BATON_CONFORMANCE_DIR names one. Exit 77 (skipped) when it is not there.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile


def main() -> int:
    baton = sys.argv[1]
    root = pathlib.Path(__file__).resolve().parents[2]
    default = root.parent / "shared" / "conformance"
    directory = pathlib.Path(
        sys.argv[2] if len(sys.argv) > 2 else os.environ.get("BATON_CONFORMANCE_DIR", default))
    runner = directory / "run"
    if not runner.exists():
        print(f"conformance sample not found at {directory}; skipped")
        return 77
    tags = {}
    for case_file in (directory / "cases").glob("*.json"):
        case = json.loads(case_file.read_text())
        tags[case["id"]] = set(case.get("tags", []))
    with tempfile.TemporaryDirectory() as work:
        report = pathlib.Path(work) / "report.json"
        run = subprocess.run(
            [sys.executable, str(runner), "--baton-run", baton, "--virtual-time", "--jobs", "2",
             "--quiet-pass", "--report", str(report)],
            capture_output=True, text=True, timeout=600)
        print(run.stdout[-3000:])
        if run.returncode != 0 or not report.exists():
            print(run.stderr[-3000:])
            print("the conformance runner could not run")
            return 1
        results = json.loads(report.read_text())["results"]
    required = [r for r in results if "jsonata" not in tags.get(r["id"], set())]
    failed = [r for r in required if r["verdict"] != "PASS"]
    for r in failed:
        print(f"FAIL {r['id']}: {r['reason']}")
    print(f"conformance without JSONata: {len(required) - len(failed)}/{len(required)} cases pass")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
