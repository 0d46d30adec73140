//! AppError: the one error type of the app, and the classification of database errors (lock
//! conflict, lost connection, duplicate key). Its HTTP side — status code and error page — is in
//! `web::error_page`, so that `shop` and `db` do not depend on actix or askama.
//!
//! Expected business outcomes (sold out, wrong code, already paid) are not errors: the shop layer
//! returns them as outcome enums and the web layer renders them on the page.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Bad input that has no form to show it on (400).
    #[error("{0}")]
    Invalid(String),
    /// The request no longer fits the state of things, e.g. an expired form (409).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    /// Anonymous user on a page that needs a login: 303 to /login?next=…
    #[error("login required")]
    LoginRequired { next: String },
    #[error("{0}")]
    TooManyRequests(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// The database does not answer (down, restarting, pool exhausted): 503, recovers by itself.
    #[error("temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Retries ran out on lock contention (deadlock / lock-wait timeout): 503 "busy, try again".
    #[error("busy")]
    Busy,
    #[error("database error")]
    Database(#[source] DieselError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl std::fmt::Debug for AppError {
    /// The whole cause chain, for the logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => AppError::NotFound,
            e if is_connection_error(&e) => AppError::Unavailable(anyhow::Error::new(e)),
            e => AppError::Database(e),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(anyhow::Error::new(e))
    }
}

impl AppError {
    /// Names the step that failed, for the log, keeping what the error means: not found, busy
    /// and lock conflicts (which the transaction helper reruns) stay as they are; a lost database
    /// stays `Unavailable`; any other failure becomes `Unexpected` with the step on its chain.
    pub fn context<C>(self, step: C) -> AppError
    where
        C: std::fmt::Display + Send + Sync + 'static,
    {
        match self {
            AppError::Unavailable(e) => AppError::Unavailable(e.context(step)),
            AppError::Unexpected(e) => AppError::Unexpected(e.context(step)),
            AppError::Database(e) if !is_retryable_database(&e) => {
                AppError::Unexpected(anyhow::Error::new(e).context(step))
            }
            other => other,
        }
    }
}

/// `.context(step)` on a result whose error is (or becomes) an `AppError`; see [`AppError::context`].
pub trait Context<T> {
    fn context<C>(self, step: C) -> Result<T, AppError>
    where
        C: std::fmt::Display + Send + Sync + 'static;
}

impl<T, E: Into<AppError>> Context<T> for Result<T, E> {
    fn context<C>(self, step: C) -> Result<T, AppError>
    where
        C: std::fmt::Display + Send + Sync + 'static,
    {
        self.map_err(|e| e.into().context(step))
    }
}

/// The server went away or the connection broke: the database is (for now) unavailable.
pub fn is_connection_error(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("server has gone away")
                || m.contains("Lost connection")
                || m.contains("Can't connect")
                || m.contains("shutdown in progress")
                || m.contains("Server shutdown")
                // A Galera node that left the primary component (1047) serves nothing until it rejoins.
                || m.contains("WSREP has not yet prepared node")
        }
        _ => false,
    }
}

/// Deadlock (1213) or lock-wait timeout (1205): the whole transaction may simply run again.
pub fn is_retryable(e: &AppError) -> bool {
    matches!(e, AppError::Database(e) if is_retryable_database(e))
}

fn is_retryable_database(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            // "Deadlock found …" (InnoDB, or Galera's certification failure at COMMIT, which
            // diesel reports with kind Unknown) and "Deadlock: wsrep aborted transaction".
            m.contains("Deadlock") || m.contains("Lock wait timeout")
        }
        _ => false,
    }
}

/// A duplicate key (1062).
pub fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// The UNIQUE index a duplicate key hit, when MySQL names it (e.g. `uq_orders_order_no`).
pub fn violated_key(e: &DieselError) -> Option<String> {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let m = info.message();
            // "Duplicate entry 'x' for key 'orders.uq_orders_order_no'" (MySQL 8) or "... key 'uq_orders_order_no'"
            let key = m.rsplit("for key ").next()?.trim().trim_matches('\'');
            Some(key.rsplit('.').next().unwrap_or(key).to_string())
        }
        _ => None,
    }
}
