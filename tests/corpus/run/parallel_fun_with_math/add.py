import json, sys
a = json.load(sys.stdin)
print(json.dumps(a[0] + a[1] if isinstance(a, list) else a["val1"] + a["val2"]))
