CREATE TABLE payments (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT NOT NULL,
  amount_cents BIGINT NOT NULL,
  method VARCHAR(16) NOT NULL,
  provider_ref VARCHAR(100) NULL,
  status VARCHAR(16) NOT NULL DEFAULT 'captured',
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  refunded_at DATETIME NULL,
  UNIQUE KEY uq_payments_order (order_id),
  UNIQUE KEY uq_payments_provider_ref (provider_ref),
  CONSTRAINT fk_payments_order FOREIGN KEY (order_id) REFERENCES orders (id),
  CONSTRAINT ck_payments_method CHECK (method IN ('online', 'at_counter')),
  CONSTRAINT ck_payments_status CHECK (status IN ('captured', 'refunded'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
