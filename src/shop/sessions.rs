//! Session records: one row per login. The cookie carries a random token; the row is keyed by its
//! SHA-256, so logging out deletes the row and every copy of the cookie is worth nothing from then on.
//!
//! [`user_of`] is the one query a request makes to learn who is asking: the session row, its user
//! and the user's store in one `SELECT`, on whatever connection the caller holds.

use crate::i18n::Msg;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::db::schema::{sessions, users};
use crate::domain::Role;
use crate::error::AppError;
use crate::shop::accounts::AuthUser;

/// A session ends after this long without a request (the cookie lives as long).
pub const IDLE_DAYS: i64 = 14;
/// `last_seen_at` is written at most this often per session, so a page view is a read, not a write.
const TOUCH_EVERY_MINUTES: i64 = 10;
/// Longest user agent kept (for "which browser" on the account page).
const USER_AGENT_MAX: usize = 200;

/// The secret in the cookie: 32 random bytes as 64 lowercase hex digits.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

impl SessionToken {
    pub fn generate() -> SessionToken {
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        SessionToken(hex::encode(raw))
    }

    /// Only 64 lowercase hex digits are a token; anything else in a cookie is no session.
    pub fn parse(s: &str) -> Option<SessionToken> {
        (s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
            .then(|| SessionToken(s.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The row's key: SHA-256 of the token, hex.
    pub fn key(&self) -> String {
        hex::encode(Sha256::digest(self.0.as_bytes()))
    }
}

/// Who a session belongs to, as every page needs it, and the units in their cart (the nav's
/// count) when they were asked for.
#[derive(Debug, Clone)]
pub struct SessionUser {
    pub user: AuthUser,
    pub cart_units: Option<i64>,
}

/// Opens a session for a user who just proved who they are; returns the token for the cookie.
pub fn open(
    conn: &mut MysqlConnection,
    user_id: i64,
    epoch: i32,
    user_agent: &str,
) -> Result<SessionToken, AppError> {
    let token = SessionToken::generate();
    let now = chrono::Utc::now().naive_utc();
    diesel::insert_into(sessions::table)
        .values((
            sessions::id.eq(token.key()),
            sessions::user_id.eq(user_id),
            sessions::epoch.eq(epoch),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::user_agent.eq(clip(user_agent, USER_AGENT_MAX)),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The user behind a session token, in one query (a cached prepared statement; with
/// `with_cart_units`, the units in the user's cart for the nav too — a subquery the server
/// optimizes on every execution, so only when the cookie does not know them): None when the row
/// is gone (logged out), idle too long, the account is disabled, or its epoch moved on (password
/// changed, disabled).
pub fn user_of(
    conn: &mut MysqlConnection,
    token: &SessionToken,
    with_cart_units: bool,
) -> Result<Option<SessionUser>, AppError> {
    use diesel::sql_types::{BigInt, Datetime, Nullable, Text};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        username: String,
        #[diesel(sql_type = Text)]
        display_name: String,
        #[diesel(sql_type = Text)]
        role: Role,
        #[diesel(sql_type = Nullable<BigInt>)]
        store_id: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        store_name: Option<String>,
        #[diesel(sql_type = Datetime)]
        last_seen_at: NaiveDateTime,
        #[diesel(sql_type = Nullable<BigInt>)]
        cart_units: Option<i64>,
    }
    let key = token.key();
    let now = chrono::Utc::now().naive_utc();
    let idle_cutoff = now - chrono::Duration::days(IDLE_DAYS);
    // Two fixed texts: two cached statements.
    let sql = if with_cart_units {
        "SELECT u.id, u.username, u.display_name, u.role, u.store_id, st.name AS store_name, \
         s.last_seen_at, \
         CAST((SELECT COALESCE(SUM(c.quantity), 0) FROM cart_items c WHERE c.user_id = u.id) AS SIGNED) \
         AS cart_units \
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN stores st ON st.id = u.store_id \
         WHERE s.id = ? AND s.epoch = u.session_epoch AND u.disabled = FALSE AND s.last_seen_at > ? \
         LIMIT 1"
    } else {
        "SELECT u.id, u.username, u.display_name, u.role, u.store_id, st.name AS store_name, \
         s.last_seen_at, CAST(NULL AS SIGNED) AS cart_units \
         FROM sessions s JOIN users u ON u.id = s.user_id LEFT JOIN stores st ON st.id = u.store_id \
         WHERE s.id = ? AND s.epoch = u.session_epoch AND u.disabled = FALSE AND s.last_seen_at > ? \
         LIMIT 1"
    };
    let row: Option<Row> = crate::db::Prepared::new(sql)
        .bind::<Text, _>(key.clone())
        .bind::<Datetime, _>(idle_cutoff)
        .get_result(conn)
        .optional()?;
    let Some(r) = row else { return Ok(None) };
    if r.last_seen_at < now - chrono::Duration::minutes(TOUCH_EVERY_MINUTES) {
        // A cached prepared statement (diesel prepares and closes every `update(…).set(…)`).
        crate::db::Prepared::new("UPDATE sessions SET last_seen_at = ? WHERE id = ?")
            .bind::<Datetime, _>(now)
            .bind::<Text, _>(key)
            .execute(conn)?;
    }
    Ok(Some(SessionUser {
        user: AuthUser {
            id: r.id,
            username: r.username,
            display_name: r.display_name,
            role: r.role,
            store_id: r.store_id,
            store_name: r.store_name,
        },
        cart_units: r.cart_units,
    }))
}

/// Ends one session (logout): the row goes, so every copy of its cookie is logged out.
pub fn close(conn: &mut MysqlConnection, token: &SessionToken) -> Result<(), AppError> {
    diesel::delete(sessions::table.find(token.key())).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (log out of all devices): the rows go and the epoch moves on.
pub fn close_all(conn: &mut MysqlConnection, user_id: i64) -> Result<usize, AppError> {
    crate::db::in_transaction(conn, |c| {
        let n = diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(c)?;
        diesel::update(users::table.find(user_id))
            .set(users::session_epoch.eq(users::session_epoch + 1))
            .execute(c)?;
        Ok(n)
    })
}

/// One open session, for the account page.
#[derive(Debug, Clone)]
pub struct OpenSession {
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub user_agent: String,
    /// The session this list is shown in.
    pub current: bool,
}

impl OpenSession {
    /// "Firefox on Linux": enough to recognise a device, not a fingerprint.
    pub fn browser(&self) -> Msg {
        browser_label(&self.user_agent)
    }
}

/// A user's open sessions, most recently used first.
pub fn list(
    conn: &mut MysqlConnection,
    user_id: i64,
    current: &SessionToken,
) -> Result<Vec<OpenSession>, AppError> {
    let idle_cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::days(IDLE_DAYS);
    let current_key = current.key();
    let rows: Vec<(String, NaiveDateTime, NaiveDateTime, String)> = sessions::table
        .inner_join(users::table)
        .filter(sessions::user_id.eq(user_id))
        .filter(sessions::epoch.eq(users::session_epoch))
        .filter(sessions::last_seen_at.gt(idle_cutoff))
        .order(sessions::last_seen_at.desc())
        .select((
            sessions::id,
            sessions::created_at,
            sessions::last_seen_at,
            sessions::user_agent,
        ))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, created_at, last_seen_at, user_agent)| OpenSession {
            created_at,
            last_seen_at,
            user_agent,
            current: id == current_key,
        })
        .collect())
}

/// Deletes sessions idle for longer than [`IDLE_DAYS`] or left behind by an epoch change.
pub fn delete_stale(conn: &mut MysqlConnection) -> Result<usize, AppError> {
    let idle_cutoff = chrono::Utc::now().naive_utc() - chrono::Duration::days(IDLE_DAYS);
    let idle = diesel::delete(sessions::table.filter(sessions::last_seen_at.le(idle_cutoff)))
        .execute(conn)?;
    let stale = diesel::sql_query(
        "DELETE s FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.epoch <> u.session_epoch",
    )
    .execute(conn)?;
    Ok(idle + stale)
}

fn clip(s: &str, max: usize) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .scan(0usize, |len, c| {
            *len += c.len_utf8();
            (*len <= max).then_some(c)
        })
        .collect()
}

/// The browser and system a user agent names, in words; "Unknown browser" otherwise.
pub fn browser_label(ua: &str) -> Msg {
    let browser = if ua.contains("Edg/") {
        "Edge"
    } else if ua.contains("OPR/") {
        "Opera"
    } else if ua.contains("Firefox/") {
        "Firefox"
    } else if ua.contains("Chrome/") || ua.contains("Chromium/") {
        "Chrome"
    } else if ua.contains("Safari/") {
        "Safari"
    } else {
        ""
    };
    let system = if ua.contains("Android") {
        "Android"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "macOS"
    } else if ua.contains("Linux") {
        "Linux"
    } else {
        ""
    };
    match (browser, system) {
        ("", "") => crate::msg!("browser-unknown"),
        ("", s) => crate::msg!("browser-on-system", system = s),
        (b, "") => crate::msg!("browser-only", browser = b),
        (b, s) => crate::msg!("browser-on", browser = b, system = s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn en(m: Msg) -> String {
        crate::i18n::Locale::En.msg(&m)
    }

    #[test]
    fn tokens_are_64_hex_digits_and_nothing_else_parses() {
        let t = SessionToken::generate();
        assert_eq!(SessionToken::parse(t.as_str()), Some(t.clone()));
        assert_ne!(t.key(), t.as_str());
        assert!(SessionToken::parse("abc").is_none());
        assert!(SessionToken::parse(&"G".repeat(64)).is_none());
        assert!(SessionToken::parse(&"A".repeat(64)).is_none());
    }

    #[test]
    fn browser_labels_name_browser_and_system() {
        let firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
        assert_eq!(en(browser_label(firefox)), "Firefox on Linux");
        let chrome = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36";
        assert_eq!(en(browser_label(chrome)), "Chrome on Windows");
        let safari = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1";
        assert_eq!(en(browser_label(safari)), "Safari on iOS");
        assert_eq!(en(browser_label("")), "Unknown browser");
    }

    #[test]
    fn clip_keeps_whole_characters_and_drops_controls() {
        assert_eq!(clip("ab\ncd", 10), "abcd");
        assert_eq!(clip("ééé", 5), "éé");
    }
}
