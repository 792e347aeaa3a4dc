import json, sys, time
event = json.load(sys.stdin)
time.sleep(2)
print(json.dumps(event))
