//! Settings read once from the environment (and `.env`); a bad value stops start-up naming the variable.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use chrono::{FixedOffset, Offset};
use rand::RngCore;

use crate::domain::mac::hmac_of;
use crate::domain::PickupCode;

/// The defaults, written once: `from_env` falls back to them, `for_database` starts from them.
mod default {
    pub const BIND: &str = "127.0.0.1:8080";
    pub const PAYMENT_WINDOW_SECONDS: i64 = 900;
    pub const PICKUP_WINDOW_HOURS: i64 = 48;
    pub const SWEEP_INTERVAL_SECONDS: u64 = 30;
    pub const CURRENCY_SYMBOL: &str = "¥";
    pub const DB_TIMEOUT_SECONDS: u64 = 5;
    pub const SUBMIT_TOKEN_TTL_SECONDS: i64 = 2 * 3600;
}

/// Everything the app needs to know about its surroundings. Secrets are kept out of `Debug`.
#[derive(Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    /// Master secret (≥ 32 bytes): session cookies and every HMAC the app signs derive from it.
    pub session_key: Vec<u8>,
    pub payment_webhook_secret: String,
    pub pickup_code_digits: usize,
    pub payment_window_seconds: i64,
    pub pickup_window_hours: i64,
    pub sweep_interval_seconds: u64,
    pub cookie_secure: bool,
    pub shop_utc_offset: FixedOffset,
    pub currency_symbol: String,
    /// The language when neither the `lang` cookie nor `Accept-Language` names one (`DEFAULT_LOCALE`).
    pub default_locale: crate::i18n::Locale,
    pub db_pool_size: u32,
    /// Deadline of a request's database work (`DB_TIMEOUT`, seconds): after it the request is
    /// answered 503 and its connection is thrown away.
    pub db_timeout: std::time::Duration,
    /// Lifetime of a submit-once token (the form stays usable this long).
    pub submit_token_ttl_seconds: i64,
    /// Bearer token that opens `/metrics` to non-loopback clients (none: loopback only).
    pub metrics_token: Option<String>,
}

impl std::fmt::Debug for Settings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("bind", &self.bind)
            .field("pickup_code_digits", &self.pickup_code_digits)
            .field("payment_window_seconds", &self.payment_window_seconds)
            .field("pickup_window_hours", &self.pickup_window_hours)
            .field("sweep_interval_seconds", &self.sweep_interval_seconds)
            .field("cookie_secure", &self.cookie_secure)
            .field("shop_utc_offset", &self.shop_utc_offset)
            .field("db_pool_size", &self.db_pool_size)
            .field("db_timeout", &self.db_timeout)
            .finish_non_exhaustive()
    }
}

/// A start-up problem, printed as one line.
#[derive(Debug, thiserror::Error)]
#[error("{var}: {message}")]
pub struct ConfigError {
    pub var: &'static str,
    pub message: String,
}

fn bad(var: &'static str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        message: message.into(),
    }
}

