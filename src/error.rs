//! AppError: the one error type of the app, and the classification of database errors (lock
//! conflict, lost connection, duplicate key). Its HTTP side — status code and error page — is in
//! `web::error_page`, so that `shop` and `db` do not depend on actix or askama.
//!
//! Expected business outcomes (sold out, wrong code, already paid) are not errors: the shop layer
//! returns them as outcome enums and the web layer renders them on the page.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

use crate::i18n::Msg;

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Bad input that has no form to show it on (400).
    #[error("{0}")]
    Invalid(Msg),
    /// The request no longer fits the state of things, e.g. an expired form (409).
    #[error("{0}")]
    Conflict(Msg),
    #[error("{0}")]
    Forbidden(Msg),
    /// Anonymous user on a page that needs a login: 303 to /login?next=…
    #[error("login required")]
    LoginRequired { next: String },
    #[error("{0}")]
    TooManyRequests(Msg),
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
    Unexpected(anyhow::Error),
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
            e if classify(&e) == DbFault::Unavailable => {
                AppError::Unavailable(anyhow::Error::new(e))
            }
            e => AppError::Database(e),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(anyhow::Error::new(e))
    }
}

impl From<anyhow::Error> for AppError {
    /// Context added to a database error does not change what it is: a lost connection under a
    /// `.context(…)` is still "unavailable", not a 500.
    fn from(e: anyhow::Error) -> Self {
        let unavailable = e.chain().any(|cause| {
            cause.downcast_ref::<r2d2::Error>().is_some()
                || cause
                    .downcast_ref::<DieselError>()
                    .is_some_and(|d| classify(d) == DbFault::Unavailable)
                || matches!(
                    cause.downcast_ref::<AppError>(),
                    Some(AppError::Unavailable(_))
                )
        });
        if unavailable {
            AppError::Unavailable(e)
        } else {
            AppError::Unexpected(e)
        }
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

/// What a database error means for the request that met it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DbFault {
    /// The server is gone, stopping, unreachable or refusing connections: 503, and the
    /// connection is not to be reused.
    Unavailable,
    /// A lock conflict (deadlock, lock-wait timeout, Galera certification): run the whole
    /// transaction again.
    Retry,
    /// Anything else (a constraint, a bug): the caller decides.
    Other,
}

/// Error numbers that mean "the database is not there for us right now", each with the message
/// forms MariaDB Connector/C, libmysqlclient and the server use for it.
///
/// diesel's MySQL backend reads `mysql_errno` only to pick a `DatabaseErrorKind` (1062 unique,
/// 1213 serialization, …) and hands the rest over as `Unknown` with the message text; the number
/// itself is not exposed (diesel 2.3, `mysql/connection/stmt/mod.rs`, `raw.rs`). So the numbers are
/// recognised by their message forms, case-insensitively (MariaDB says "Server has gone away",
/// libmysqlclient "MySQL server has gone away").
const UNAVAILABLE: &[(u16, &[&str])] = &[
    (2002, &["can't connect to local", "can\'t connect to local"]),
    (2003, &["can't connect to", "can\'t connect to"]),
    (2005, &["unknown server host", "unknown mysql server host"]),
    (2006, &["server has gone away"]),
    (2013, &["lost connection to"]),
    (2055, &["lost connection to"]),
    (2014, &["commands out of sync"]),
    (2026, &["ssl connection error"]),
    (2027, &["malformed packet"]),
    (1040, &["too many connections"]),
    (1053, &["shutdown in progress"]),
    (1077, &["normal shutdown"]),
    (1079, &["shutdown complete"]),
    (1080, &["forcing close of thread"]),
    (1152, &["aborted connection"]),
    (1158, &["got an error reading communication packets"]),
    (1159, &["got timeout reading communication packets"]),
    (1160, &["got an error writing communication packets"]),
    (1161, &["got timeout writing communication packets"]),
    (1180, &["during commit"]),
    (1290, &["--read-only option"]),
    (1317, &["query execution was interrupted"]),
    (1836, &["running in read-only mode"]),
    (1927, &["connection was killed"]),
    (4031, &["disconnected by the server because of inactivity"]),
    // Galera: this node is not part of the primary component.
    (
        1047,
        &["wsrep has not yet prepared node", "unknown command"],
    ),
];

/// Lock conflicts worth a rerun: 1213 deadlock (also how Galera reports a certification failure)
/// and 1205 lock-wait timeout.
const RETRY: &[(u16, &[&str])] = &[(1213, &["deadlock"]), (1205, &["lock wait timeout"])];

fn message_is(message: &str, table: &[(u16, &[&str])]) -> bool {
    let m = message.to_ascii_lowercase();
    table
        .iter()
        .any(|(_, forms)| forms.iter().any(|f| m.contains(f)))
}

/// Classifies a diesel error by what it is: diesel's own variants first, then the server's or
/// client library's error number (by its message form, see [`UNAVAILABLE`]).
pub fn classify(e: &DieselError) -> DbFault {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => DbFault::Retry,
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => DbFault::Unavailable,
        DieselError::DatabaseError(_, info) if message_is(info.message(), RETRY) => DbFault::Retry,
        DieselError::DatabaseError(_, info) if message_is(info.message(), UNAVAILABLE) => {
            DbFault::Unavailable
        }
        // COMMIT failed and so did the ROLLBACK after it, or diesel gave up on the connection's
        // transaction state: the connection is in no state to trust.
        DieselError::RollbackErrorOnCommit { .. } | DieselError::BrokenTransactionManager => {
            DbFault::Unavailable
        }
        _ => DbFault::Other,
    }
}

