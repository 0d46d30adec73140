-- The counter finds past orders by the code typed (picked up / cancelled): an index, not a scan.
CREATE INDEX ix_orders_pickup_code ON orders (pickup_code, id);
