//! Flash-sale benchmark: N concurrent customers buy one hot product over real HTTP until it sells
//! out (each: add to cart → checkout page → checkout → order page → pay), against the release build
//! of the app on a fresh database; then the database's own ceiling for a minimal checkout
//! transaction (order INSERT + conditional stock UPDATE + movement INSERT, committed) from the same
//! number of connections, and the ratio app/ceiling. Prints figures; asserts the invariants.
//!
//!   scripts/bench flash_sale [--buyers 64] [--stock 1500] [--pool 32] [--ceiling-seconds 5]
//!
//! DATABASE_URL names a server (scripts/bench starts a throw-away one); the benchmark creates and
//! drops its own `bench_*` database there.
//!
//! With `--cluster-dir DIR` (`scripts/bench flash_sale --cluster`) it drives the running cluster of
//! `scripts/cluster up` instead: buyers and the clerk go through its HAProxy, the app CPU is summed
//! over its instances and the database's CPU and commands over its nodes, and transaction reruns
//! (certification, deadlock, lock wait) are read from the instances' /metrics. Its names are
//! tagged per run, so the cluster's database keeps several runs side by side.

mod common;

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{CommandFactory, Parser};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;

use common::BenchDb;
use shopcounter::admission::PER_PRODUCT;
use shopcounter::db::{self, in_transaction};
use shopcounter::domain::{OrderNo, Role};
use shopcounter::error::{is_unique_violation, AppError};
use shopcounter::shop::accounts::hash_password;
use shopcounter::shop::catalog::{create_product, CreateProduct, NewProduct};
use shopcounter::shop::invariants::INVARIANTS;
use shopcounter::shop::stores::{create_store, CreateStore};

const PASSWORD: &str = "bench-password";

/// flash_sale [--buyers 64] [--stock 1500] [--pool 32] [--ceiling-seconds 5]
#[derive(Parser)]
#[command(
    name = "flash_sale",
    about = "N customers buy one hot product over HTTP until it sells out; then the database ceiling"
)]
struct Args {
    /// Concurrent customers.
    #[arg(long, default_value_t = 64)]
    buyers: usize,
    /// Units of the hot product.
    #[arg(long, default_value_t = 1500, value_parser = clap::value_parser!(i32).range(1..))]
    stock: i32,
    /// Database connections of the app (DB_POOL_SIZE); unset: each binary's own default.
    #[arg(long, env = "DB_POOL_SIZE", value_parser = clap::value_parser!(u32).range(2..))]
    pool: Option<u32>,
    /// The app binary to measure (`shopcounter`, run as `serve`); give it twice or more to
    /// measure several builds one after the other in one run (e.g. old main beside this one).
    #[arg(long)]
    app: Vec<std::path::PathBuf>,
    /// Orders waiting at the counter for the clerk who works beside the buyers (0: no clerk).
    #[arg(long, default_value_t = 400)]
    clerk_orders: usize,
    /// How long each ceiling measurement runs.
    #[arg(long, default_value_t = 5)]
    ceiling_seconds: u64,
    /// Drive the running cluster described by DIR/cluster.env (`scripts/cluster up`) instead of
    /// starting the app.
    #[arg(long, conflicts_with = "app")]
    cluster_dir: Option<std::path::PathBuf>,
    /// The database server's UNIX socket (scripts/bench sets it to its private server's): lets
    /// `--via socket` hand the app `mysql://USER@localhost/DB?unix_socket=PATH` instead of
    /// DATABASE_URL's TCP.
    #[arg(long, env = "BENCH_MARIADB_SOCKET")]
    socket: Option<String>,
    /// How each app reaches the database, one round per entry, in this order (e.g.
    /// `--via tcp,socket,socket,tcp` for an ABBA pair in one run); `socket` needs `--socket`.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "tcp")]
    via: Vec<Via>,
    /// After each sale, the app's statements by the server's time in them, per order (needs
    /// performance_schema on the server: `scripts/bench flash_sale --statements` starts its private
    /// server so; the instrumentation itself costs CPU, so compare other figures without it).
    #[arg(long)]
    statements: bool,
}

#[derive(Clone, Copy, PartialEq, clap::ValueEnum)]
enum Via {
    /// DATABASE_URL as given.
    Tcp,
    /// The server's UNIX socket (`--socket`).
    Socket,
}

/// What the sale runs against: an app binary the bench starts, or a running cluster.
enum Target {
    Binary(std::path::PathBuf),
    Cluster {
        /// HAProxy.
        base: String,
        /// The instances' own addresses (their /metrics).
        instances: Vec<String>,
        app_pids: Vec<u32>,
        /// Every node's server URL (no database name).
        nodes: Vec<String>,
    },
}

impl Target {
    /// From DIR/cluster.env and the instances' pid files (written by `scripts/cluster up`).
    fn cluster(dir: &std::path::Path) -> Result<Target, String> {
        let env = std::fs::read_to_string(dir.join("cluster.env")).map_err(|e| {
            format!(
                "{}: {e} (start one with scripts/cluster up)",
                dir.join("cluster.env").display()
            )
        })?;
        let value = |key: &str| -> Result<Vec<String>, String> {
            env.lines()
                .find_map(|l| l.strip_prefix(&format!("{key}=")))
                .map(|v| {
                    v.trim_matches('"')
                        .split_whitespace()
                        .map(str::to_string)
                        .collect()
                })
                .ok_or(format!("{key} missing in cluster.env"))
        };
        let instances = value("CLUSTER_APP_URLS")?;
        let app_pids = (1..=instances.len())
            .filter_map(|n| std::fs::read_to_string(dir.join(format!("app{n}.pid"))).ok())
            .filter_map(|p| p.trim().parse().ok())
            .collect();
        Ok(Target::Cluster {
            base: value("CLUSTER_URL")?.concat(),
            instances,
            app_pids,
            nodes: value("CLUSTER_DB_URLS")?,
        })
    }
}

/// Transaction reruns by cause, summed over the instances' /metrics.
async fn reruns(instances: &[String]) -> BTreeMap<String, f64> {
    let series = "shopcounter_transaction_reruns_total{cause=\"";
    let mut sum = BTreeMap::new();
    for base in instances {
        let Ok(res) = reqwest::get(format!("{base}/metrics")).await else {
            continue;
        };
        for line in res.text().await.unwrap_or_default().lines() {
            let Some(rest) = line.strip_prefix(series) else {
                continue;
            };
            if let Some((cause, value)) = rest.split_once("\"} ") {
                *sum.entry(cause.to_string()).or_insert(0.0) += value.parse::<f64>().unwrap_or(0.0);
            }
        }
    }
    sum
}

