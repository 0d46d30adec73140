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

pub mod schema;
mod vocabulary;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{ConnectionManager, CustomizeConnection};
use diesel::{Connection, MysqlConnection, RunQueryDsl};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};
use rand::Rng;
use tokio::sync::Semaphore;

use crate::error::{is_retryable, AppError};

pub type Pool = r2d2::Pool<ConnectionManager<MysqlConnection>>;
pub type PooledConn = r2d2::PooledConnection<ConnectionManager<MysqlConnection>>;

pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// Seconds a statement waits for a row lock before MySQL gives up with 1205.
pub const LOCK_WAIT_TIMEOUT_SECONDS: u32 = 2;
/// How many times a transaction runs in all before the user is told "busy".
pub const TRANSACTION_ATTEMPTS: u32 = 5;

/// Sets up every connection the pool hands out, whatever the server's defaults are.
#[derive(Debug)]
struct SessionSetup;

impl CustomizeConnection<MysqlConnection, diesel::r2d2::Error> for SessionSetup {
    fn on_acquire(&self, conn: &mut MysqlConnection) -> Result<(), diesel::r2d2::Error> {
        // The optimistic stock loop needs each re-read to see the latest committed row: READ COMMITTED.
        conn.batch_execute("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED")
            .and_then(|_| {
                conn.batch_execute(&format!(
                    "SET time_zone = '+00:00', innodb_lock_wait_timeout = {LOCK_WAIT_TIMEOUT_SECONDS}"
                ))
            })
            .map_err(diesel::r2d2::Error::QueryError)
    }
}

/// The pool plus an async gate of the same size, so that requests waiting for a connection
/// wait as cheap tasks instead of occupying blocking threads, and the deadline of a request's
/// database work.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    gate: Arc<Semaphore>,
    deadline: Duration,
}

/// How long a request's database work may take by default (`DB_TIMEOUT`).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);

thread_local! {
    /// When the database work running on this (blocking) thread must be done by: a transaction
    /// that finishes its body after it rolls back instead of committing, because its caller has
    /// already been told "unavailable".
    static DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

fn past_deadline() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|at| Instant::now() >= at))
}

/// Drops a connection instead of returning it to the pool. r2d2 asks the manager `has_broken`
/// when a connection comes back, and diesel's manager says yes while the thread is panicking; an
/// unwind started with `resume_unwind` runs no panic hook, so nothing is printed.
fn discard(conn: PooledConn) {
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        let _conn = conn;
        std::panic::resume_unwind(Box::new("discarding a database connection"));
    }));
}

impl Db {
    /// Builds the pool without connecting yet: the app starts even while the database restarts.
    pub fn new(database_url: &str, size: u32) -> Db {
        let manager = ConnectionManager::<MysqlConnection>::new(database_url);
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(size.min(4)))
            .connection_timeout(Duration::from_secs(3))
            .test_on_check_out(true)
            .connection_customizer(Box::new(SessionSetup))
            .build_unchecked(manager);
        Db {
            pool,
            gate: Arc::new(Semaphore::new(size as usize)),
            deadline: DEFAULT_DEADLINE,
        }
    }

    /// The same pool with another deadline for each request's database work.
    pub fn with_deadline(mut self, deadline: Duration) -> Db {
        self.deadline = deadline;
        self
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// A connection for synchronous callers (CLI, tests, the sweeper's blocking task).
    pub fn conn(&self) -> Result<PooledConn, AppError> {
        checkout(&self.pool)
    }

    /// Runs `f` on a pooled connection on the blocking thread pool, outside any transaction,
    /// within the deadline (see [`Db::run_within`]).
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.run_within(self.deadline, f).await
    }

    /// Runs `f` on a pooled connection, answering `Unavailable` when waiting for a connection and
    /// the work together take longer than `deadline` (a stalled server answers nothing at all).
    /// The work cannot be interrupted on its thread; when it finishes late, a transaction in it
    /// rolls back instead of committing, and its connection is thrown away rather than returned
    /// to the pool. A connection that met a lost-connection error is thrown away too.
    pub async fn run_within<T, F>(&self, deadline: Duration, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        let started = Instant::now();
        let due = started + deadline;
        let late = || {
            AppError::Unavailable(anyhow::anyhow!(
                "the database did not answer within {} ms",
                deadline.as_millis()
            ))
        };
        let permit =
            match tokio::time::timeout_at(due.into(), Arc::clone(&self.gate).acquire_owned()).await
            {
                Ok(permit) => permit.context("waiting for a database connection")?,
                Err(_) => return Err(late()),
            };
        let abandoned = Arc::new(AtomicBool::new(false));
        let abandoned_there = Arc::clone(&abandoned);
        let pool = self.pool.clone();
        let work = tokio::task::spawn_blocking(move || {
            // The gate's permit lives as long as the connection is in use, also past the deadline.
            let _permit = permit;
            let wait = due.saturating_duration_since(Instant::now());
            let mut conn = pool
                .get_timeout(wait.max(Duration::from_millis(1)))
                .map_err(|e| AppError::from(e).context("checking out a database connection"))?;
            DEADLINE.with(|d| d.set(Some(due)));
            let result = f(&mut conn);
            DEADLINE.with(|d| d.set(None));
            let broken = matches!(result, Err(AppError::Unavailable(_)));
            if broken || abandoned_there.load(Ordering::SeqCst) {
                discard(conn);
            }
            result
        });
        match tokio::time::timeout_at(due.into(), work).await {
            Ok(joined) => joined.context("the blocking database task failed")?,
            Err(_) => {
                abandoned.store(true, Ordering::SeqCst);
                tracing::warn!(
                    deadline_ms = deadline.as_millis() as u64,
                    "database work passed its deadline; answering unavailable"
                );
                Err(late())
            }
        }
    }
}

/// A pooled connection, or `Unavailable` saying that checking one out failed.
fn checkout(pool: &Pool) -> Result<PooledConn, AppError> {
    pool.get()
        .map_err(|e| AppError::from(e).context("checking out a database connection"))
}

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
        let run = conn.transaction::<T, E, _>(|c| {
            let done = f(c)?;
            if past_deadline() {
                // The caller was already answered "unavailable": this must not take effect.
                return Err(E::from(AppError::Unavailable(anyhow::anyhow!(
                    "the transaction finished after its deadline and was rolled back"
                ))));
            }
            Ok(done)
        });
        match run {
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
