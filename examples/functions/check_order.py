#!/usr/bin/env python3
"""check-order: a Lambda handler run by `baton run --function check-order=...`.
Reads the event on stdin and prints the result."""
import json
import sys

order = json.load(sys.stdin)
total = sum(item.get("qty", 1) for item in order.get("items", [])) * 14.0
print(json.dumps({"valid": bool(order.get("items")), "total": total}))
