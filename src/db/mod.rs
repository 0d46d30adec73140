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
    default_pool_size, staff_share, Db, Lane, PooledConn, RequestDb, DEFAULT_DEADLINE, IDLE_CHECK,
};

use std::time::Duration;

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::{MysqlConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use rand::Rng;

use crate::error::{is_retryable, AppError};

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Seconds a statement waits for a row lock before MySQL gives up with 1205.
pub const LOCK_WAIT_TIMEOUT_SECONDS: u32 = 2;
/// How many times a transaction runs in all before the user is told "busy".
pub const TRANSACTION_ATTEMPTS: u32 = 5;

/// What a transaction body may fail with: any error that can say whether it is a lock conflict
/// worth a rerun, and that can carry an `AppError` — `AppError` itself, or [`Rollback`].
pub trait TxError: From<diesel::result::Error> + From<AppError> + Send + 'static {
    fn is_retryable(&self) -> bool;
}

impl TxError for AppError {
    fn is_retryable(&self) -> bool {
        is_retryable(self)
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
pub fn in_transaction<T, E, F>(conn: &mut MysqlConnection, mut f: F) -> Result<T, E>
where
    E: TxError,
    F: FnMut(&mut MysqlConnection) -> Result<T, E>,
{
    let mut attempt = 1;
    loop {
        match transaction_once(conn, &mut f) {
            Err(e) if e.is_retryable() => {
                if attempt >= TRANSACTION_ATTEMPTS {
                    tracing::warn!(
                        attempts = attempt,
                        "transaction kept hitting lock conflicts"
                    );
                    return Err(E::from(AppError::Busy));
                }
                tracing::debug!(attempt, "retrying transaction after lock conflict");
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

/// BEGIN, the body, COMMIT — or ROLLBACK when the body fails. Sent as cached prepared statements,
/// one command each: diesel's own `Connection::transaction` sends them as text through
/// `batch_execute`, which switches the multi-statement option on and off around each (three
/// commands for every BEGIN and every COMMIT). Nothing in this crate nests transactions (see the
/// rule above): a `conn.transaction(…)` inside a body would commit it early.
fn transaction_once<T, E, F>(conn: &mut MysqlConnection, f: &mut F) -> Result<T, E>
where
    E: TxError,
    F: FnMut(&mut MysqlConnection) -> Result<T, E>,
{
    control(conn, "BEGIN")?;
    match f(conn) {
        Ok(_) if pool::past_deadline() => {
            // The caller was already answered "unavailable" (see `RequestDb::run_within`): what the
            // body did must not take effect.
            let _ = control(conn, "ROLLBACK");
            Err(E::from(AppError::Unavailable(anyhow::anyhow!(
                "the transaction finished after its deadline and was rolled back"
            ))))
        }
        Ok(value) => match control(conn, "COMMIT") {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = control(conn, "ROLLBACK");
                Err(e.into())
            }
        },
        Err(e) => {
            if let Err(r) = control(conn, "ROLLBACK") {
                tracing::warn!(error = %r, "ROLLBACK failed");
            }
            Err(e)
        }
    }
}

fn control(conn: &mut MysqlConnection, sql: &'static str) -> diesel::QueryResult<()> {
    Prepared::new(sql).execute(conn).map(|_| ())
}

/// Applies pending migrations. A named lock keeps several instances starting at once from
/// migrating over each other (GET_LOCK is MySQL/MariaDB syntax, kept to this one place).
pub fn migrate(conn: &mut MysqlConnection) -> anyhow::Result<Vec<String>> {
    #[derive(diesel::QueryableByName)]
    struct Locked {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Integer>)]
        locked: Option<i32>,
    }
    let got: Locked = diesel::sql_query("SELECT GET_LOCK('shopcounter_migrate', 60) AS locked")
        .get_result(conn)
        .context("taking the migration lock")?;
    if got.locked != Some(1) {
        anyhow::bail!(
            "another instance is migrating; could not get the migration lock within 60 s"
        );
    }
    let result = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|done| done.iter().map(|m| m.to_string()).collect::<Vec<_>>())
        .map_err(|e| anyhow::anyhow!("applying migrations: {e}"));
    let _ = diesel::sql_query("SELECT RELEASE_LOCK('shopcounter_migrate')").execute(conn);
    result
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