fn var(name: &'static str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

fn parse_var<T: std::str::FromStr>(
    name: &'static str,
    default: T,
    check: impl Fn(&T) -> bool,
    expect: &str,
) -> Result<T, ConfigError> {
    match var(name) {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<T>() {
            Ok(v) if check(&v) => Ok(v),
            _ => Err(bad(name, format!("expected {expect}, got {raw:?}"))),
        },
    }
}

impl Settings {
    /// Reads the environment. `var_dir` is where generated secrets are kept between runs.
    pub fn from_env(var_dir: &Path) -> Result<Settings, ConfigError> {
        let database_url = var("DATABASE_URL").ok_or_else(|| {
            bad(
                "DATABASE_URL",
                "not set (e.g. mysql://user:password@127.0.0.1:3306/shopcounter); scripts/run starts a private MariaDB for you",
            )
        })?;
        if !database_url.starts_with("mysql://") {
            return Err(bad("DATABASE_URL", "must start with mysql://"));
        }
        let bind = var("BIND").unwrap_or_else(|| default::BIND.to_string());
        let bind_addr: SocketAddr = bind.parse().map_err(|_| {
            bad(
                "BIND",
                format!("expected host:port like 127.0.0.1:8080, got {bind:?}"),
            )
        })?;
        let session_key = match var("SESSION_KEY") {
            Some(k) if k.len() >= 32 => k.into_bytes(),
            Some(_) => return Err(bad("SESSION_KEY", "must be at least 32 characters")),
            None => persistent_secret(var_dir, "session_key").map_err(|e| {
                bad(
                    "SESSION_KEY",
                    format!(
                        "not set and could not be generated into {}: {e}",
                        var_dir.display()
                    ),
                )
            })?,
        };
        let payment_webhook_secret = match var("PAYMENT_WEBHOOK_SECRET") {
            Some(s) if s.len() >= 16 => s,
            Some(_) => {
                return Err(bad(
                    "PAYMENT_WEBHOOK_SECRET",
                    "must be at least 16 characters",
                ))
            }
            None => persistent_secret(var_dir, "payment_webhook_secret")
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .map_err(|e| {
                    bad(
                        "PAYMENT_WEBHOOK_SECRET",
                        format!("not set and could not be generated: {e}"),
                    )
                })?,
        };
        let cookie_secure = match var("COOKIE_SECURE") {
            None => !bind_addr.ip().is_loopback(),
            Some(v) => match v.trim().to_ascii_lowercase().as_str() {
                "1" | "true" | "on" | "yes" => true,
                "0" | "false" | "off" | "no" => false,
                _ => {
                    return Err(bad(
                        "COOKIE_SECURE",
                        format!("expected true or false, got {v:?}"),
                    ))
                }
            },
        };
        let shop_utc_offset = match var("SHOP_UTC_OFFSET") {
            None => default_offset(),
            Some(v) => parse_offset(&v).ok_or_else(|| {
                bad(
                    "SHOP_UTC_OFFSET",
                    format!("expected an offset like +08:00, got {v:?}"),
                )
            })?,
        };
        let default_locale = match var("DEFAULT_LOCALE") {
            None => crate::i18n::Locale::default(),
            Some(v) => crate::i18n::Locale::parse_setting(&v)
                .ok_or_else(|| bad("DEFAULT_LOCALE", format!("expected zh-CN or en, got {v:?}")))?,
        };
        Ok(Settings {
            database_url,
            bind,
            session_key,
            payment_webhook_secret,
            pickup_code_digits: parse_var(
                "PICKUP_CODE_DIGITS",
                PickupCode::DEFAULT_DIGITS,
                |d| (PickupCode::MIN_DIGITS..=PickupCode::MAX_DIGITS).contains(d),
                "a number from 3 to 10",
            )?,
            payment_window_seconds: parse_var(
                "PAYMENT_WINDOW_SECONDS",
                default::PAYMENT_WINDOW_SECONDS,
                |s| (30..=86_400).contains(s),
                "seconds from 30 to 86400",
            )?,
            pickup_window_hours: parse_var(
                "PICKUP_WINDOW_HOURS",
                default::PICKUP_WINDOW_HOURS,
                |h| (1..=24 * 60).contains(h),
                "hours from 1 to 1440",
            )?,
            sweep_interval_seconds: parse_var(
                "SWEEP_INTERVAL_SECONDS",
                default::SWEEP_INTERVAL_SECONDS,
                |s| (1..=3600).contains(s),
                "seconds from 1 to 3600",
            )?,
            cookie_secure,
            shop_utc_offset,
            currency_symbol: var("CURRENCY_SYMBOL")
                .unwrap_or_else(|| default::CURRENCY_SYMBOL.to_string()),
            default_locale,
            db_pool_size: parse_var(
                "DB_POOL_SIZE",
                crate::db::default_pool_size(),
                |n| (2..=500).contains(n),
                "a pool size from 2 to 500",
            )?,
            db_timeout: std::time::Duration::from_secs(parse_var(
                "DB_TIMEOUT",
                default::DB_TIMEOUT_SECONDS,
                |s| (1..=120).contains(s),
                "seconds from 1 to 120",
            )?),
            submit_token_ttl_seconds: default::SUBMIT_TOKEN_TTL_SECONDS,
            metrics_token: match var("METRICS_TOKEN") {
                Some(t) if t.len() < 16 => {
                    return Err(bad("METRICS_TOKEN", "must be at least 16 characters"))
                }
                t => t,
            },
        })
    }

    /// Settings for tests and tools: everything at its default, with the given database.
    pub fn for_database(database_url: &str) -> Settings {
        Settings {
            database_url: database_url.to_string(),
            bind: "127.0.0.1:0".to_string(),
            session_key: b"test-session-key-test-session-key-test-session-key-test-session-key"
                .to_vec(),
            payment_webhook_secret: "test-webhook-secret".to_string(),
            pickup_code_digits: PickupCode::DEFAULT_DIGITS,
            payment_window_seconds: default::PAYMENT_WINDOW_SECONDS,
            pickup_window_hours: default::PICKUP_WINDOW_HOURS,
            sweep_interval_seconds: default::SWEEP_INTERVAL_SECONDS,
            cookie_secure: false,
            shop_utc_offset: default_offset(),
            currency_symbol: default::CURRENCY_SYMBOL.to_string(),
            default_locale: crate::i18n::Locale::default(),
            // Smaller than a server's: many test apps share one database server.
            db_pool_size: 16,
            db_timeout: std::time::Duration::from_secs(default::DB_TIMEOUT_SECONDS),
            submit_token_ttl_seconds: default::SUBMIT_TOKEN_TTL_SECONDS,
            metrics_token: None,
        }
    }

    /// A key for one purpose, derived from the master secret so that the purposes never share a key.
    pub fn derived_key(&self, purpose: &str) -> Vec<u8> {
        use hmac::Mac;
        hmac_of(
            &self.session_key,
            format!("shopcounter/{purpose}").as_bytes(),
        )
        .finalize()
        .into_bytes()
        .to_vec()
    }
}

/// The shop's display time zone when none is configured: +08:00.
fn default_offset() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).unwrap_or(chrono::Utc.fix())
}

