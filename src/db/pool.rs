//! The connection pool: sized for the machine, no `SELECT 1` per checkout, and a request's work on
//! one connection.
//!
//! * **No test query on checkout.** Every connection carries a small instrumentation that watches
//!   its statements: a connection error (server gone, connection cut) marks it broken, and r2d2
//!   discards it when it comes back (`has_broken`). A connection is pinged on checkout only when it
//!   has been idle longer than [`IDLE_CHECK`], or when some connection failed since it was last used
//!   (after a database restart every idle connection is suspect, and each is checked once).
//! * **One rerun.** When a request's connection turns out to be dead before anything on it
//!   succeeded, and the statement that failed only read (or began a transaction), the work runs
//!   once more on another connection: the user sees the page instead of a 503 after a restart.
//! * **Lanes.** The async gate in front of the blocking pool has a lane for staff: customers can hold
//!   at most `size - staff_share(size)` connections, so a clerk at the counter never waits behind
//!   a flash sale's checkouts for a connection.
//! * **A deadline.** A request's database work (waiting for a connection included) has
//!   `DB_TIMEOUT`; past it the request is answered `Unavailable` (503) at once. The work itself
//!   cannot be interrupted on its blocking thread (a stalled server answers nothing at all): when
//!   it finishes late, a transaction in it rolls back instead of committing, and its connection is
//!   marked broken, so the pool throws it away instead of handing it out again.
//! * **One checkout per request.** [`RequestDb`] keeps the connection (and its gate permits) it got
//!   for the request's first statement until the request ends, so the session's user read, the
//!   page's reads and the transaction all run on one connection; a [`Prelude`] (the session's check) runs in the
//!   same blocking hop as the request's first work, so a page costs one hand-off to the blocking pool.

use std::ops::{Deref, DerefMut};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::Context;
use diesel::connection::{Instrumentation, InstrumentationEvent, SimpleConnection};
use diesel::r2d2::R2D2Connection;
use diesel::{Connection, MysqlConnection};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{is_connection_error, AppError};

/// How long a request's database work may take by default (`DB_TIMEOUT`).
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(5);

thread_local! {
    /// When the database work running on this (blocking) thread must be done by.
    static DEADLINE: std::cell::Cell<Option<Instant>> = const { std::cell::Cell::new(None) };
}

/// Has the work on this thread passed its deadline? (Its caller has been answered already.)
pub(super) fn past_deadline() -> bool {
    DEADLINE.with(|d| d.get().is_some_and(|at| Instant::now() >= at))
}

/// A connection idle longer than this is pinged before it is handed out (server timeouts,
/// firewalls dropping idle TCP connections).
pub const IDLE_CHECK: Duration = Duration::from_secs(30);

/// The pool size when `DB_POOL_SIZE` is not set: the well-known rule for database pools,
/// connections ≈ (cores × 2) + effective spindles (PostgreSQL wiki "Number Of Database
/// Connections"; HikariCP "About Pool Sizing"), with this machine's cores (app and database
/// usually share it here) and one spindle (an SSD, or a warm cache).
pub fn default_pool_size() -> u32 {
    let cores = std::thread::available_parallelism()
        .map(|n| n.get() as u32)
        .unwrap_or(2);
    (cores * 2 + 1).clamp(4, 64)
}

/// Connections only staff requests may use: a quarter of the pool, at least one.
pub fn staff_share(size: u32) -> u32 {
    (size / 4).clamp(1, size.saturating_sub(1).max(1))
}

/// Who a request is for: decides which share of the connections it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lane {
    /// Customers, anonymous visitors, callbacks and background work.
    Customer,
    /// Counter staff and administrators.
    Staff,
}

/// When connections failed, shared by the pool's connections.
struct Health {
    started: Instant,
    /// Milliseconds since `started` + 1 of the last connection failure; 0 = none yet.
    last_failure: AtomicU64,
}

