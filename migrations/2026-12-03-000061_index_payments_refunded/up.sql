CREATE INDEX ix_payments_refunded ON payments (refunded_at);
