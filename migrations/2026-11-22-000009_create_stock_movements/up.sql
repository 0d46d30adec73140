-- The stock ledger: for every product, stock now = sum(delta) over its movements.
CREATE TABLE stock_movements (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  product_id BIGINT NOT NULL,
  delta INT NOT NULL,
  reason VARCHAR(16) NOT NULL,
  order_id BIGINT NULL,
  actor_user_id BIGINT NULL,
  note VARCHAR(255) NOT NULL DEFAULT '',
  stock_after INT NOT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_stock_movements_product (product_id, id),
  KEY ix_stock_movements_order (order_id),
  CONSTRAINT ck_stock_movements_reason CHECK (reason IN ('sale', 'release', 'adjustment', 'restock'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