/// The value of `<input name="NAME" value="...">` (our templates put name before value).
fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

#[derive(Default)]
struct Tally {
    /// Unexpected answers: (step, status) → count.
    errors: BTreeMap<(&'static str, u16), u64>,
    checkout_all: Vec<Duration>,
    checkout_created: Vec<Duration>,
    /// Each successful checkout's start, with how long it took.
    created_started: Vec<(Instant, Duration)>,
    orders: u64,
    paid: u64,
    sold_out_answers: u64,
    last_sale: Option<Instant>,
}

struct Buyer {
    http: reqwest::Client,
    base: String,
    csrf: String,
}

impl Buyer {
    async fn log_in(base: &str, username: &str) -> Result<Buyer, String> {
        Buyer::log_in_at(base, username, "/cart").await
    }

    /// Logs in and picks up the session's CSRF token from `page`.
    async fn log_in_at(base: &str, username: &str, landing: &str) -> Result<Buyer, String> {
        let http = reqwest::Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(1)
            // Below the server's 5 s keep-alive, so the client never reuses a connection the
            // server is just closing (that race is a transport error, not an answer of the app).
            .pool_idle_timeout(Duration::from_secs(3))
            .timeout(Duration::from_secs(120))
            .build()
            .map_err(|e| e.to_string())?;
        let page = http
            .get(format!("{base}/login"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body = page.text().await.map_err(|e| e.to_string())?;
        let csrf = input_value(&body, "csrf_token").ok_or("no csrf token on /login")?;
        let res = http
            .post(format!("{base}/login"))
            .form(&[
                ("username", username),
                ("password", PASSWORD),
                ("csrf_token", &csrf),
            ])
            .send()
            .await
            .map_err(|e| e.to_string())?;
        if res.status() != reqwest::StatusCode::SEE_OTHER {
            return Err(format!("login of {username}: {}", res.status()));
        }
        // Logging in renews the session and its CSRF token.
        let res = http
            .get(format!("{base}{landing}"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body = res.text().await.map_err(|e| e.to_string())?;
        let csrf = input_value(&body, "csrf_token").ok_or("no csrf token after logging in")?;
        Ok(Buyer {
            http,
            base: base.to_string(),
            csrf,
        })
    }

    async fn post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<(u16, Option<String>, String), String> {
        let mut all = fields.to_vec();
        all.push(("csrf_token", &self.csrf));
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(&all)
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        let location = res
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().await.unwrap_or_default();
        Ok((status, location, body))
    }

    async fn get(&self, path: &str) -> Result<(u16, String), String> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let status = res.status().as_u16();
        Ok((status, res.text().await.unwrap_or_default()))
    }

    /// Buys one unit at a time until the product is sold out.
    async fn shop_until_sold_out(&self, product_id: i64, store_id: i64, tally: &Mutex<Tally>) {
        let product = product_id.to_string();
        let store = store_id.to_string();
        let err = |step: &'static str, status: u16| {
            if let Ok(mut t) = tally.lock() {
                *t.errors.entry((step, status)).or_default() += 1;
            }
        };
        let mut failures = 0;
        while failures < 20 {
            match self
                .post(
                    "/cart/items",
                    &[("product_id", &product), ("quantity", "1")],
                )
                .await
            {
                Ok((303, _, _)) => {}
                Ok((s, _, _)) => {
                    err("add to cart", s);
                    failures += 1;
                    continue;
                }
                Err(_) => {
                    err("add to cart", 0);
                    failures += 1;
                    continue;
                }
            }
            let (token, total) = match self.get("/checkout").await {
                Ok((200, body)) => match (
                    input_value(&body, "submit_token"),
                    input_value(&body, "seen_total_cents"),
                ) {
                    (Some(t), Some(s)) => (t, s),
                    _ => {
                        err("checkout page", 200);
                        failures += 1;
                        continue;
                    }
                },
                Ok((s, _)) => {
                    err("checkout page", s);
                    failures += 1;
                    continue;
                }
                Err(_) => {
                    err("checkout page", 0);
                    failures += 1;
                    continue;
                }
            };
            let started = Instant::now();
            let placed = self
                .post(
                    "/checkout",
                    &[
                        ("store_id", &store),
                        ("pay_method", "online"),
                        ("note", ""),
                        ("seen_total_cents", &total),
                        ("submit_token", &token),
                    ],
                )
                .await;
            let took = started.elapsed();
            let order_path = match placed {
                Ok((303, Some(location), _)) => {
                    if let Ok(mut t) = tally.lock() {
                        t.checkout_all.push(took);
                        t.checkout_created.push(took);
                        t.created_started.push((started, took));
                        t.orders += 1;
                        t.last_sale = Some(Instant::now());
                    }
                    location
                }
                Ok((409, _, body)) if body.contains("data-outcome=\"sold_out\"") => {
                    if let Ok(mut t) = tally.lock() {
                        t.checkout_all.push(took);
                        t.sold_out_answers += 1;
                    }
                    return;
                }
                Ok((s, _, _)) => {
                    if let Ok(mut t) = tally.lock() {
                        t.checkout_all.push(took);
                    }
                    err("checkout", s);
                    failures += 1;
                    continue;
                }
                Err(_) => {
                    err("checkout", 0);
                    failures += 1;
                    continue;
                }
            };
            let pay_token = match self.get(&order_path).await {
                Ok((200, body)) => match input_value(&body, "submit_token") {
                    Some(t) => t,
                    None => {
                        err("order page", 200);
                        continue;
                    }
                },
                Ok((s, _)) => {
                    err("order page", s);
                    continue;
                }
                Err(_) => {
                    err("order page", 0);
                    continue;
                }
            };
            match self
                .post(
                    &format!("{order_path}/pay"),
                    &[("submit_token", &pay_token)],
                )
                .await
            {
                Ok((303, _, _)) => {
                    if let Ok(mut t) = tally.lock() {
                        t.paid += 1;
                    }
                }
                Ok((s, _, _)) => err("pay", s),
                Err(_) => err("pay", 0),
            }
        }
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

/// One number from SQL.
fn sql_i64(conn: &mut MysqlConnection, query: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
        n: Option<i64>,
    }
    diesel::sql_query(format!("SELECT CAST(({query}) AS SIGNED) AS n"))
        .get_result::<N>(conn)
        .map(|r| r.n.unwrap_or(0))
        .unwrap_or_else(|e| panic!("{query}: {e}"))
}

/// The database's own ceiling: `conns` connections each running the minimal checkout transaction
/// on one hot row for `seconds`. Returns (commits per second, retried lock conflicts).
fn database_ceiling(
    url: &str,
    conns: usize,
    seconds: u64,
    product_id: i64,
    user_id: i64,
    store_id: i64,
) -> (f64, u64) {
    let commits = Arc::new(AtomicU64::new(0));
    let conflicts = Arc::new(AtomicU64::new(0));
    let barrier = Arc::new(std::sync::Barrier::new(conns + 1));
    let stop_at = Arc::new(Mutex::new(None::<Instant>));
    // Connect one at a time: hundreds of simultaneous connects can overflow the server's accept
    // backlog, and a client whose handshake never comes waits forever.
    let connecting = Arc::new(Mutex::new(()));
    let mut threads = Vec::new();
    for _ in 0..conns {
        let (url, commits, conflicts, barrier, stop_at, connecting) = (
            url.to_string(),
            Arc::clone(&commits),
            Arc::clone(&conflicts),
            Arc::clone(&barrier),
            Arc::clone(&stop_at),
            Arc::clone(&connecting),
        );
        threads.push(std::thread::spawn(move || {
            let connected = {
                let _one_at_a_time = connecting.lock();
                MysqlConnection::establish(&url).map_err(|e| e.to_string()).and_then(|mut c| {
                    c.batch_execute(
                        "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED; \
                         SET time_zone = '+00:00', innodb_lock_wait_timeout = 2",
                    )
                    .map(|_| c)
                    .map_err(|e| e.to_string())
                })
            };
            // Everyone reaches both barriers, connected or not, so nobody waits forever:
            // the first says "all connected", the second "the deadline is set, go".
            barrier.wait();
            barrier.wait();
            let mut conn = match connected {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("  ceiling: a connection failed: {e}");
                    return;
                }
            };
            let deadline = stop_at.lock().ok().and_then(|s| *s).expect("deadline set");
            while Instant::now() < deadline {
                let order_no = OrderNo::generate(chrono::Utc::now(), &mut rand::thread_rng());
                let done = conn.transaction::<_, diesel::result::Error, _>(|c| {
                    diesel::sql_query(
                        "INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents) \
                         VALUES (?, ?, ?, 'pending_payment', 'online', 100)",
                    )
                    .bind::<diesel::sql_types::Text, _>(order_no.as_str())
                    .bind::<diesel::sql_types::BigInt, _>(user_id)
                    .bind::<diesel::sql_types::BigInt, _>(store_id)
                    .execute(c)?;
                    let n = diesel::sql_query(
                        "UPDATE products SET stock = stock - 1, sales = sales + 1, version = version + 1 \
                         WHERE id = ? AND stock >= 1",
                    )
                    .bind::<diesel::sql_types::BigInt, _>(product_id)
                    .execute(c)?;
                    if n != 1 {
                        return Err(diesel::result::Error::RollbackTransaction);
                    }
                    diesel::sql_query(
                        "INSERT INTO stock_movements (product_id, delta, reason, note, stock_after) \
                         SELECT id, -1, 'sale', '', stock FROM products WHERE id = ?",
                    )
                    .bind::<diesel::sql_types::BigInt, _>(product_id)
                    .execute(c)?;
                    Ok(())
                });
                match done {
                    Ok(()) => {
                        commits.fetch_add(1, Ordering::Relaxed);
                    }
                    Err(e) if is_unique_violation(&e) => {}
                    Err(_) => {
                        conflicts.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    barrier.wait();
    if let Ok(mut s) = stop_at.lock() {
        *s = Some(Instant::now() + Duration::from_secs(seconds));
    }
    let started = Instant::now();
    barrier.wait();
    for t in threads {
        let _ = t.join();
    }
    let elapsed = started.elapsed().as_secs_f64();
    (
        commits.load(Ordering::Relaxed) as f64 / elapsed,
        conflicts.load(Ordering::Relaxed),
    )
}

fn create_users(conn: &mut MysqlConnection, n: usize, tag: &str) -> Result<(), AppError> {
    use shopcounter::db::schema::users;
    let hash = hash_password(PASSWORD)?;
    let rows: Vec<_> = (0..n)
        .map(|i| {
            (
                users::username.eq(format!("buyer{tag}{i:04}")),
                users::display_name.eq(format!("Buyer {i}")),
                users::password_hash.eq(hash.clone()),
                users::role.eq(Role::Customer),
            )
        })
        .collect();
    for chunk in rows.chunks(500) {
        diesel::insert_into(users::table)
            .values(chunk)
            .execute(conn)?;
    }
    Ok(())
}

/// CPU time (user + system) of a process so far, from /proc/PID/stat.
fn cpu_of(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which is in parentheses and may contain spaces).
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: u64 = f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_secs_f64(ticks as f64 / clock_ticks() as f64))
}

/// CPU time of a process's live threads so far, to the nanosecond (/proc/PID/task/*/schedstat):
/// for short windows, where /proc/PID/stat's clock ticks (10 ms) are too coarse. Threads that
/// end inside the window are missed, so long windows use [`cpu_of`].
fn cpu_fine_of(pid: u32) -> Option<Duration> {
    let mut ns = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task")).ok()? {
        let path = task.ok()?.path().join("schedstat");
        if let Ok(s) = std::fs::read_to_string(path) {
            ns += s.split_whitespace().next()?.parse::<u64>().ok()?;
        }
    }
    Some(Duration::from_nanos(ns))
}

/// The kernel's clock ticks per second (asked once).
fn clock_ticks() -> u64 {
    static TICKS: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
            .unwrap_or(100)
    })
}

/// Peak resident memory of a process (VmHWM), in MiB.
fn peak_rss_mib(pid: u32) -> Option<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The database server's pid, when it runs on this machine and says where its pid file is.
fn mariadbd_pid(conn: &mut MysqlConnection) -> Option<u32> {
    #[derive(QueryableByName)]
    struct P {
        #[diesel(sql_type = diesel::sql_types::Text)]
        p: String,
    }
    let file = diesel::sql_query("SELECT @@pid_file AS p")
        .get_result::<P>(conn)
        .ok()?
        .p;
    let pid: u32 = std::fs::read_to_string(file).ok()?.trim().parse().ok()?;
    std::fs::metadata(format!("/proc/{pid}/stat")).ok()?;
    Some(pid)
}

/// Commands the server has received (every client: run on a server of its own). Questions
/// counts queries and executes; Prepare, Close and Reset are not questions.
fn server_commands(conn: &mut MysqlConnection) -> u64 {
    #[derive(QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[diesel(column_name = Value)]
        value: String,
    }
    diesel::sql_query(
        "SHOW GLOBAL STATUS WHERE Variable_name IN \
         ('Questions', 'Com_stmt_prepare', 'Com_stmt_close', 'Com_stmt_reset')",
    )
    .load::<V>(conn)
    .map(|rows| {
        rows.iter()
            .filter_map(|r| r.value.parse::<u64>().ok())
            .sum()
    })
    .unwrap_or(0)
}

/// `--statements`: the statements the app's connections hold prepared, by the server's time in
/// them (performance_schema.prepared_statements_instances), per order sold. The time is the
/// server's wall time in each execution: CPU, plus waits for locks and for a core on a busy machine.
fn print_statements(conn: &mut MysqlConnection, orders: u64) {
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = diesel::sql_types::Text)]
        q: String,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        us: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        tmp: i64,
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        sorts: i64,
    }
    let rows = diesel::sql_query(
        "SELECT LEFT(REGEXP_REPLACE(SQL_TEXT, '[[:space:]]+', ' '), 100) AS q, \
         CAST(SUM(COUNT_EXECUTE) AS SIGNED) AS n, \
         CAST(SUM(SUM_TIMER_EXECUTE) DIV 1000000 AS SIGNED) AS us, \
         CAST(SUM(SUM_CREATED_TMP_TABLES) AS SIGNED) AS tmp, \
         CAST(SUM(SUM_SORT_MERGE_PASSES + SUM_SORT_RANGE + SUM_SORT_SCAN) AS SIGNED) AS sorts \
         FROM performance_schema.prepared_statements_instances \
         GROUP BY SQL_TEXT HAVING n > 0 ORDER BY us DESC LIMIT 20",
    )
    .load::<Row>(conn);
    let rows = match rows {
        Ok(rows) if !rows.is_empty() => rows,
        Ok(_) => {
            println!("  statements: none recorded (is the server's performance_schema on? scripts/bench flash_sale --statements starts it so)");
            return;
        }
        Err(e) => {
            println!("  statements: performance_schema not readable: {e}");
            return;
        }
    };
    let orders = orders.max(1) as f64;
    let total: i64 = rows.iter().map(|r| r.us).sum();
    println!(
        "  statements by the server's time in them (top 20; the clerk's included; per order sold):"
    );
    println!(
        "    {:>6} {:>8} {:>7} {:>5} {:>5}  statement",
        "execs", "µs each", "µs", "tmp", "sorts"
    );
    for r in &rows {
        let n = r.n.max(1) as f64;
        println!(
            "    {:>6.2} {:>8.0} {:>7.0} {:>5} {:>5}  {}",
            r.n as f64 / orders,
            r.us as f64 / n,
            r.us as f64 / orders,
            r.tmp,
            r.sorts,
            r.q
        );
    }
    println!(
        "    total of these: {:.0} µs per order",
        total as f64 / orders
    );
}

/// The database servers the sale runs on (one, or every node of a cluster): their commands and
/// CPU summed.
struct Servers {
    conns: Vec<MysqlConnection>,
    pids: Vec<u32>,
}

impl Servers {
    fn connect(urls: &[String]) -> Servers {
        let mut conns: Vec<MysqlConnection> = urls
            .iter()
            .map(|u| MysqlConnection::establish(u).unwrap_or_else(|e| panic!("{u}: {e}")))
            .collect();
        let pids = conns.iter_mut().filter_map(mariadbd_pid).collect();
        Servers { conns, pids }
    }

