//! Flash-sale benchmark: N concurrent customers buy one hot product over real HTTP until it sells
//! out (each: add to cart → checkout page → checkout → order page → pay), against the release build
//! of the app on a fresh database; then the database's own ceiling for a minimal checkout
//! transaction (order INSERT + conditional stock UPDATE + movement INSERT, committed) from the same
//! number of connections, and the ratio app/ceiling. Prints figures; asserts the invariants.
//!
//!   scripts/bench flash_sale [--buyers 64] [--stock 1500] [--pool 32] [--ceiling-seconds 5]
//!
//! DATABASE_URL names a server (scripts/bench starts a throw-away one); the benchmark creates and
//! drops its own `bench_*` database there. With `--url` it drives running instances instead (e.g.
//! `scripts/bench flash_sale --cluster` through the cluster's HAProxy; DATABASE_URL = their database).

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
use shopcounter::config::Settings;
use shopcounter::db::{self, in_transaction};
use shopcounter::domain::{OrderNo, Role};
use shopcounter::error::{is_unique_violation, AppError};
use shopcounter::shop::accounts::hash_password;
use shopcounter::shop::catalog::{create_product, CreateProduct, NewProduct};
use shopcounter::shop::invariants::INVARIANTS;
use shopcounter::shop::stores::{by_code, create_store, CreateStore};
use shopcounter::startup::{AppState, Application};

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
    /// Database connections of the app (DB_POOL_SIZE).
    #[arg(long, env = "DB_POOL_SIZE", default_value_t = 32, value_parser = clap::value_parser!(u32).range(2..))]
    pool: u32,
    /// How long each ceiling measurement runs.
    #[arg(long, default_value_t = 5)]
    ceiling_seconds: u64,
    /// Drive these running instances (e.g. a cluster's HAProxy) instead of starting the app;
    /// DATABASE_URL is then their database, which keeps what the sale made.
    #[arg(long)]
    url: Option<String>,
    /// The instances' own addresses (space separated) whose /metrics count transaction reruns.
    #[arg(long)]
    metrics: Option<String>,
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
        let page = http
            .get(format!("{base}/cart"))
            .send()
            .await
            .map_err(|e| e.to_string())?;
        let body = page.text().await.map_err(|e| e.to_string())?;
        let csrf = input_value(&body, "csrf_token").ok_or("no csrf token on /cart")?;
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

