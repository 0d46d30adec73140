//! The database: pool (every connection at READ COMMITTED, UTC, short lock waits), embedded
//! migrations, the stored vocabularies' column mapping, and the transaction helper that reruns a
//! transaction on deadlock or lock-wait timeout.
//!
//! # Who opens a transaction
//!
//! `shop` does, always; `web` never does. A `shop` operation that the web (or the CLI, or the
//! sweeper) calls with a connection — `place_order`, `pay`, `hand_over`, `cancel_by_admin`, … —
//! runs its whole body through [`in_transaction`] itself, so a handler only does
//! `db.run(|c| shop::op(c, …))`. The steps such an operation is built from (`cancel_order`,
//! `adjust_stock`, `create_product`, `submit_once::consume`, `record_movements`, …) never open one:
//! they say "call inside a transaction" and compose inside any caller's, including a test's.
//!
//! A body that must roll back on an expected outcome (sold out, already paid, payment not
//! collected) returns `Err(Rollback::Refused(outcome))`; [`Rollback::settle`] turns the finished
//! transaction back into that outcome. Errors travel as `Rollback::Failed(AppError)`, and
//! [`in_transaction`] reruns the body when that error is a lock conflict.

mod cached;
mod pool;
pub mod schema;
mod vocabulary;

pub use cached::Prepared;
pub use pool::{
    default_pool_size, staff_share, Db, Lane, PooledConn, Prelude, RequestDb, DEFAULT_DEADLINE,
    IDLE_CHECK,
};

use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::{MysqlConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use rand::Rng;

use crate::error::{is_retryable, AppError};
pub use crate::metrics::RerunCause;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Seconds a statement waits for a row lock before MySQL gives up with 1205.
pub const LOCK_WAIT_TIMEOUT_SECONDS: u32 = 2;
/// How many times a transaction runs in all before the user is told "busy".
pub const TRANSACTION_ATTEMPTS: u32 = 5;

/// `wsrep_sync_wait` on a Galera node: 1 = reads (SELECT, SHOW, BEGIN) wait for causality.
/// Writes need no wait: a conflicting write is refused by certification at COMMIT.
pub const WSREP_SYNC_WAIT: u32 = 1;

/// True when the server is a Galera cluster node with replication on (`@@wsrep_on`). MySQL and a
/// plain MariaDB answer no row or `OFF`. (`SHOW VARIABLES` works on both, `@@wsrep_on` only on MariaDB.)
pub fn is_galera(conn: &mut MysqlConnection) -> diesel::QueryResult<bool> {
    #[derive(diesel::QueryableByName)]
    struct Variable {
        #[diesel(sql_type = diesel::sql_types::Text, column_name = "Value")]
        value: String,
    }
    let rows: Vec<Variable> = diesel::sql_query("SHOW VARIABLES LIKE 'wsrep_on'").load(conn)?;
    Ok(rows.iter().any(|v| v.value.eq_ignore_ascii_case("ON")))
}

/// What a transaction body may fail with: any error that can say whether it is a lock conflict
/// worth a rerun, and that can carry an `AppError` — `AppError` itself, or [`Rollback`].
pub trait TxError: From<diesel::result::Error> + From<AppError> + Send + 'static {
    fn is_retryable(&self) -> bool;
    /// For a retryable error: what caused it (see [`rerun_cause`]); the default knows only
    /// where the conflict came.
    fn rerun_cause(&self, at_commit: bool) -> RerunCause {
        if at_commit {
            RerunCause::Certification
        } else {
            RerunCause::Deadlock
        }
    }
}

impl TxError for AppError {
    fn is_retryable(&self) -> bool {
        is_retryable(self)
    }
    fn rerun_cause(&self, at_commit: bool) -> RerunCause {
        rerun_cause(self, at_commit)
    }
}

/// Why a transaction body did not commit: an expected outcome the user is shown (sold out, already
/// handed over), or a failure. Either way everything the body wrote is rolled back — a submit
/// token it consumed stays fresh.
#[derive(Debug)]
pub enum Rollback<O> {
    /// Roll back, then answer with this outcome.
    Refused(O),
    /// Roll back and fail; a lock conflict is rerun by [`in_transaction`] first.
    Failed(AppError),
}

