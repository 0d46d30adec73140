DROP INDEX ix_payments_refunded ON payments;
