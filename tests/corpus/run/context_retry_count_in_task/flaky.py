import json, sys
event = json.load(sys.stdin)
if event["retry"] < 2:
    print(json.dumps({"errorMessage": "not yet", "errorType": "NotReady"}, separators=(",", ":")))
    sys.exit(1)
print(json.dumps(event))
