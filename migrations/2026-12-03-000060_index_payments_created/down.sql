DROP INDEX ix_payments_created ON payments;
