#!/usr/bin/env python3
"""charge-card: fails as a Lambda function fails (exit 1 and an error object) above a limit."""
import json
import sys

request = json.load(sys.stdin)
if request["amount"] > 100:
    print(json.dumps({"errorType": "CardDeclined", "errorMessage": "Limit exceeded"}))
    sys.exit(1)
print(json.dumps({"chargeId": "ch-" + request["orderId"], "status": "captured"}))
