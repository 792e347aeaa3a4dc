// Reserves the order's items. The warehouse is busy on the first call of each order it sees
// in this sandbox: the workflow's Retry takes care of it.
const seen = new Set();

exports.handler = async (event) => {
  if (!seen.has(event.orderId)) {
    seen.add(event.orderId);
    const busy = new Error(`warehouse busy for ${event.orderId}`);
    busy.name = 'WarehouseBusy';
    throw busy;
  }
  console.log(`reserved ${event.items.length} lines for ${event.orderId}`);
  return { warehouse: 'north', lines: event.items.length };
};