    /// How many commands reading [`Servers::commands`] itself adds (one per server).
    fn len(&self) -> u64 {
        self.conns.len() as u64
    }

    fn commands(&mut self) -> u64 {
        self.conns.iter_mut().map(server_commands).sum()
    }

    /// Every server's CPU, read with `read` ([`cpu_of`], or [`cpu_fine_of`] for short windows);
    /// None unless every one runs on this machine.
    fn cpu(&self, read: fn(u32) -> Option<Duration>) -> Option<Duration> {
        if self.pids.len() < self.conns.len() {
            return None;
        }
        cpu_total(&self.pids, read)
    }
}

/// CPU time of several processes together, each read with `read`; None if there are none or any
/// is gone.
fn cpu_total(pids: &[u32], read: fn(u32) -> Option<Duration>) -> Option<Duration> {
    if pids.is_empty() {
        return None;
    }
    pids.iter().map(|&p| read(p)).sum()
}

/// What one binary's sale measured.
struct Measured {
    label: String,
    pool: String,
    rate: f64,
    checkout: [Duration; 3],
    errors: u64,
    broken: usize,
    commands_per_purchase: f64,
    app_ms: f64,
    db_ms: Option<f64>,
    rss_mib: Option<f64>,
    lookup: [Duration; 2],
    hand_over: [Duration; 2],
    clerk_cycles: usize,
}

/// A clerk at the counter: looks a code up, opens its screen, hands the order over, back to the
/// queue — one code after another, until told to stop.
struct Clerk {
    buyer: Buyer,
}

#[derive(Default)]
struct ClerkTally {
    lookup: Vec<Duration>,
    hand_over: Vec<Duration>,
    failures: u64,
}

impl Clerk {
    /// One cycle; returns (lookup incl. its screen, hand-over) times.
    async fn serve(&self, code: &str) -> Result<(Duration, Duration), String> {
        let started = Instant::now();
        let (status, location, _) = self
            .buyer
            .post("/counter/lookup", &[("code", code)])
            .await?;
        let location = match (status, location) {
            (303, Some(l)) => l,
            (s, _) => return Err(format!("lookup: {s}")),
        };
        let (status, screen) = self.buyer.get(&location).await?;
        if status != 200 {
            return Err(format!("lookup screen: {status}"));
        }
        let looked = started.elapsed();
        let token = input_value(&screen, "submit_token").ok_or("no hand-over form")?;
        let marker = "data-order-no=\"";
        let at = screen.find(marker).ok_or("no order number")? + marker.len();
        let order_no = &screen[at..at + screen[at..].find('"').ok_or("bad order number")?];
        let started = Instant::now();
        let (status, _, _) = self
            .buyer
            .post(
                &format!("/counter/orders/{order_no}/handover"),
                &[("submit_token", &token), ("payment_collected", "1")],
            )
            .await?;
        let handed = started.elapsed();
        if status != 303 {
            return Err(format!("hand-over: {status}"));
        }
        let (status, _) = self.buyer.get("/counter").await?;
        if status != 200 {
            return Err(format!("queue: {status}"));
        }
        Ok((looked, handed))
    }
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if args.buyers == 0 {
        Args::command()
            .error(
                clap::error::ErrorKind::InvalidValue,
                "--buyers must be at least 1",
            )
            .exit();
    }
    let apps = if args.app.is_empty() {
        vec![std::path::PathBuf::from("target/release/shopcounter")]
    } else {
        args.app.clone()
    };
    if args.via.contains(&Via::Socket) && args.socket.is_none() {
        Args::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--via socket needs --socket PATH",
            )
            .exit();
    }
    let rounds: Vec<(&std::path::PathBuf, Via)> = apps
        .iter()
        .flat_map(|app| args.via.iter().map(move |via| (app, *via)))
        .collect();
    let mut results = Vec::new();
    let mut broken = 0;
    if let Some(dir) = &args.cluster_dir {
        let target = Target::cluster(dir).unwrap_or_else(|e| {
            eprintln!("flash_sale: {e}");
            std::process::exit(1)
        });
        let Target::Cluster { nodes, .. } = &target else {
            unreachable!()
        };
        // The cluster's database, read at node 1 (waiting for what the others committed).
        let url = format!("{}/shopcounter", nodes[0]);
        let m = run(&args, &target, &url, None, true).await;
        broken += m.broken;
    }
    for (n, (app, via)) in rounds
        .iter()
        .enumerate()
        .filter(|_| args.cluster_dir.is_none())
    {
        let bench_db = BenchDb::create().unwrap_or_else(|e| {
            eprintln!("flash_sale: {e}");
            std::process::exit(1)
        });
        let last = n + 1 == rounds.len();
        let app_url = match (via, &args.socket) {
            (Via::Socket, Some(socket)) => Some(common::socket_url(&bench_db.url, socket)),
            _ => None,
        };
        let target = Target::Binary((*app).clone());
        let m = run(&args, &target, &bench_db.url, app_url.as_deref(), last).await;
        broken += m.broken;
        results.push(m);
        drop(bench_db);
    }
    if results.len() > 1 {
        println!(
            "\nside by side ({} buyers, {} units; one run, one after the other)",
            args.buyers, args.stock
        );
        println!(
            "| binary | pool | orders/s | checkout p50 / p95 / p99 | errors | commands/purchase | app CPU/purchase | mariadbd CPU/purchase | app peak RSS | clerk lookup p50 / p99 | hand-over p50 / p99 |"
        );
        println!("|---|---|---|---|---|---|---|---|---|---|---|");
        for m in &results {
            println!(
                "| {} | {} | {:.0} | {} / {} / {} | {} | {:.1} | {:.2} ms | {} | {} | {} / {} ({} cycles) | {} / {} |",
                m.label,
                m.pool,
                m.rate,
                ms(m.checkout[0]),
                ms(m.checkout[1]),
                ms(m.checkout[2]),
                m.errors,
                m.commands_per_purchase,
                m.app_ms,
                m.db_ms.map(|v| format!("{v:.2} ms")).unwrap_or_else(|| "n/a".into()),
                m.rss_mib.map(|v| format!("{v:.0} MiB")).unwrap_or_else(|| "n/a".into()),
                ms(m.lookup[0]),
                ms(m.lookup[1]),
                m.clerk_cycles,
                ms(m.hand_over[0]),
                ms(m.hand_over[1]),
            );
        }
    }
    if broken > 0 {
        println!("\n{broken} invariant(s) BROKEN");
        std::process::exit(1);
    }
}

