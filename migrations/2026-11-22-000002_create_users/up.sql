-- Login throttling lives here too: failed_logins counts failures since failed_window_start,
-- locked_until is set when more than 10 failures fall inside 15 minutes.
CREATE TABLE users (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username VARCHAR(64) NOT NULL,
  display_name VARCHAR(100) NOT NULL,
  password_hash VARCHAR(255) NOT NULL,
  role VARCHAR(16) NOT NULL,
  store_id BIGINT NULL,
  disabled BOOLEAN NOT NULL DEFAULT FALSE,
  session_epoch INT NOT NULL DEFAULT 0,
  failed_logins INT NOT NULL DEFAULT 0,
  failed_window_start DATETIME NULL,
  locked_until DATETIME NULL,
  created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  UNIQUE KEY uq_users_username (username),
  KEY ix_users_store (store_id),
  CONSTRAINT fk_users_store FOREIGN KEY (store_id) REFERENCES stores (id),
  CONSTRAINT ck_users_role CHECK (role IN ('customer', 'staff', 'admin')),
  CONSTRAINT ck_users_staff_store CHECK (role <> 'staff' OR store_id IS NOT NULL)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
