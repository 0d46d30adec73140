DROP INDEX ix_orders_pickup_code ON orders;