fn create_users(conn: &mut MysqlConnection, n: usize, tag: &str) -> Result<(), AppError> {
    use shopcounter::db::schema::users;
    let hash = hash_password(PASSWORD)?;
    let rows: Vec<_> = (0..n)
        .map(|i| {
            (
                users::username.eq(format!("buyer{tag}{i:04}")),
                users::display_name.eq(format!("Buyer {i}")),
                users::password_hash.eq(hash.clone()),
                users::role.eq(Role::Customer.as_str()),
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
    let broken = if args.url.is_some() {
        let url = std::env::var("DATABASE_URL").expect("DATABASE_URL: the instances' database");
        run(&args, &url).await
    } else {
        let bench_db = BenchDb::create().unwrap_or_else(|e| {
            eprintln!("flash_sale: {e}");
            std::process::exit(1)
        });
        let broken = run(&args, &bench_db.url).await;
        drop(bench_db);
        broken
    };
    if broken > 0 {
        println!("\n{broken} invariant(s) BROKEN");
        std::process::exit(1);
    }
}

/// Runs the sale and the ceiling, prints the figures; returns the number of broken invariants.
async fn run(args: &Args, url: &str) -> usize {
    let mut conn = MysqlConnection::establish(url).expect("connect");
    db::migrate(&mut conn).expect("migrate");
    let version = sql_version(&mut conn);
    let store_id =
        match create_store(&mut conn, "SH01", "North Store", "12 North Road").expect("store") {
            CreateStore::Created(id) => id,
            CreateStore::CodeTaken => by_code(&mut conn, "SH01").expect("store").expect("SH01").id,
        };
    // Names of this run (a shared database may hold an earlier run's).
    let tag = format!("{:05x}", rand::random::<u32>() & 0xf_ffff);
    let product =
        |conn: &mut MysqlConnection, sku: &str, name: &str, stock: i32| match in_transaction(
            conn,
            |c| {
                create_product(
                    c,
                    &NewProduct {
                        sku,
                        name,
                        description: "Flash sale.",
                        price_cents: 1999,
                        stock,
                    },
                    None,
                )
            },
        )
        .expect("product")
        {
            CreateProduct::Created(id) => id,
            CreateProduct::SkuTaken => unreachable!(),
        };
    let hot = product(
        &mut conn,
        &format!("HOT-{tag}"),
        "Limited Teapot",
        args.stock,
    );
    let ceiling_product = product(
        &mut conn,
        &format!("CEILING-{tag}"),
        "Ceiling row",
        100_000_000,
    );
    create_users(&mut conn, args.buyers, &tag).expect("users");

    let (base, handle, metrics) = match &args.url {
        Some(url) => (
            url.trim_end_matches('/').to_string(),
            None,
            args.metrics
                .as_deref()
                .unwrap_or("")
                .split_whitespace()
                .map(|u| u.trim_end_matches('/').to_string())
                .collect::<Vec<_>>(),
        ),
        None => {
            let mut settings = Settings::for_database(url);
            settings.db_pool_size = args.pool;
            let state = AppState::new(settings);
            let app = Application::build(state, None).expect("build app");
            let base = format!("http://127.0.0.1:{}", app.port());
            let handle = app.handle();
            tokio::spawn(app.run_until_stopped());
            (base.clone(), Some(handle), vec![base])
        }
    };
    let reruns_before = reruns(&metrics).await;

    println!(
        "flash sale: {} buyers, {} units of one product, pool {} connections, admission {} per product, {} CPUs, {}",
        args.buyers,
        args.stock,
        args.pool,
        PER_PRODUCT,
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0),
        version
    );
    let login_started = Instant::now();
    let mut logins = Vec::new();
    let gate = Arc::new(tokio::sync::Semaphore::new(8));
    for i in 0..args.buyers {
        let (base, gate, tag) = (base.clone(), Arc::clone(&gate), tag.clone());
        logins.push(tokio::spawn(async move {
            let _p = gate.acquire().await;
            Buyer::log_in(&base, &format!("buyer{tag}{i:04}")).await
        }));
    }
    let mut buyers = Vec::new();
    for l in logins {
        buyers.push(l.await.expect("login task").expect("login"));
    }
    println!(
        "  {} buyers logged in ({:.1} s)",
        buyers.len(),
        login_started.elapsed().as_secs_f64()
    );

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
    barrier.wait().await;
    let started = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    let all_done = started.elapsed();
    let reruns_after = reruns(&metrics).await;
    if let Some(handle) = handle {
        handle.stop(true).await;
    }

    let mut t = match Arc::try_unwrap(tally).map(|m| m.into_inner()) {
        Ok(Ok(t)) => t,
        _ => panic!("tally still shared"),
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
    if t.errors.is_empty() {
        println!("  errors by status: none");
    } else {
        let total: u64 = t.errors.values().sum();
        println!("  errors by status ({total}):");
        for ((step, status), n) in &t.errors {
            let status = if *status == 0 {
                "no answer".to_string()
            } else {
                status.to_string()
            };
            println!("    {step}: {status} × {n}");
        }
    }

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
    check(
        "orders = units (1 each)",
        sql_i64(
            &mut conn,
            &format!("SELECT COUNT(*) FROM order_lines WHERE product_id = {hot}"),
        ),
        i64::from(args.stock),
    );
    check(
        "orders counted by the buyers",
        t.orders as i64,
        i64::from(args.stock),
    );
    check(
        "payments = paid orders",
        sql_i64(
            &mut conn,
            &format!(
                "SELECT COUNT(*) FROM payments p JOIN order_lines l ON l.order_id = p.order_id \
                 WHERE l.product_id = {hot}"
            ),
        ),
        sql_i64(
            &mut conn,
            &format!(
                "SELECT COUNT(*) FROM orders o JOIN order_lines l ON l.order_id = o.id \
                 WHERE l.product_id = {hot} AND o.status = 'confirmed'"
            ),
        ),
    );

    let first_user = sql_i64(&mut conn, "SELECT MIN(id) FROM users");
    println!("\ndatabase ceiling (order INSERT + conditional stock UPDATE + movement INSERT, COMMIT; one hot row)");
    let mut best = 0.0f64;
    let mut sizes = vec![args.buyers];
    if args.pool as usize != args.buyers {
        sizes.push(args.pool as usize);
    }
    for conns in sizes {
        let (ceiling, conflicts) = database_ceiling(
            url,
            conns,
            args.ceiling_seconds,
            ceiling_product,
            first_user,
            store_id,
        );
        println!(
            "  {conns} connections: {ceiling:.0} commits/s ({conflicts} lock conflicts retried)"
        );
        best = best.max(ceiling);
    }
    println!(
        "\nratio app/ceiling: {:.2} ({rate:.0} / {best:.0})",
        rate / best.max(1e-9)
    );
    broken
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
