#!/usr/bin/env bash
# `baton validate` as a user runs it: output lines, --json, and exit statuses.
set -euo pipefail
baton="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat > "$work/good.asl.json" <<'JSON'
{"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "End": true}}}
JSON
cat > "$work/bad.asl.json" <<'JSON'
{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Nowhere"}}}
JSON
printf '{"StartAt": "A",\n  "States": }' > "$work/broken.json"

"$baton" validate "$work/good.asl.json" > "$work/out" || fail "a valid file exits non-zero"
[ ! -s "$work/out" ] || fail "a valid file prints: $(cat "$work/out")"

status=0
"$baton" validate "$work/good.asl.json" "$work/bad.asl.json" > "$work/out" || status=$?
[ "$status" = 1 ] || fail "an invalid file exits $status, not 1"
grep -qx "$work/bad.asl.json:/States/A/Next: MISSING_TRANSITION_TARGET: Missing 'Next' target: Nowhere" "$work/out" \
  || fail "unexpected output: $(cat "$work/out")"

status=0
"$baton" validate "$work/broken.json" > "$work/out" || status=$?
[ "$status" = 1 ] || fail "broken JSON exits $status, not 1"
grep -q "^$work/broken.json:2:14: INVALID_JSON_DESCRIPTION: Unexpected character ('}' (code 125))" "$work/out" \
  || fail "JSON error without its line and column: $(cat "$work/out")"

status=0
"$baton" validate --json "$work/bad.asl.json" > "$work/out" || status=$?
[ "$status" = 1 ] || fail "--json on an invalid file exits $status"
python3 - "$work/out" <<'PY'
import json, sys
result = json.load(open(sys.argv[1]))
assert result[0]["result"] == "FAIL", result
d = result[0]["diagnostics"][0]
assert d == {"severity": "ERROR", "code": "MISSING_TRANSITION_TARGET",
             "message": "Missing 'Next' target: Nowhere", "location": "/States/A/Next"}, d
PY

status=0
"$baton" validate "$work/missing.json" 2> "$work/err" || status=$?
[ "$status" = 2 ] || fail "a missing file exits $status, not 2"
grep -q "cannot read" "$work/err" || fail "no message for a missing file"

status=0
"$baton" validate 2> /dev/null || status=$?
[ "$status" = 2 ] || fail "no arguments exits $status, not 2"

"$baton" validate - < "$work/good.asl.json" || fail "standard input is not read"
"$baton" validate --help | grep -q "Exit status" || fail "help text lacks the exit statuses"
echo "cli validate: ok"