/// Parses `+08:00`, `-05:30`, `+8`, `Z`/`UTC`.
pub fn parse_offset(v: &str) -> Option<FixedOffset> {
    let v = v.trim();
    if v.eq_ignore_ascii_case("z") || v.eq_ignore_ascii_case("utc") {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match v.as_bytes().first()? {
        b'+' => (1, &v[1..]),
        b'-' => (-1, &v[1..]),
        _ => return None,
    };
    let (h, m) = match rest.split_once(':') {
        Some((h, m)) => (h.parse::<i32>().ok()?, m.parse::<i32>().ok()?),
        None => (rest.parse::<i32>().ok()?, 0),
    };
    if !(0..=14).contains(&h) || !(0..60).contains(&m) {
        return None;
    }
    FixedOffset::east_opt(sign * (h * 3600 + m * 60))
}

/// Reads a secret kept in `var_dir/name`, generating 64 random characters there on first use.
fn persistent_secret(var_dir: &Path, name: &str) -> std::io::Result<Vec<u8>> {
    let path: PathBuf = var_dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim();
        if existing.len() >= 32 {
            return Ok(existing.as_bytes().to_vec());
        }
    }
    std::fs::create_dir_all(var_dir)?;
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = hex::encode(raw);
    write_private(&path, &secret)?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(contents.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, contents: &str) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_parse() {
        assert_eq!(
            parse_offset("+08:00").map(|o| o.local_minus_utc()),
            Some(8 * 3600)
        );
        assert_eq!(
            parse_offset("-05:30").map(|o| o.local_minus_utc()),
            Some(-(5 * 3600 + 1800))
        );
        assert_eq!(parse_offset("UTC").map(|o| o.local_minus_utc()), Some(0));
        assert!(parse_offset("8").is_none());
        assert!(parse_offset("+25:00").is_none());
    }
}
