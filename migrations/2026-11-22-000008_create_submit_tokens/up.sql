-- A row exists only for a token that was used; the primary key is what makes a form submit once.
CREATE TABLE submit_tokens (
  token VARCHAR(64) NOT NULL PRIMARY KEY,
  user_id BIGINT NOT NULL,
  purpose VARCHAR(16) NOT NULL,
  subject BIGINT NULL,
  used_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
  result VARCHAR(64) NULL,
  KEY ix_submit_tokens_used_at (used_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
