import json, sys, time
a = json.load(sys.stdin)
time.sleep(0.3)
print(json.dumps(a[0] - a[1]))
