//! Accounts: users, passwords (argon2id), login with per-account throttling, session epochs
//! (the session records themselves are in `shop::sessions`).

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::domain::Role;
use crate::error::{is_unique_violation, AppError};

/// Failed logins tolerated per account inside the window before it is locked.
pub const MAX_FAILED_LOGINS: i32 = 10;
/// Both the counting window and the lock last this long.
pub const LOGIN_LOCK_MINUTES: i64 = 15;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
#[diesel(check_for_backend(diesel::mysql::Mysql))]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub store_id: Option<i64>,
    pub disabled: bool,
    pub session_epoch: i32,
    pub locked_until: Option<NaiveDateTime>,
}

/// Who is logged in, as every page needs it.
#[derive(Debug, Clone)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Unexpected(anyhow::anyhow!("hashing a password: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    match PasswordHash::new(hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Checks a username against the rules shown on the register form.
pub fn validate_username(username: &str) -> Result<(), String> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=32).contains(&username.len()) || !ok_chars {
        return Err("Use 3 to 32 letters, digits, dots, dashes or underscores.".into());
    }
    Ok(())
}

pub fn validate_password(password: &str) -> Result<(), String> {
    if password.chars().count() < 8 {
        return Err("Use at least 8 characters.".into());
    }
    if password.len() > 256 {
        return Err("Use at most 256 characters.".into());
    }
    Ok(())
}

pub struct NewAccount<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub display_name: &'a str,
    pub role: Role,
    pub store_id: Option<i64>,
}

#[derive(Debug)]
pub enum CreateAccount {
    Created(i64),
    UsernameTaken,
}

/// Creates an account; a taken username is an outcome, found by the UNIQUE index (1062).
pub fn create_account(
    conn: &mut MysqlConnection,
    new: &NewAccount<'_>,
) -> Result<CreateAccount, AppError> {
    let hash = hash_password(new.password)?;
    let display = if new.display_name.trim().is_empty() {
        new.username
    } else {
        new.display_name.trim()
    };
    let inserted = diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username),
            users::display_name.eq(display),
            users::password_hash.eq(&hash),
            users::role.eq(new.role),
            users::store_id.eq(new.store_id),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => {
            let id = users::table
                .filter(users::username.eq(new.username))
                .select(users::id)
                .first(conn)?;
            Ok(CreateAccount::Created(id))
        }
        Err(e) if is_unique_violation(&e) => Ok(CreateAccount::UsernameTaken),
        Err(e) => Err(e.into()),
    }
}

#[derive(Debug)]
pub enum LoginOutcome {
    LoggedIn {
        user_id: i64,
        epoch: i32,
        role: Role,
    },
    /// Unknown user, wrong password and disabled account all look the same from outside.
    WrongCredentials,
    Locked,
}

/// A valid argon2id hash of a random password: verifying against it costs the same as a real
/// check, so an unknown username takes as long as a wrong password.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2hvcGNvdW50ZXJkdW1teQ$QPVBYrnIK3L6sJa3Qbti3fPjUW6cGmwvvwCTGuR0PU0";

pub fn log_in(
    conn: &mut MysqlConnection,
    username: &str,
    password: &str,
) -> Result<LoginOutcome, AppError> {
    let user: Option<User> = users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let Some(user) = user else {
        verify_password(password, DUMMY_HASH);
        return Ok(LoginOutcome::WrongCredentials);
    };
    let now = chrono::Utc::now().naive_utc();
    if user.locked_until.is_some_and(|t| t > now) {
        return Ok(LoginOutcome::Locked);
    }
    if !verify_password(password, &user.password_hash) {
        record_failed_login(conn, user.id)?;
        let locked: Option<NaiveDateTime> = users::table
            .find(user.id)
            .select(users::locked_until)
            .first(conn)?;
        return Ok(if locked.is_some_and(|t| t > now) {
            LoginOutcome::Locked
        } else {
            LoginOutcome::WrongCredentials
        });
    }
    if user.disabled {
        return Ok(LoginOutcome::WrongCredentials);
    }
    diesel::update(users::table.find(user.id))
        .set((
            users::failed_logins.eq(0),
            users::failed_window_start.eq(None::<NaiveDateTime>),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(LoginOutcome::LoggedIn {
        user_id: user.id,
        epoch: user.session_epoch,
        role: user.role,
    })
}

/// Counts a failure in one statement. Each assignment reads only columns assigned after it, so
/// the result is the same whether the server applies SET left to right (MySQL) or simultaneously.
fn record_failed_login(conn: &mut MysqlConnection, user_id: i64) -> Result<(), AppError> {
    diesel::sql_query(format!(
        "UPDATE users SET \
           locked_until = CASE WHEN failed_window_start IS NOT NULL \
                                AND failed_window_start > NOW() - INTERVAL {m} MINUTE \
                                AND failed_logins + 1 > {max} \
                               THEN NOW() + INTERVAL {m} MINUTE ELSE locked_until END, \
           failed_logins = CASE WHEN failed_window_start IS NULL \
                                 OR failed_window_start <= NOW() - INTERVAL {m} MINUTE \
                                THEN 1 ELSE failed_logins + 1 END, \
           failed_window_start = CASE WHEN failed_window_start IS NULL \
                                       OR failed_window_start <= NOW() - INTERVAL {m} MINUTE \
                                      THEN NOW() ELSE failed_window_start END \
         WHERE id = ?",
        m = LOGIN_LOCK_MINUTES,
        max = MAX_FAILED_LOGINS
    ))
    .bind::<diesel::sql_types::BigInt, _>(user_id)
    .execute(conn)?;
    Ok(())
}

/// Changes a password and ends the user's other sessions.
pub fn set_password(
    conn: &mut MysqlConnection,
    user_id: i64,
    password: &str,
) -> Result<(), AppError> {
    let hash = hash_password(password)?;
    diesel::update(users::table.find(user_id))
        .set((
            users::password_hash.eq(hash),
            users::session_epoch.eq(users::session_epoch + 1),
            users::failed_logins.eq(0),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(())
}

/// Disables or re-enables an account; disabling ends its sessions at once.
pub fn set_disabled(
    conn: &mut MysqlConnection,
    user_id: i64,
    disabled: bool,
) -> Result<bool, AppError> {
    let n = diesel::update(users::table.find(user_id))
        .set((
            users::disabled.eq(disabled),
            users::session_epoch.eq(users::session_epoch + 1),
        ))
        .execute(conn)?;
    Ok(n == 1)
}
