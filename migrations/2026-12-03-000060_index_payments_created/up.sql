CREATE INDEX ix_payments_created ON payments (created_at);
