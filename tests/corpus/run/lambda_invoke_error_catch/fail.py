import json, sys
json.load(sys.stdin)
name = sys.argv[1] if len(sys.argv) > 1 else "HandledError"
print(json.dumps({"errorMessage": "error", "errorType": name}, separators=(",", ":")))
sys.exit(1)
