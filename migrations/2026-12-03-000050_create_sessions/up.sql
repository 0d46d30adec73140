-- One row per login. The cookie carries a random token; the row is keyed by its SHA-256 (hex), so
-- a copy of this table cannot be replayed as cookies. `epoch` is the user's session_epoch at login:
-- bumping the user's epoch (disabling, password change) ends every row at once, and logout deletes
-- the row itself, which ends the session for every copy of the cookie.
CREATE TABLE sessions (
  id CHAR(64) NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  epoch INT NOT NULL,
  created_at DATETIME NOT NULL,
  last_seen_at DATETIME NOT NULL,
  user_agent VARCHAR(200) NOT NULL DEFAULT '',
  KEY ix_sessions_user (user_id),
  KEY ix_sessions_last_seen (last_seen_at),
  CONSTRAINT fk_sessions_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
