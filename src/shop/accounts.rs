//! Accounts: users, passwords (argon2id), login with per-account throttling, session epochs
//! (the session records themselves are in `shop::sessions`).

use crate::i18n::Msg;
use crate::msg;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::users;
use crate::domain::Role;
use crate::error::{is_unique_violation, AppError};
use crate::passwords;

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

/// Who is logged in, as every page needs it (and as the session cookie remembers it, see
/// `web::session::TypedSession::known_user`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct AuthUser {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub store_id: Option<i64>,
    pub store_name: Option<String>,
}

/// A new argon2id hash, computed right here: for the CLI, the seed and tests. The web layer
/// hashes through `crate::passwords::Passwords`, which bounds how many run at once.
pub fn hash_password(password: &str) -> Result<String, AppError> {
    passwords::hash_with(&mut passwords::Memory::new(), password)
}

/// Checks a username against the rules shown on the register form.
pub fn validate_username(username: &str) -> Result<(), Msg> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !(3..=32).contains(&username.len()) || !ok_chars {
        return Err(msg!("username-rule"));
    }
    Ok(())
}

pub fn validate_password(password: &str) -> Result<(), Msg> {
    if password.chars().count() < 8 {
        return Err(msg!("password-too-short"));
    }
    if password.len() > 256 {
        return Err(msg!("password-too-long"));
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
    create_account_hashed(conn, new, &hash)
}

/// Creates an account whose password was hashed beforehand (`new.password` is not read).
pub fn create_account_hashed(
    conn: &mut MysqlConnection,
    new: &NewAccount<'_>,
    hash: &str,
) -> Result<CreateAccount, AppError> {
    let display = if new.display_name.trim().is_empty() {
        new.username
    } else {
        new.display_name.trim()
    };
    let inserted = diesel::insert_into(users::table)
        .values((
            users::username.eq(new.username),
            users::display_name.eq(display),
            users::password_hash.eq(hash),
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
    /// Unknown user, wrong password, disabled and locked account all look the same from outside:
    /// one answer, one status, and the same cost (a hash is checked in every case).
    Refused,
}

/// A valid argon2id hash of a random password: verifying against it costs the same as a real
/// check, so an unknown username (or a locked account) takes as long as a wrong password.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2hvcGNvdW50ZXJkdW1teQ$QPVBYrnIK3L6sJa3Qbti3fPjUW6cGmwvvwCTGuR0PU0";

/// What a login attempt needs to know about the account before the password is checked.
#[derive(Debug, Clone)]
pub struct LoginCandidate {
    pub user_id: i64,
    pub password_hash: String,
    pub epoch: i32,
    pub role: Role,
    pub disabled: bool,
    pub locked: bool,
}

impl LoginCandidate {
    /// The hash the password is checked against: the account's, or the dummy when the account is
    /// locked (its real hash is not even tried then).
    pub fn hash_to_check(candidate: Option<&LoginCandidate>) -> String {
        match candidate {
            Some(c) if !c.locked => c.password_hash.clone(),
            _ => DUMMY_HASH.to_string(),
        }
    }
}

/// Step one of a login: the account by its exact username, if there is one.
pub fn login_candidate(
    conn: &mut MysqlConnection,
    username: &str,
) -> Result<Option<LoginCandidate>, AppError> {
    let user: Option<User> = users::table
        .filter(users::username.eq(username))
        .select(User::as_select())
        .first(conn)
        .optional()?;
    let now = chrono::Utc::now().naive_utc();
    Ok(user.map(|u| LoginCandidate {
        user_id: u.id,
        locked: u.locked_until.is_some_and(|t| t > now),
        password_hash: u.password_hash,
        epoch: u.session_epoch,
        role: u.role,
        disabled: u.disabled,
    }))
}

/// Step three, after the password was checked (step two, off the database connection): counts a
/// failure against a real, unlocked account, or clears the counters on success.
pub fn finish_login(
    conn: &mut MysqlConnection,
    candidate: Option<&LoginCandidate>,
    password_ok: bool,
) -> Result<LoginOutcome, AppError> {
    let Some(user) = candidate else {
        return Ok(LoginOutcome::Refused);
    };
    if user.locked {
        return Ok(LoginOutcome::Refused);
    }
    if !password_ok {
        record_failed_login(conn, user.user_id)?;
        return Ok(LoginOutcome::Refused);
    }
    if user.disabled {
        return Ok(LoginOutcome::Refused);
    }
    diesel::update(users::table.find(user.user_id))
        .set((
            users::failed_logins.eq(0),
            users::failed_window_start.eq(None::<NaiveDateTime>),
            users::locked_until.eq(None::<NaiveDateTime>),
        ))
        .execute(conn)?;
    Ok(LoginOutcome::LoggedIn {
        user_id: user.user_id,
        epoch: user.epoch,
        role: user.role,
    })
}

/// The whole login on one thread (CLI and tests): candidate, hash check, bookkeeping.
pub fn log_in(
    conn: &mut MysqlConnection,
    username: &str,
    password: &str,
) -> Result<LoginOutcome, AppError> {
    let candidate = login_candidate(conn, username)?;
    let stored = LoginCandidate::hash_to_check(candidate.as_ref());
    let ok = passwords::verify_with(&mut passwords::Memory::new(), password, &stored)
        && candidate.as_ref().is_some_and(|c| !c.locked);
    finish_login(conn, candidate.as_ref(), ok)
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
    set_password_hash(conn, user_id, &hash_password(password)?)
}

/// Stores a password hashed beforehand and ends the user's sessions.
pub fn set_password_hash(
    conn: &mut MysqlConnection,
    user_id: i64,
    hash: &str,
) -> Result<(), AppError> {
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
