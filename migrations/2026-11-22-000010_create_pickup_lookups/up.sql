CREATE TABLE pickup_lookups (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  store_id BIGINT NOT NULL,
  staff_user_id BIGINT NOT NULL,
  entered VARCHAR(32) NOT NULL,
  outcome VARCHAR(24) NOT NULL,
  order_id BIGINT NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  KEY ix_pickup_lookups_staff_time (staff_user_id, created_at),
  KEY ix_pickup_lookups_store (store_id, id),
  KEY ix_pickup_lookups_created (created_at),
  CONSTRAINT ck_pickup_lookups_outcome CHECK (outcome IN ('matched', 'invalid', 'not_found', 'wrong_store', 'already_picked_up', 'cancelled'))
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
