#!/usr/bin/env python3
"""Runs every workflow under tests/corpus/run/ through `baton run --json` and compares the
outcome with the case's expected.json.

Usage: check_run_corpus.py BATON [CASE_NAME...]

Each case is a directory holding definition.asl.json, optionally input.json (default {}),
expected.json and an optional `args` file (extra `baton run` arguments, one per line), plus any
helper files it names (mock.json, small scripts standing in for Lambda functions). A case runs as

    BATON run definition.asl.json --input-file input.json --json --virtual-time <args>

with the case directory as the working directory and a 60-second limit. Only the keys present
in expected.json among status, output, error and cause are compared; `cause_contains` may stand
in for `cause`. Outputs are compared as JSON values (key order ignored, 1 == 1.0, but true != 1).

Prints one line per failing case, then `N passed, M failed`; exits 1 when any case fails.
Standard library only.
"""
import concurrent.futures
import json
import os
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).resolve().parent
TIMEOUT_SECONDS = 60
COMPARED = ("status", "output", "error", "cause")


def canonical(value):
    """A form of a JSON value in which equal JSON values compare equal."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return (type(value).__name__, value)
    if isinstance(value, (int, float)):
        return ("number", float(value) if isinstance(value, float) or abs(value) < 2**53 else value)
    if isinstance(value, list):
        return ("array", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("object", tuple(sorted((k, canonical(v)) for k, v in value.items())))
    raise TypeError(f"not a JSON value: {value!r}")


def short(value, limit=400):
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return text if len(text) <= limit else text[:limit] + "..."


def parse_stdout(stdout):
    text = stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                continue
    return None


def run_case(baton, case_dir):
    """Returns a list of problems (empty when the case passes)."""
    expected = json.loads((case_dir / "expected.json").read_text())
    command = [baton, "run", "definition.asl.json"]
    if (case_dir / "input.json").exists():
        command += ["--input-file", "input.json"]
    else:
        command += ["--input", "{}"]
    command += ["--json", "--virtual-time"]
    args_file = case_dir / "args"
    if args_file.exists():
        command += [line for line in args_file.read_text().splitlines() if line.strip()]
    try:
        run = subprocess.run(command, cwd=case_dir, capture_output=True, text=True,
                             timeout=TIMEOUT_SECONDS, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return [f"did not finish within {TIMEOUT_SECONDS} s"]
    actual = parse_stdout(run.stdout)
    if not isinstance(actual, dict):
        return [f"no JSON object on stdout (exit {run.returncode}); stdout: {run.stdout.strip()[:300]!r}; "
                f"stderr: {run.stderr.strip()[:300]!r}"]
    problems = []
    for key in COMPARED:
        if key not in expected:
            continue
        want, got = expected[key], actual.get(key)
        if key == "output":
            try:
                same = canonical(want) == canonical(got)
            except TypeError:
                same = False
        else:
            same = want == got
        if not same:
            problems.append(f"{key}: expected {short(want)}, got {short(got)}")
    if "cause_contains" in expected:
        got = actual.get("cause")
        if not isinstance(got, str) or expected["cause_contains"] not in got:
            problems.append(f"cause: expected to contain {short(expected['cause_contains'])}, got {short(got)}")
    if problems and "status" in expected and actual.get("status") != expected["status"]:
        detail = {k: actual.get(k) for k in ("error", "cause") if actual.get(k) is not None}
        if detail:
            problems.append(f"(actual error/cause: {short(detail)})")
    return problems


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[2])
        return 2
    baton = os.path.abspath(sys.argv[1])
    wanted = set(sys.argv[2:])
    cases = sorted(p for p in HERE.iterdir()
                   if p.is_dir() and (p / "definition.asl.json").exists() and (not wanted or p.name in wanted))
    if wanted - {p.name for p in cases}:
        print("unknown cases: " + ", ".join(sorted(wanted - {p.name for p in cases})))
        return 2
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: (c, run_case(baton, c)), cases))
    for case_dir, problems in results:
        if problems:
            failed += 1
            source = json.loads((case_dir / "expected.json").read_text()).get("source", "")
            print(f"FAIL {case_dir.name}: " + "; ".join(problems) + (f" [{source}]" if source else ""))
    print(f"run corpus: {len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