impl Health {
    fn now_ms(&self) -> u64 {
        self.started.elapsed().as_millis() as u64
    }
    fn note_failure(&self) {
        self.last_failure
            .store(self.now_ms() + 1, Ordering::Relaxed);
    }
    /// Did a connection fail at or after `ms`?
    fn failed_since(&self, ms: u64) -> bool {
        let f = self.last_failure.load(Ordering::Relaxed);
        f != 0 && f > ms
    }
}

/// What the instrumentation saw on one connection.
#[derive(Default)]
struct ConnState {
    /// Statements that succeeded on this connection.
    ok_statements: AtomicU64,
    /// A statement failed because the connection is gone.
    broken: AtomicBool,
    /// That statement only read (SELECT, BEGIN, SET): rerunning the request's work is safe.
    failed_read: AtomicBool,
}

/// Counts statements and notices a dead connection (diesel calls it around every statement).
struct Watch {
    state: Arc<ConnState>,
    health: Arc<Health>,
}

impl Instrumentation for Watch {
    fn on_connection_event(&mut self, event: InstrumentationEvent<'_>) {
        if let InstrumentationEvent::FinishQuery { query, error, .. } = event {
            match error {
                None => {
                    self.state.ok_statements.fetch_add(1, Ordering::Relaxed);
                }
                Some(e) if is_connection_error(e) => {
                    let sql = query.to_string();
                    let head: String = sql.trim_start().chars().take(6).collect();
                    let head = head.to_ascii_uppercase();
                    let read = ["SELECT", "BEGIN", "START", "SET "]
                        .iter()
                        .any(|p| head.starts_with(p));
                    self.state.failed_read.store(read, Ordering::Relaxed);
                    self.state.broken.store(true, Ordering::Relaxed);
                    self.health.note_failure();
                }
                Some(_) => {}
            }
        }
    }
}

/// A pooled MySQL connection and what the pool knows about it.
pub struct Conn {
    raw: MysqlConnection,
    state: Arc<ConnState>,
    last_used_ms: u64,
}

/// Opens connections (set up for this app) and decides which ones are still good.
pub struct Manager {
    url: String,
    health: Arc<Health>,
    /// What the last new connection found: a Galera node (`wsrep_on`) or not.
    galera: Arc<AtomicBool>,
}

/// Sets up a new connection in one round trip, whatever the server's defaults are: READ COMMITTED
/// (the optimistic stock loop re-reads the latest committed row), UTC, short lock waits.
fn set_up(conn: &mut MysqlConnection) -> diesel::QueryResult<()> {
    conn.batch_execute(&format!(
        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; \
         SET time_zone = '+00:00', innodb_lock_wait_timeout = {}",
        super::LOCK_WAIT_TIMEOUT_SECONDS
    ))
}

/// On a Galera node (detected here, at connect time): reads wait until the node has applied
/// everything the cluster committed before them (`wsrep_sync_wait`), so a GET after a POST that
/// another node committed sees it. Nothing changes on MySQL or a plain MariaDB.
fn set_up_galera(conn: &mut MysqlConnection) -> diesel::QueryResult<bool> {
    let galera = super::is_galera(conn)?;
    if galera {
        conn.batch_execute(&format!(
            "SET SESSION wsrep_sync_wait = {}",
            super::WSREP_SYNC_WAIT
        ))?;
    }
    Ok(galera)
}

impl r2d2::ManageConnection for Manager {
    type Connection = Conn;
    type Error = diesel::r2d2::Error;

    fn connect(&self) -> Result<Conn, Self::Error> {
        let mut raw =
            MysqlConnection::establish(&self.url).map_err(diesel::r2d2::Error::ConnectionError)?;
        set_up(&mut raw).map_err(diesel::r2d2::Error::QueryError)?;
        let galera = set_up_galera(&mut raw).map_err(diesel::r2d2::Error::QueryError)?;
        if self.galera.swap(galera, Ordering::Relaxed) != galera {
            tracing::info!(galera, "database connection set up");
        }
        crate::metrics::galera(galera);
        let state = Arc::new(ConnState::default());
        raw.set_instrumentation(Watch {
            state: Arc::clone(&state),
            health: Arc::clone(&self.health),
        });
        Ok(Conn {
            raw,
            state,
            last_used_ms: self.health.now_ms(),
        })
    }