/// Places at-counter orders for the clerk (confirmed at once, each with a pickup code).
fn clerk_orders(
    conn: &mut MysqlConnection,
    n: usize,
    user_id: i64,
    store_id: i64,
    product_id: i64,
) -> Vec<String> {
    use shopcounter::domain::{PayMethod, Purpose, Quantity, SubmitTokenSigner};
    use shopcounter::shop::cart::add_to_cart;
    use shopcounter::shop::checkout::{place_order, CheckoutRequest, Placed};
    let signer = SubmitTokenSigner::new(
        b"flash-sale-bench-clerk-orders-key",
        chrono::Duration::hours(1),
    );
    let one = Quantity::parse("1").expect("quantity");
    let mut codes = Vec::with_capacity(n);
    for _ in 0..n {
        add_to_cart(conn, user_id, product_id, one).expect("cart");
        let now = chrono::Utc::now();
        let value = signer.issue(user_id, Purpose::Checkout, None, now);
        let token = signer
            .verify(&value, user_id, Purpose::Checkout, None, now)
            .expect("token");
        let placed = place_order(
            conn,
            &CheckoutRequest {
                user_id,
                store_id,
                pay_method: PayMethod::AtCounter,
                note: String::new(),
                seen_total_cents: 500,
                token,
                payment_window_seconds: 900,
                pickup_code_digits: 6,
            },
        )
        .expect("clerk order");
        let Ok(Placed::Created { order_no, .. }) = placed else {
            panic!("clerk order: {placed:?}")
        };
        codes.push(
            shopcounter::db::schema::orders::table
                .filter(shopcounter::db::schema::orders::order_no.eq(&order_no))
                .select(shopcounter::db::schema::orders::pickup_code)
                .first::<Option<String>>(conn)
                .expect("code")
                .expect("a pickup code"),
        );
    }
    codes
}

