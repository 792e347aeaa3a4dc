import json, sys
event = json.load(sys.stdin)
print(json.dumps("Hello, " + event["who"] + "!"))
