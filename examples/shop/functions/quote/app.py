import os


def handler(event, context):
    """Prices the order's items, with tax."""
    prices = {"kettle": 30.0, "mug": 6.25}
    subtotal = sum(prices.get(item["sku"], 0) * item["qty"] for item in event["items"])
    total = round(subtotal * (1 + float(os.environ["TAX_RATE"])), 2)
    print(f"quoted {event['orderId']}: {total}")
    return {"subtotal": subtotal, "total": total}