    /// Called on checkout: no round trip unless the connection is suspect.
    fn is_valid(&self, conn: &mut Conn) -> Result<(), Self::Error> {
        if conn.state.broken.load(Ordering::Relaxed) {
            return Err(diesel::r2d2::Error::QueryError(
                diesel::result::Error::BrokenTransactionManager,
            ));
        }
        let idle_ms = self.health.now_ms().saturating_sub(conn.last_used_ms);
        if idle_ms > IDLE_CHECK.as_millis() as u64 || self.health.failed_since(conn.last_used_ms) {
            conn.raw.ping().map_err(diesel::r2d2::Error::QueryError)?;
        }
        Ok(())
    }

    /// Called when a connection comes back: remembers when, and drops it if it is broken.
    fn has_broken(&self, conn: &mut Conn) -> bool {
        conn.last_used_ms = self.health.now_ms();
        std::thread::panicking()
            || conn.state.broken.load(Ordering::Relaxed)
            || conn.raw.is_broken()
    }
}

/// A connection checked out of the pool; derefs to the `MysqlConnection` (`&mut *conn` where a
/// generic diesel method wants a connection).
pub struct PooledConn(r2d2::PooledConnection<Manager>);

impl Deref for PooledConn {
    type Target = MysqlConnection;
    fn deref(&self) -> &MysqlConnection {
        &self.0.raw
    }
}

impl DerefMut for PooledConn {
    fn deref_mut(&mut self) -> &mut MysqlConnection {
        &mut self.0.raw
    }
}

impl PooledConn {
    fn ok_statements(&self) -> u64 {
        self.0.state.ok_statements.load(Ordering::Relaxed)
    }
    fn is_broken(&self) -> bool {
        self.0.state.broken.load(Ordering::Relaxed)
    }
    /// Marks the connection so the pool drops it when it comes back (its work ran past the
    /// deadline: what state it is in nobody waited to see).
    fn discard(&self) {
        self.0.state.broken.store(true, Ordering::Relaxed);
    }
    /// The connection died, nothing on it succeeded since `ok_before`, and what failed only read.
    fn died_before_doing_anything(&self, ok_before: u64) -> bool {
        self.is_broken()
            && self.ok_statements() == ok_before
            && self.0.state.failed_read.load(Ordering::Relaxed)
    }
}

/// The pool plus an async gate of the same size (requests waiting for a connection wait as cheap
/// tasks, not as blocked threads), with a share of it kept for staff.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    /// One permit per connection.
    all: Arc<Semaphore>,
    /// What customers may hold of them: `size - staff_share(size)`.
    customers: Arc<Semaphore>,
    galera: Arc<AtomicBool>,
    /// How long one request's database work may take.
    deadline: Duration,
}

/// The gate permits a request holds while it has (or may get) a connection.
pub struct Permits {
    _all: OwnedSemaphorePermit,
    _customer: Option<OwnedSemaphorePermit>,
}