impl<O> From<AppError> for Rollback<O> {
    fn from(e: AppError) -> Self {
        Rollback::Failed(e)
    }
}

impl<O> From<diesel::result::Error> for Rollback<O> {
    fn from(e: diesel::result::Error) -> Self {
        Rollback::Failed(e.into())
    }
}

impl<O: Send + 'static> TxError for Rollback<O> {
    fn is_retryable(&self) -> bool {
        matches!(self, Rollback::Failed(e) if is_retryable(e))
    }
    fn rerun_cause(&self, at_commit: bool) -> RerunCause {
        match self {
            Rollback::Failed(e) => rerun_cause(e, at_commit),
            Rollback::Refused(_) => RerunCause::Deadlock,
        }
    }
}

impl<O> Rollback<O> {
    /// The outcome of a finished transaction: what it committed, or what it refused with.
    pub fn settle(result: Result<O, Rollback<O>>) -> Result<O, AppError> {
        match result {
            Ok(outcome) | Err(Rollback::Refused(outcome)) => Ok(outcome),
            Err(Rollback::Failed(e)) => Err(e),
        }
    }
}

impl<R> Rollback<R> {
    /// The outcome of a finished transaction whose success and refusal are different types:
    /// `Ok(Ok(committed))`, `Ok(Err(refused))`, or the error.
    pub fn outcome<T>(result: Result<T, Rollback<R>>) -> Result<Result<T, R>, AppError> {
        match result {
            Ok(done) => Ok(Ok(done)),
            Err(Rollback::Refused(refused)) => Ok(Err(refused)),
            Err(Rollback::Failed(e)) => Err(e),
        }
    }
}

/// For operations whose outcomes include "busy": lock conflicts that outlasted the retries
/// (`AppError::Busy`) become that outcome instead of an error page.
pub fn busy_as<O>(result: Result<O, AppError>, busy: O) -> Result<O, AppError> {
    match result {
        Err(AppError::Busy) => Ok(busy),
        other => other,
    }
}

/// Runs `f` in a transaction; on deadlock (1213) or lock-wait timeout (1205) the whole transaction
/// is rolled back and run again, a bounded number of times with a jittered pause. When the attempts
/// run out the caller gets `AppError::Busy`.
///
/// On a Galera cluster a conflicting write on another node surfaces as 1213 at COMMIT (certification
/// failure) or as a "wsrep aborted" 1213 mid-transaction (brute-force abort by a replicated write).
/// Both rerun the same way; each rerun is counted by cause (`shopcounter_transaction_reruns_total`).
pub fn in_transaction<T, E, F>(conn: &mut MysqlConnection, mut f: F) -> Result<T, E>
where
    E: TxError,
    F: FnMut(&mut MysqlConnection) -> Result<T, E>,
{
    let mut attempt = 1;
    let mut causes = [0u32; 3];
    loop {
        // `body_done`: the body itself finished, so a conflict came from COMMIT.
        let (result, body_done) = transaction_once(conn, &mut f);
        match result {
            Err(e) if e.is_retryable() => {
                let cause = e.rerun_cause(body_done);
                causes[cause as usize] += 1;
                if attempt >= TRANSACTION_ATTEMPTS {
                    crate::metrics::transaction_busy();
                    tracing::warn!(
                        attempts = attempt,
                        deadlock = causes[RerunCause::Deadlock as usize],
                        lock_wait = causes[RerunCause::LockWait as usize],
                        certification = causes[RerunCause::Certification as usize],
                        "transaction kept hitting conflicts; answering busy"
                    );
                    return Err(E::from(AppError::Busy));
                }
                crate::metrics::transaction_rerun(cause);
                tracing::debug!(attempt, cause = cause.as_str(), "rerunning transaction");
                let base = 5u64 << attempt;
                std::thread::sleep(Duration::from_millis(
                    rand::thread_rng().gen_range(base / 2..=base),
                ));
                attempt += 1;
            }
            other => return other,
        }
    }
}