/// The server went away or the connection broke: the database is (for now) unavailable.
pub fn is_connection_error(e: &DieselError) -> bool {
    classify(e) == DbFault::Unavailable
}

/// Deadlock (1213) or lock-wait timeout (1205): the whole transaction may simply run again.
pub fn is_retryable(e: &AppError) -> bool {
    matches!(e, AppError::Database(d) if is_retryable_database(d))
}

fn is_retryable_database(e: &DieselError) -> bool {
    classify(e) == DbFault::Retry
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

#[cfg(test)]
mod tests {
    use super::*;

    fn db_error(kind: DatabaseErrorKind, message: &str) -> DieselError {
        DieselError::DatabaseError(kind, Box::new(message.to_string()))
    }

    #[test]
    fn connection_losses_are_unavailable_whatever_the_client_library_calls_them() {
        for m in [
            "Server has gone away",
            "MySQL server has gone away",
            "Lost connection to server during query",
            "Lost connection to MySQL server during query",
            "Lost connection to server at 'handshake: reading initial communication packet', system error: 104",
            "Can't connect to server on '127.0.0.1' (111)",
            "Can't connect to local server through socket '/tmp/x.sock' (2)",
            "Connection was killed",
            "Server shutdown in progress",
            "Too many connections",
            "Commands out of sync; you can't run this command now",
            "WSREP has not yet prepared node for application use",
        ] {
            let e = db_error(DatabaseErrorKind::Unknown, m);
            assert_eq!(classify(&e), DbFault::Unavailable, "{m}");
            assert!(matches!(AppError::from(e), AppError::Unavailable(_)), "{m}");
        }
    }

    #[test]
    fn a_failed_rollback_after_a_failed_commit_is_unavailable() {
        let e = DieselError::RollbackErrorOnCommit {
            rollback_error: Box::new(db_error(DatabaseErrorKind::Unknown, "Server has gone away")),
            commit_error: Box::new(db_error(
                DatabaseErrorKind::Unknown,
                "Lost connection to server during query",
            )),
        };
        assert_eq!(classify(&e), DbFault::Unavailable);
        assert_eq!(
            classify(&DieselError::BrokenTransactionManager),
            DbFault::Unavailable
        );
    }

    #[test]
    fn lock_conflicts_are_retried_and_other_errors_are_left_alone() {
        let deadlock = db_error(
            DatabaseErrorKind::SerializationFailure,
            "Deadlock found when trying to get lock; try restarting transaction",
        );
        assert_eq!(classify(&deadlock), DbFault::Retry);
        let wait = db_error(
            DatabaseErrorKind::Unknown,
            "Lock wait timeout exceeded; try restarting transaction",
        );
        assert_eq!(classify(&wait), DbFault::Retry);
        assert!(is_retryable(&AppError::from(wait)));
        let dup = db_error(
            DatabaseErrorKind::UniqueViolation,
            "Duplicate entry 'x' for key 'uq'",
        );
        assert_eq!(classify(&dup), DbFault::Other);
        assert!(matches!(AppError::from(dup), AppError::Database(_)));
    }

    #[test]
    fn context_does_not_hide_a_lost_connection() {
        let e = anyhow::Error::new(db_error(DatabaseErrorKind::Unknown, "Server has gone away"))
            .context("loading the cart");
        assert!(matches!(AppError::from(e), AppError::Unavailable(_)));
        let other = anyhow::anyhow!("something else");
        assert!(matches!(AppError::from(other), AppError::Unexpected(_)));
    }
}