/// Starts one binary of the app (`serve`) on a free port over `url`; returns it and its base URL.
async fn start_app(
    bin: &std::path::Path,
    url: &str,
    pool: Option<u32>,
) -> (std::process::Child, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let var_dir = std::env::temp_dir().join(format!("flash-sale-{port}"));
    let mut cmd = std::process::Command::new(bin);
    cmd.arg("serve")
        .env("DATABASE_URL", url)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env(
            "SESSION_KEY",
            "flash-sale-bench-session-key-0123456789abcdef",
        )
        .env("PAYMENT_WEBHOOK_SECRET", "flash-sale-bench-webhook")
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null());
    match pool {
        Some(p) => {
            cmd.env("DB_POOL_SIZE", p.to_string());
        }
        None => {
            cmd.env_remove("DB_POOL_SIZE");
        }
    }
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("starting {}: {e}", bin.display()));
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return (child, base);
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("{} did not answer /healthz", bin.display());
}

/// Runs the sale (and a clerk beside it) against one binary; prints its figures.
/// `app_url`: what the app is given instead of `url` (the bench's own connections keep `url`).
async fn run(
    args: &Args,
    target: &Target,
    url: &str,
    app_url: Option<&str>,
    with_ceiling: bool,
) -> Measured {
    let mut label = match target {
        Target::Binary(bin) => bin
            .parent()
            .and_then(|p| p.file_name())
            .map(|d| {
                format!(
                    "{}/{}",
                    d.to_string_lossy(),
                    bin.file_name().unwrap_or_default().to_string_lossy()
                )
            })
            .unwrap_or_else(|| bin.display().to_string()),
        Target::Cluster { instances, .. } => {
            format!("cluster ({} instances behind HAProxy)", instances.len())
        }
    };
    if args.via.len() > 1 || app_url.is_some() {
        label.push_str(if app_url.is_some() {
            " over socket"
        } else {
            " over TCP"
        });
    }
    let mut conn = MysqlConnection::establish(url).expect("connect");
    if matches!(target, Target::Cluster { .. }) {
        conn.batch_execute("SET SESSION wsrep_sync_wait = 1")
            .expect("wsrep_sync_wait");
    }
    db::migrate(&mut conn).expect("migrate");
    let version = sql_version(&mut conn);
    // The cluster's database holds the demo shop and earlier runs: this run's names are its own.
    let tag = format!("{:05x}", rand::random::<u32>() & 0xf_ffff);
    let store_id =
        match create_store(&mut conn, "SH01", "North Store", "12 North Road").expect("store") {
            CreateStore::Created(id) => id,
            CreateStore::CodeTaken => {
                shopcounter::shop::stores::by_code(&mut conn, "SH01")
                    .expect("store")
                    .expect("SH01")
                    .id
            }
        };
    let product =
        |conn: &mut MysqlConnection, sku: &str, name: &str, price_cents: i64, stock: i32| {
            match in_transaction(conn, |c| {
                create_product(
                    c,
                    &NewProduct {
                        sku,
                        name,
                        description: "Flash sale.",
                        price_cents,
                        stock,
                    },
                    None,
                )
            })
            .expect("product")
            {
                CreateProduct::Created(id) => id,
                CreateProduct::SkuTaken => unreachable!(),
            }
        };
    let sku = |name: &str| format!("{name}-{tag}");
    let hot = product(&mut conn, &sku("HOT"), "Limited Teapot", 1999, args.stock);
    let ceiling_product = product(&mut conn, &sku("CEILING"), "Ceiling row", 1999, 100_000_000);
    let clerk_product = product(&mut conn, &sku("PICKUP"), "Counter parcel", 500, 1_000_000);
    create_users(&mut conn, args.buyers, &tag).expect("users");
    let clerk_name = format!("clerk{tag}");
    let walk_in = match shopcounter::shop::accounts::create_account(
        &mut conn,
        &shopcounter::shop::accounts::NewAccount {
            username: &format!("walkin{tag}"),
            password: PASSWORD,
            display_name: "Walk-in",
            role: Role::Customer,
            store_id: None,
        },
    )
    .expect("walk-in")
    {
        shopcounter::shop::accounts::CreateAccount::Created(id) => id,
        _ => unreachable!(),
    };
    shopcounter::shop::accounts::create_account(
        &mut conn,
        &shopcounter::shop::accounts::NewAccount {
            username: &clerk_name,
            password: PASSWORD,
            display_name: "Clerk",
            role: Role::Staff,
            store_id: Some(store_id),
        },
    )
    .expect("clerk");
    let codes = if args.clerk_orders > 0 {
        clerk_orders(
            &mut conn,
            args.clerk_orders,
            walk_in,
            store_id,
            clerk_product,
        )
    } else {
        Vec::new()
    };

    let (mut child, base, app_pids, mut servers, instances) = match target {
        Target::Binary(bin) => {
            let (child, base) = start_app(bin, app_url.unwrap_or(url), args.pool).await;
            let pids = vec![child.id()];
            let servers = Servers::connect(&[url.to_string()]);
            (Some(child), base.clone(), pids, servers, vec![base])
        }
        Target::Cluster {
            base,
            instances,
            app_pids,
            nodes,
        } => (
            None,
            base.clone(),
            app_pids.clone(),
            Servers::connect(nodes),
            instances.clone(),
        ),
    };
    let reruns_before = reruns(&instances).await;
    println!(
        "\n== {label}: flash sale, {} buyers, {} units of one product, pool {}, admission {} per product, {} CPUs, {}",
        args.buyers,
        args.stock,
        args.pool.map(|p| p.to_string()).unwrap_or_else(|| "default".into()),
        PER_PRODUCT,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        version
    );
    let login_started = Instant::now();
    let mut logins = Vec::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    for i in 0..args.buyers {
        let (base, gate, name) = (base.clone(), Arc::clone(&gate), format!("buyer{tag}{i:04}"));
        logins.push(tokio::spawn(async move {
            let _p = gate.acquire().await;
            Buyer::log_in(&base, &name).await
        }));
    }
    let mut buyers = Vec::new();
    for l in logins {
        buyers.push(l.await.expect("login task").expect("login"));
    }
    let clerk = Clerk {
        buyer: Buyer::log_in_at(&base, &clerk_name, "/counter")
            .await
            .expect("clerk login"),
    };
    println!(
        "  {} buyers and a clerk logged in ({:.1} s)",
        buyers.len(),
        login_started.elapsed().as_secs_f64()
    );

    // The clerk alone first: what one counter cycle costs (warms its statements, too), so that the
    // per-purchase figures below can leave the clerk's share out. Read to the nanosecond: in
    // clock ticks, 10 ms each, a dozen cycles' CPU is counted to within a cycle's own cost.
    let mut codes = codes.into_iter();
    if let Some(code) = codes.next() {
        clerk.serve(&code).await.expect("clerk cycle");
    }
    let calibration = 20.min(codes.len());
    let (c0, a0, d0) = (
        servers.commands(),
        cpu_total(&app_pids, cpu_fine_of).unwrap_or_default(),
        servers.cpu(cpu_fine_of).unwrap_or_default(),
    );
    for code in codes.by_ref().take(calibration) {
        clerk.serve(&code).await.expect("clerk cycle");
    }
    let (c1, a1, d1) = (
        servers.commands(),
        cpu_total(&app_pids, cpu_fine_of).unwrap_or_default(),
        servers.cpu(cpu_fine_of).unwrap_or_default(),
    );
    let per_cycle = |total: f64| total / calibration.max(1) as f64;
    let cycle_commands = per_cycle(c1.saturating_sub(c0 + servers.len()) as f64);
    let cycle_app = per_cycle((a1.saturating_sub(a0)).as_secs_f64());
    let cycle_db = per_cycle((d1.saturating_sub(d0)).as_secs_f64());
    if calibration > 0 {
        println!(
            "  one counter cycle alone (lookup, its screen, hand-over, queue): {cycle_commands:.1} commands, app {:.2} ms, mariadbd {:.2} ms CPU",
            cycle_app * 1000.0,
            cycle_db * 1000.0
        );
    }

    let tally = Arc::new(Mutex::new(Tally::default()));
    let barrier = Arc::new(tokio::sync::Barrier::new(buyers.len() + 1));
    let mut tasks = Vec::new();
    for b in buyers {
        let (tally, barrier) = (Arc::clone(&tally), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            b.shop_until_sold_out(hot, store_id, &tally).await;
        }));
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clerk_task = {
        let stop = Arc::clone(&stop);
        let codes: Vec<String> = codes.collect();
        tokio::spawn(async move {
            let mut t = ClerkTally::default();
            for code in codes {
                if stop.load(Ordering::Relaxed) {
                    break;
                }
                match clerk.serve(&code).await {
                    Ok((l, h)) => {
                        t.lookup.push(l);
                        t.hand_over.push(h);
                    }
                    Err(e) => {
                        t.failures += 1;
                        eprintln!("  clerk: {e}");
                    }
                }
            }
            t
        })
    };
    let commands_before = servers.commands();
    let app_before = cpu_total(&app_pids, cpu_of).unwrap_or_default();
    let db_before = servers.cpu(cpu_of);
    let bench_before = cpu_of(std::process::id()).unwrap_or_default();
    barrier.wait().await;
    let started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    let all_done = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let app_after = cpu_total(&app_pids, cpu_of).unwrap_or_default();
    let db_after = servers.cpu(cpu_of);
    let bench_after = cpu_of(std::process::id()).unwrap_or_default();
    let commands_after = servers.commands();
    let reruns_after = reruns(&instances).await;
    let mut clerk_tally = clerk_task.await.expect("clerk");
    if args.statements {
        if let Some(conn) = servers.conns.first_mut() {
            // While the app still runs: the table holds what its live connections have prepared.
            let orders = tally.lock().map(|t| t.orders).unwrap_or(0);
            print_statements(conn, orders);
        }
    }
    let rss = app_pids
        .iter()
        .filter_map(|&p| peak_rss_mib(p))
        .reduce(f64::max);
    if let Some(child) = child.as_mut() {
        let _ = child.kill();
        let _ = child.wait();
    }

    let mut t = match Arc::try_unwrap(tally) {
        Ok(m) => m
            .into_inner()
            .unwrap_or_else(|_| panic!("a buyer panicked")),
        Err(_) => panic!("tally still shared"),
    };
    let sell_out = t.last_sale.map(|at| at - started).unwrap_or(all_done);
    let rate = t.orders as f64 / sell_out.as_secs_f64().max(1e-9);
    t.checkout_all.sort();
    t.checkout_created.sort();
    println!("\napp (over HTTP, each order: add → checkout page → checkout → order page → pay)");
    println!(
        "  sold {} units in {:.2} s: sell-out rate {:.0} orders/s ({} paid; all buyers done after {:.2} s)",
        t.orders,
        sell_out.as_secs_f64(),
        rate,
        t.paid,
        all_done.as_secs_f64()
    );
    for (label, v) in [
        ("all checkout POSTs", &t.checkout_all),
        ("successful checkouts", &t.checkout_created),
    ] {
        println!(
            "  {label} ({}): p50 {}  p95 {}  p99 {}  max {}",
            v.len(),
            ms(percentile(v, 50.0)),
            ms(percentile(v, 95.0)),
            ms(percentile(v, 99.0)),
            ms(v.last().copied().unwrap_or_default())
        );
    }
    // The opening rush: every buyer adds, opens the checkout page and checks out at once, so the
    // first checkouts queue behind all of it (and behind each other on the hot row). Past it, the
    // sale's steady state.
    let opening = Duration::from_secs(1);
    let mut steady: Vec<Duration> = t
        .created_started
        .iter()
        .filter(|(at, _)| at.saturating_duration_since(started) >= opening)
        .map(|(_, took)| *took)
        .collect();
    steady.sort();
    let mut slowest = t.created_started.clone();
    slowest.sort_by_key(|(_, took)| std::cmp::Reverse(*took));
    slowest.truncate((slowest.len() / 100).max(1));
    let in_opening = slowest
        .iter()
        .filter(|(at, _)| at.saturating_duration_since(started) < opening)
        .count();
    println!(
        "  successful checkouts started after the opening second ({}): p50 {}  p95 {}  p99 {}; of the slowest 1 % ({}), {} started in the opening second",
        steady.len(),
        ms(percentile(&steady, 50.0)),
        ms(percentile(&steady, 95.0)),
        ms(percentile(&steady, 99.0)),
        slowest.len(),
        in_opening
    );
    println!(
        "  sold-out answers (409, expected once per buyer): {}",
        t.sold_out_answers
    );
    let per_order = |cause: &str| {
        let n = reruns_after.get(cause).copied().unwrap_or(0.0)
            - reruns_before.get(cause).copied().unwrap_or(0.0);
        format!("{n:.0} ({:.3} per order)", n / (t.orders.max(1) as f64))
    };
    println!(
        "  transaction reruns: certification {}, deadlock {}, lock wait {}",
        per_order("certification"),
        per_order("deadlock"),
        per_order("lock_wait")
    );
    let errors: u64 = t.errors.values().sum();
    if t.errors.is_empty() {
        println!("  errors by status: none");
    } else {
        println!("  errors by status ({errors}):");
        for ((step, status), n) in &t.errors {
            let status = if *status == 0 {
                "no answer".to_string()
            } else {
                status.to_string()
            };
            println!("    {step}: {status} × {n}");
        }
    }
    clerk_tally.lookup.sort();
    clerk_tally.hand_over.sort();
    let cycles = clerk_tally.lookup.len();
    println!(
        "  clerk beside the buyers ({cycles} hand-overs, {} failed): lookup + its screen p50 {} p99 {}; hand-over p50 {} p99 {}",
        clerk_tally.failures,
        ms(percentile(&clerk_tally.lookup, 50.0)),
        ms(percentile(&clerk_tally.lookup, 99.0)),
        ms(percentile(&clerk_tally.hand_over, 50.0)),
        ms(percentile(&clerk_tally.hand_over, 99.0)),
    );
    let purchases = t.orders.max(1) as f64;
    let commands = commands_after.saturating_sub(commands_before + servers.len()) as f64
        - cycle_commands * cycles as f64;
    let app_cpu = (app_after.saturating_sub(app_before)).as_secs_f64() - cycle_app * cycles as f64;
    let db_cpu = match (db_before, db_after) {
        (Some(b), Some(a)) => Some((a.saturating_sub(b)).as_secs_f64() - cycle_db * cycles as f64),
        _ => None,
    };
    println!(
        "  per purchase (the clerk's measured share taken out): {:.1} commands, app {:.2} ms CPU, mariadbd {} CPU; app peak RSS {}",
        commands / purchases,
        app_cpu * 1000.0 / purchases,
        db_cpu
            .map(|c| format!("{:.2} ms", c * 1000.0 / purchases))
            .unwrap_or_else(|| "n/a (server not on this machine)".into()),
        rss.map(|r| format!("{r:.0} MiB")).unwrap_or_else(|| "n/a".into())
    );
    // The buyers and the clerk run in this process, on the same cores as the app and the server.
    println!(
        "  the load generator (this process: buyers and clerk): {:.2} ms CPU per purchase",
        bench_after.saturating_sub(bench_before).as_secs_f64() * 1000.0 / purchases
    );

    println!("\ninvariants (SQL)");
    let mut broken = 0;
    let mut check = |what: &str, value: i64, want: i64| {
        let ok = value == want;
        if !ok {
            broken += 1;
        }
        println!("  {} {what}: {value}", if ok { "ok " } else { "BAD" });
    };
    for invariant in INVARIANTS {
        let count = invariant
            .violations(&mut conn)
            .unwrap_or_else(|e| panic!("{}: {e:?}", invariant.query));
        check(invariant.what, count, 0);
    }
    check(
        "stock left of the hot product",
        sql_i64(
            &mut conn,
            &format!("SELECT stock FROM products WHERE id = {hot}"),
        ),
        0,
    );
    // A buyer whose checkout was refused (busy) still has the unit in the cart and adds one
    // more, so an order may hold two units: count units, and orders against orders.
    let hot_orders = sql_i64(
        &mut conn,
        &format!("SELECT COUNT(*) FROM order_lines WHERE product_id = {hot}"),
    );
    check(
        "units in orders of the hot product",
        sql_i64(
            &mut conn,
            &format!("SELECT SUM(quantity) FROM order_lines WHERE product_id = {hot}"),
        ),
        i64::from(args.stock),
    );
    check("orders counted by the buyers", t.orders as i64, hot_orders);
    check(
        "hot orders paid",
        sql_i64(
            &mut conn,
            &format!(
                "SELECT COUNT(*) FROM payments p JOIN order_lines l ON l.order_id = p.order_id \
                 WHERE l.product_id = {hot} AND p.status = 'captured'"
            ),
        ),
        hot_orders,
    );

    if with_ceiling {
        println!("\ndatabase ceiling (order INSERT + conditional stock UPDATE + movement INSERT, COMMIT; one hot row)");
        let mut best = 0.0f64;
        let mut sizes = vec![args.buyers];
        if let Some(p) = args.pool.filter(|p| *p as usize != args.buyers) {
            sizes.push(p as usize);
        }
        for conns in sizes {
            let (ceiling, conflicts) = database_ceiling(
                url,
                conns,
                args.ceiling_seconds,
                ceiling_product,
                walk_in,
                store_id,
            );
            println!(
                "  {conns} connections: {ceiling:.0} commits/s ({conflicts} lock conflicts retried)"
            );
            best = best.max(ceiling);
        }
        if matches!(target, Target::Cluster { .. }) {
            // The cluster's database stays: take the ceiling's bare orders (no lines) and its
            // row out again, so the invariants hold for the next run and the demo shop.
            conn.batch_execute(&format!(
                "DELETE FROM orders WHERE user_id = {walk_in} \
                   AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = orders.id); \
                 DELETE FROM stock_movements WHERE product_id = {ceiling_product}; \
                 DELETE FROM products WHERE id = {ceiling_product};"
            ))
            .expect("removing the ceiling's rows");
        }
        println!(
            "\nratio app/ceiling (this binary): {:.2} ({rate:.0} / {best:.0})",
            rate / best.max(1e-9)
        );
    }
    Measured {
        label,
        pool: args
            .pool
            .map(|p| p.to_string())
            .unwrap_or_else(|| "default".into()),
        rate,
        checkout: [
            percentile(&t.checkout_created, 50.0),
            percentile(&t.checkout_created, 95.0),
            percentile(&t.checkout_created, 99.0),
        ],
        errors,
        broken,
        commands_per_purchase: commands / purchases,
        app_ms: app_cpu * 1000.0 / purchases,
        db_ms: db_cpu.map(|c| c * 1000.0 / purchases),
        rss_mib: rss,
        lookup: [
            percentile(&clerk_tally.lookup, 50.0),
            percentile(&clerk_tally.lookup, 99.0),
        ],
        hand_over: [
            percentile(&clerk_tally.hand_over, 50.0),
            percentile(&clerk_tally.hand_over, 99.0),
        ],
        clerk_cycles: cycles,
    }
}

fn sql_version(conn: &mut MysqlConnection) -> String {
    #[derive(QueryableByName)]
    struct V {
        #[diesel(sql_type = diesel::sql_types::Text)]
        v: String,
    }
    diesel::sql_query("SELECT VERSION() AS v")
        .get_result::<V>(conn)
        .map(|r| r.v)
        .unwrap_or_default()
}
