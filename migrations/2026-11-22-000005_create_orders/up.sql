-- active_pickup_code is the partial unique index MySQL lacks: it holds the code only while the
-- order is confirmed or ready, and NULLs do not collide, so used codes become free again.
CREATE TABLE orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_no VARCHAR(20) NOT NULL,
  user_id BIGINT NOT NULL,
  store_id BIGINT NOT NULL,
  status VARCHAR(20) NOT NULL,
  pay_method VARCHAR(16) NOT NULL,
  total_cents BIGINT NOT NULL,
  note VARCHAR(500) NOT NULL DEFAULT '',
  pickup_code VARCHAR(16) NULL,
  active_pickup_code VARCHAR(16) GENERATED ALWAYS AS (
    CASE WHEN status IN ('confirmed', 'ready') THEN pickup_code ELSE NULL END
  ) STORED,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  expires_at DATETIME NULL,
  paid_at DATETIME NULL,
  ready_at DATETIME NULL,
  ready_by BIGINT NULL,
  picked_up_at DATETIME NULL,
  picked_up_by BIGINT NULL,
  cancelled_at DATETIME NULL,
  cancelled_by BIGINT NULL,
  cancel_reason VARCHAR(255) NULL,
  UNIQUE KEY uq_orders_order_no (order_no),
  UNIQUE KEY uq_orders_active_pickup_code (active_pickup_code),
  KEY ix_orders_user (user_id, id),
  KEY ix_orders_store_status (store_id, status, id),
  KEY ix_orders_status_created (status, created_at),
  KEY ix_orders_status_expires (status, expires_at),
  KEY ix_orders_created (created_at, id),
  CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id),
  CONSTRAINT fk_orders_store FOREIGN KEY (store_id) REFERENCES stores (id),
  CONSTRAINT ck_orders_status CHECK (status IN ('pending_payment', 'confirmed', 'ready', 'picked_up', 'cancelled')),
  CONSTRAINT ck_orders_pay_method CHECK (pay_method IN ('online', 'at_counter')),
  CONSTRAINT ck_orders_total CHECK (total_cents >= 0)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