impl Db {
    /// Builds the pool without connecting yet: the app starts even while the database restarts.
    pub fn new(database_url: &str, size: u32) -> Db {
        let size = size.max(2);
        let galera = Arc::new(AtomicBool::new(false));
        let manager = Manager {
            galera: Arc::clone(&galera),
            url: database_url.to_string(),
            health: Arc::new(Health {
                started: Instant::now(),
                last_failure: AtomicU64::new(0),
            }),
        };
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(size.min(4)))
            .connection_timeout(Duration::from_secs(3))
            // `is_valid` above: a flag check, a ping only for suspect connections.
            .test_on_check_out(true)
            .build_unchecked(manager);
        Db {
            pool,
            all: Arc::new(Semaphore::new(size as usize)),
            customers: Arc::new(Semaphore::new((size - staff_share(size)) as usize)),
            galera,
            deadline: DEFAULT_DEADLINE,
        }
    }

    /// Whether the connections made so far found a Galera node.
    pub fn is_galera(&self) -> bool {
        self.galera.load(Ordering::Relaxed)
    }

    /// Sets the pool gauges (size, in use, idle) for a scrape of `/metrics`.
    pub fn record_pool_metrics(&self) {
        let state = self.pool.state();
        crate::metrics::pool(
            self.pool.max_size(),
            state.connections,
            state.idle_connections,
        );
    }

    /// The same pool with another deadline for each request's database work (`DB_TIMEOUT`).
    pub fn with_deadline(mut self, deadline: Duration) -> Db {
        self.deadline = deadline;
        self
    }

    pub fn deadline(&self) -> Duration {
        self.deadline
    }

    /// A connection for synchronous callers (CLI, tests), outside the gate.
    pub fn conn(&self) -> Result<PooledConn, AppError> {
        checkout(&self.pool)
    }

    /// Waits (as a task) for the right to hold one connection in `lane`.
    async fn permits(&self, lane: Lane) -> Result<Permits, AppError> {
        // Counted as a wait when this lane's gate has nothing free right now.
        let must_wait = self.all.available_permits() == 0
            || (lane == Lane::Customer && self.customers.available_permits() == 0);
        let waiting = Instant::now();
        let customer = match lane {
            Lane::Customer => Some(
                Arc::clone(&self.customers)
                    .acquire_owned()
                    .await
                    .context("waiting for a database connection")?,
            ),
            Lane::Staff => None,
        };
        let all = Arc::clone(&self.all)
            .acquire_owned()
            .await
            .context("waiting for a database connection")?;
        if must_wait {
            crate::metrics::pool_wait(waiting.elapsed());
        }
        Ok(Permits {
            _all: all,
            _customer: customer,
        })
    }

    /// Runs `f` on a pooled connection on the blocking thread pool, outside any transaction
    /// (one checkout, given back at once).
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        RequestDb::new(self.clone(), Lane::Customer).run(f).await
    }

    /// [`Db::run`] with another deadline (e.g. /healthz's short one, the sweeper's long one).
    pub async fn run_within<T, F>(&self, deadline: Duration, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        RequestDb::new(self.clone(), Lane::Customer)
            .run_within(deadline, f)
            .await
    }

    /// A handle for one request: its statements share one connection.
    pub fn for_request(&self, lane: Lane) -> RequestDb {
        RequestDb::new(self.clone(), lane)
    }

    /// [`Db::for_request`] with a check that runs before every piece of the request's work, in the
    /// same blocking hop (see [`Prelude`]).
    pub fn for_request_checked(&self, lane: Lane, prelude: Prelude) -> RequestDb {
        let mut db = RequestDb::new(self.clone(), lane);
        db.prelude = Some(prelude);
        db
    }
}

/// Runs on the request's connection before each `run`'s work, on the same blocking thread (no
/// hop of its own); an error refuses the work. The web layer checks the session's user with it on
/// the request's first statement and makes it a no-op afterwards.
pub type Prelude = Arc<dyn Fn(&mut MysqlConnection) -> Result<(), AppError> + Send + Sync>;

/// What a request holds: its gate permits and, once it ran something, its connection.
struct Held {
    _permits: Permits,
    conn: Option<PooledConn>,
}

/// One request's database: the first `run` takes a connection (in the request's lane), later ones
/// reuse it, and it goes back to the pool when the request is done (this is dropped).
pub struct RequestDb {
    db: Db,
    lane: Lane,
    held: Mutex<Option<Held>>,
    prelude: Option<Prelude>,
}

impl RequestDb {
    fn new(db: Db, lane: Lane) -> RequestDb {
        RequestDb {
            db,
            lane,
            held: Mutex::new(None),
            prelude: None,
        }
    }

    fn take(&self) -> Option<Held> {
        match self.held.lock() {
            Ok(mut h) => h.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }

    /// Gives the connection back to the pool now (before a long wait that needs none).
    pub fn release(&self) {
        drop(self.take());
    }

    /// Runs `f` on the request's connection on the blocking thread pool, outside any transaction,
    /// within the pool's deadline (see [`RequestDb::run_within`]).
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.run_within(self.db.deadline, f).await
    }