/// Why a retryable error happened. `at_commit`: the body had finished, so COMMIT refused — on
/// InnoDB alone a deadlock is found at a statement, never at COMMIT, so a 1213 there is Galera's
/// certification; so is a 1213 whose text names wsrep (a replicated write aborted ours).
pub fn rerun_cause(e: &AppError, at_commit: bool) -> RerunCause {
    let message = match e {
        AppError::Database(diesel::result::Error::DatabaseError(_, info)) => info.message(),
        _ => "",
    };
    if message.contains("Lock wait timeout") {
        RerunCause::LockWait
    } else if at_commit || message.contains("wsrep") || message.contains("WSREP") {
        RerunCause::Certification
    } else {
        RerunCause::Deadlock
    }
}

/// BEGIN, the body, COMMIT — or ROLLBACK when the body fails. Sent as cached prepared statements,
/// one command each: diesel's own `Connection::transaction` sends them as text through
/// `batch_execute`, which switches the multi-statement option on and off around each (three
/// commands for every BEGIN and every COMMIT). Nothing in this crate nests transactions (see the
/// rule above): a `conn.transaction(…)` inside a body would commit it early.
///
/// Also says whether the body had finished (`true`: a failure came from COMMIT).
fn transaction_once<T, E, F>(conn: &mut MysqlConnection, f: &mut F) -> (Result<T, E>, bool)
where
    E: TxError,
    F: FnMut(&mut MysqlConnection) -> Result<T, E>,
{
    if let Err(e) = control(conn, "BEGIN") {
        return (Err(e.into()), false);
    }
    match f(conn) {
        Ok(_) if pool::past_deadline() => {
            // The caller was already answered "unavailable" (see `RequestDb::run_within`): what the
            // body did must not take effect.
            let _ = control(conn, "ROLLBACK");
            let late = AppError::Unavailable(anyhow::anyhow!(
                "the transaction finished after its deadline and was rolled back"
            ));
            (Err(E::from(late)), false)
        }
        Ok(value) => match control(conn, "COMMIT") {
            Ok(()) => (Ok(value), true),
            Err(e) => {
                let _ = control(conn, "ROLLBACK");
                (Err(e.into()), true)
            }
        },
        Err(e) => {
            if let Err(r) = control(conn, "ROLLBACK") {
                tracing::warn!(error = %r, "ROLLBACK failed");
            }
            (Err(e), false)
        }
    }
}

fn control(conn: &mut MysqlConnection, sql: &'static str) -> diesel::QueryResult<()> {
    Prepared::new(sql).execute(conn).map(|_| ())
}

/// The row that makes "one instance migrates" hold on every server, Galera included (where
/// `GET_LOCK` is node-local): its INSERT commits on one instance only — a concurrent INSERT of the
/// same key is a duplicate (1062) or, from another node, fails certification (1213).
const MIGRATION_LOCK_TABLE: &str = "CREATE TABLE IF NOT EXISTS shopcounter_migration_lock (
    id TINYINT UNSIGNED NOT NULL PRIMARY KEY,
    holder VARCHAR(100) NOT NULL,
    taken_at DATETIME NOT NULL
) ENGINE=InnoDB";

/// A holder that has not finished within this is taken to have died; its row is removed.
const MIGRATION_LOCK_STALE_SECONDS: u32 = 300;
/// How long an instance waits for another one's migrations before giving up.
const MIGRATION_WAIT: Duration = Duration::from_secs(600);

