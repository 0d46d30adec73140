//! The database: pool (every connection at READ COMMITTED, UTC, short lock waits), embedded
//! migrations, and the transaction helper that reruns a transaction on deadlock or lock-wait timeout.

pub mod schema;
mod vocabulary;

use std::sync::Arc;
use std::time::Duration;

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
/// wait as cheap tasks instead of occupying blocking threads.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    gate: Arc<Semaphore>,
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
        }
    }

    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// A connection for synchronous callers (CLI, tests, the sweeper's blocking task).
    pub fn conn(&self) -> Result<PooledConn, AppError> {
        Ok(self.pool.get()?)
    }

    /// Runs `f` on a pooled connection on the blocking thread pool, outside any transaction.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnOnce(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        let _permit = self
            .gate
            .acquire()
            .await
            .map_err(|e| AppError::Unexpected(e.into()))?;
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await?
    }

    /// Runs `f` in one transaction on the blocking pool, rerunning it on deadlock or lock-wait timeout.
    pub async fn transaction<T, E, F>(&self, f: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: TxError,
        F: FnMut(&mut MysqlConnection) -> Result<T, E> + Send + 'static,
    {
        let _permit = self
            .gate
            .acquire()
            .await
            .map_err(|e| E::from(AppError::Unexpected(e.into())))?;
        let pool = self.pool.clone();
        actix_web::web::block(move || {
            let mut conn = pool.get().map_err(|e| E::from(AppError::from(e)))?;
            in_transaction(&mut conn, f)
        })
        .await
        .map_err(|e| E::from(AppError::from(e)))?
    }
}

/// What a transaction body may fail with: any error that can say whether it is a lock conflict
/// worth a rerun, and that can carry an `AppError`. Outcome-carrying errors (e.g. "sold out",
/// which must roll the transaction back) implement it by delegating to their `AppError` case.
pub trait TxError: From<diesel::result::Error> + From<AppError> + Send + 'static {
    fn is_retryable(&self) -> bool;
}

impl TxError for AppError {
    fn is_retryable(&self) -> bool {
        is_retryable(self)
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
        match conn.transaction::<T, E, _>(|c| f(c)) {
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

/// The database clock (UTC on our connections) as a nullable DATETIME, for `SET paid_at = NOW()`.
pub fn now_nullable(
) -> diesel::expression::SqlLiteral<diesel::sql_types::Nullable<diesel::sql_types::Datetime>> {
    diesel::dsl::sql("NOW()")
}