    /// Runs `f` on the request's connection on the blocking thread pool, outside any transaction.
    /// `f` runs a second time, on another connection, only if the first one was dead before
    /// anything succeeded on it (see the module doc). Waiting for a connection and the work
    /// together get `deadline`; past it the answer is `Unavailable` at once, and the work, when it
    /// finishes, rolls back and gives up its connection to be thrown away.
    pub async fn run_within<T, F>(&self, deadline: Duration, mut f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        let due = Instant::now() + deadline;
        let late = move || {
            tracing::warn!(
                deadline_ms = deadline.as_millis() as u64,
                "database work passed its deadline; answering unavailable"
            );
            AppError::Unavailable(anyhow::anyhow!(
                "the database did not answer within {} ms",
                deadline.as_millis()
            ))
        };
        let held = match self.take() {
            Some(h) => h,
            None => Held {
                _permits: tokio::time::timeout_at(due.into(), self.db.permits(self.lane))
                    .await
                    .map_err(|_| late())??,
                conn: None,
            },
        };
        let pool = self.db.pool.clone();
        let abandoned = Arc::new(AtomicBool::new(false));
        let abandoned_there = Arc::clone(&abandoned);
        let prelude = self.prelude.clone();
        let work = tokio::task::spawn_blocking(move || {
            let mut held = held;
            DEADLINE.with(|d| d.set(Some(due)));
            let mut work = |c: &mut MysqlConnection| {
                if let Some(check) = &prelude {
                    check(c)?;
                }
                f(c)
            };
            let result = run_on(&pool, &mut held.conn, &mut work, due);
            DEADLINE.with(|d| d.set(None));
            if abandoned_there.load(Ordering::SeqCst) || Instant::now() >= due {
                if let Some(conn) = held.conn.take() {
                    conn.discard();
                }
            }
            (held, result)
        });
        match tokio::time::timeout_at(due.into(), work).await {
            Ok(joined) => {
                let (held, result) = joined.context("the blocking database task failed")?;
                if let Ok(mut h) = self.held.lock() {
                    *h = Some(held);
                }
                result
            }
            Err(_) => {
                abandoned.store(true, Ordering::SeqCst);
                Err(late())
            }
        }
    }
}

/// A pooled connection, or `Unavailable` saying that checking one out failed.
fn checkout(pool: &r2d2::Pool<Manager>) -> Result<PooledConn, AppError> {
    pool.get()
        .map(PooledConn)
        .map_err(|e| AppError::from(e).context("checking out a database connection"))
}

/// [`checkout`], waiting for a connection no longer than until `due`.
fn checkout_by(pool: &r2d2::Pool<Manager>, due: Instant) -> Result<PooledConn, AppError> {
    let wait = due
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    pool.get_timeout(wait)
        .map(PooledConn)
        .map_err(|e| AppError::from(e).context("checking out a database connection"))
}

fn run_on<T, F>(
    pool: &r2d2::Pool<Manager>,
    slot: &mut Option<PooledConn>,
    f: &mut F,
    due: Instant,
) -> Result<T, AppError>
where
    F: FnMut(&mut MysqlConnection) -> Result<T, AppError>,
{
    let conn = match slot {
        Some(c) => c,
        None => slot.insert(checkout_by(pool, due)?),
    };
    let ok_before = conn.ok_statements();
    let result = f(conn);
    if result.is_err() && conn.died_before_doing_anything(ok_before) {
        tracing::info!("the database connection had died before the request did anything; running it again on another");
        *slot = None; // back to the pool, which drops it (broken)
        let fresh = slot.insert(checkout_by(pool, due)?);
        let again = f(fresh);
        if fresh.is_broken() {
            *slot = None;
        }
        return again;
    }
    if conn.is_broken() {
        *slot = None;
    }
    result
}