/// Applies pending migrations, exactly once even when several instances start together on one
/// server or on several nodes of a cluster: only the instance whose lock-row INSERT commits runs
/// them; the others wait until the row is gone, then find nothing pending.
pub fn migrate(conn: &mut MysqlConnection) -> anyhow::Result<Vec<String>> {
    conn.batch_execute(MIGRATION_LOCK_TABLE)
        .context("creating the migration lock table")?;
    let holder = format!("{}:{}", std::process::id(), rand::thread_rng().gen::<u32>());
    let started = std::time::Instant::now();
    loop {
        let taken = diesel::sql_query(
            "INSERT INTO shopcounter_migration_lock (id, holder, taken_at) VALUES (1, ?, UTC_TIMESTAMP())",
        )
        .bind::<diesel::sql_types::Text, _>(&holder)
        .execute(conn);
        match taken {
            Ok(_) => break,
            Err(e) if lock_taken_elsewhere(&e) => {
                if started.elapsed() > MIGRATION_WAIT {
                    anyhow::bail!(
                        "another instance has been migrating for over {} s (row in shopcounter_migration_lock)",
                        MIGRATION_WAIT.as_secs()
                    );
                }
                let cleared = diesel::sql_query(format!(
                    "DELETE FROM shopcounter_migration_lock WHERE id = 1 \
                     AND taken_at < UTC_TIMESTAMP() - INTERVAL {MIGRATION_LOCK_STALE_SECONDS} SECOND"
                ))
                .execute(conn)
                .context("clearing a stale migration lock")?;
                if cleared > 0 {
                    tracing::warn!(
                        "removed a migration lock older than {MIGRATION_LOCK_STALE_SECONDS} s"
                    );
                }
                std::thread::sleep(Duration::from_millis(
                    rand::thread_rng().gen_range(100..=300),
                ));
            }
            Err(e) => return Err(anyhow::Error::new(e).context("taking the migration lock")),
        }
    }
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|done| done.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        .map_err(|e| anyhow::anyhow!("applying migrations: {e}"));
    diesel::sql_query("DELETE FROM shopcounter_migration_lock WHERE id = 1 AND holder = ?")
        .bind::<diesel::sql_types::Text, _>(&holder)
        .execute(conn)
        .context("releasing the migration lock")?;
    result
}

/// The lock row exists already (1062), or another node's INSERT certified first (1213).
fn lock_taken_elsewhere(e: &diesel::result::Error) -> bool {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
        | Error::DatabaseError(DatabaseErrorKind::SerializationFailure, _) => true,
        Error::DatabaseError(_, info) => info.message().contains("Deadlock"),
        _ => false,
    }
}

/// True when the database answers a trivial query.
pub fn ping(conn: &mut MysqlConnection) -> bool {
    conn.batch_execute("SELECT 1").is_ok()
}

/// The one number a `SELECT … AS n` answers (a SUM over no rows is NULL: 0 here).
#[derive(diesel::QueryableByName)]
pub struct Number {
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    n: Option<i64>,
}

/// Runs a `SELECT … AS n` query that answers one number.
pub fn number<'q, Q>(conn: &mut MysqlConnection, query: Q) -> Result<i64, AppError>
where
    Q: RunQueryDsl<MysqlConnection> + diesel::query_dsl::LoadQuery<'q, MysqlConnection, Number>,
{
    Ok(query.get_result::<Number>(conn)?.n.unwrap_or(0))
}

/// The database clock (UTC on our connections) as a nullable DATETIME, for `SET paid_at = NOW()`.
pub fn now_nullable(
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Datetime>> {
    diesel::dsl::sql("NOW()")
}

#[cfg(test)]
mod tests {
    use super::*;
    use diesel::result::{DatabaseErrorKind, Error};

    fn db_error(kind: DatabaseErrorKind, message: &str) -> AppError {
        AppError::Database(Error::DatabaseError(kind, Box::new(message.to_string())))
    }

    #[test]
    fn reruns_are_told_apart_by_cause() {
        let deadlock = "Deadlock found when trying to get lock; try restarting transaction";
        let statement = db_error(DatabaseErrorKind::SerializationFailure, deadlock);
        assert_eq!(rerun_cause(&statement, false), RerunCause::Deadlock);
        // COMMIT comes back through diesel's batch_execute: kind Unknown, same text.
        let commit = db_error(DatabaseErrorKind::Unknown, deadlock);
        assert!(is_retryable(&commit));
        assert_eq!(rerun_cause(&commit, true), RerunCause::Certification);
        let aborted = db_error(
            DatabaseErrorKind::Unknown,
            "Deadlock: wsrep aborted transaction",
        );
        assert!(is_retryable(&aborted));
        assert_eq!(rerun_cause(&aborted, false), RerunCause::Certification);
        let wait = db_error(
            DatabaseErrorKind::Unknown,
            "Lock wait timeout exceeded; try restarting transaction",
        );
        assert_eq!(rerun_cause(&wait, false), RerunCause::LockWait);
    }
}
