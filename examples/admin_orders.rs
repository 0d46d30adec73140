//! Admin orders benchmark: generates 100k orders (multi-row INSERTs in batches) in a fresh
//! database, serves the release build of the app in-process, logs in as an admin over HTTP and
//! times `/admin/orders` pages — the first page, pages deep in the list (keyset cursor and a
//! page-number jump), filtered and searched pages — and prints each page's query plan (EXPLAIN).
//!
//!   scripts/bench admin_orders [--orders 100000] [--reps 30]
//!
//! DATABASE_URL names a server (scripts/bench starts a throw-away one); the benchmark creates and
//! drops its own `bench_*` database there. The generated orders are list data only: they carry
//! lines but no stock movements (the ledger is not what is measured here).

mod common;

use std::time::{Duration, Instant};

use chrono::{NaiveDateTime, Utc};
use clap::Parser;
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::Rng;

use common::BenchDb;
use shopcounter::config::Settings;
use shopcounter::db;
use shopcounter::domain::OrderStatus;
use shopcounter::shop::accounts::hash_password;
use shopcounter::shop::order_list::{self, Cursor, OrderFilter};
use shopcounter::startup::{AppState, Application};

const PASSWORD: &str = "bench-admin-password";
const STORES: i64 = 4;
const PRODUCTS: i64 = 20;
const CUSTOMERS: i64 = 2_000;
const BATCH: i64 = 2_000;
const DAYS: i64 = 200;

fn input_value(html: &str, name: &str) -> Option<String> {
    let needle = format!("name=\"{name}\" value=\"");
    let start = html.find(&needle)? + needle.len();
    let end = html[start..].find('"')? + start;
    Some(html[start..end].to_string())
}

fn status_for(i: i64) -> OrderStatus {
    match i % 100 {
        0..=69 => OrderStatus::PickedUp,
        70..=79 => OrderStatus::Cancelled,
        80..=87 => OrderStatus::Confirmed,
        88..=92 => OrderStatus::Ready,
        _ => OrderStatus::PendingPayment,
    }
}

/// Stores, products, customers and one admin, then `n` orders with one line each.
fn generate(conn: &mut MysqlConnection, n: i64) -> anyhow::Result<NaiveDateTime> {
    let mut sql = String::from("INSERT INTO stores (id, code, name, address) VALUES ");
    for s in 1..=STORES {
        sql.push_str(&format!(
            "{}({s}, 'SH{s:02}', 'Store {s}', '{s} Bench Street')",
            if s > 1 { ", " } else { "" }
        ));
    }
    conn.batch_execute(&sql)?;
    let mut sql = String::from(
        "INSERT INTO products (id, sku, name, description, price_cents, stock) VALUES ",
    );
    for p in 1..=PRODUCTS {
        sql.push_str(&format!(
            "{}({p}, 'SKU{p}', 'Product {p}', '', {}, 1000)",
            if p > 1 { ", " } else { "" },
            500 * p
        ));
    }
    conn.batch_execute(&sql)?;
    let hash = hash_password(PASSWORD).map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut sql =
        String::from("INSERT INTO users (id, username, display_name, password_hash, role) VALUES ");
    for u in 1..=CUSTOMERS {
        sql.push_str(&format!(
            "{}({u}, 'customer{u}', 'Customer {u}', '{hash}', 'customer')",
            if u > 1 { ", " } else { "" }
        ));
    }
    conn.batch_execute(&sql)?;
    conn.batch_execute(&format!(
        "INSERT INTO users (id, username, display_name, password_hash, role) VALUES \
         ({}, 'boss', 'Bench Admin', '{hash}', 'admin')",
        CUSTOMERS + 1
    ))?;

    let now = Utc::now().naive_utc();
    let start = now - chrono::Duration::days(DAYS);
    let step_ms = (DAYS * 86_400_000) / n.max(1);
    let mut rng = rand::thread_rng();
    let mut id = 1;
    while id <= n {
        let end = (id + BATCH - 1).min(n);
        let mut orders = String::from(
            "INSERT INTO orders (id, order_no, user_id, store_id, status, pay_method, total_cents, \
             created_at, paid_at, picked_up_at, cancelled_at, cancel_reason) VALUES ",
        );
        let mut lines = String::from(
            "INSERT INTO order_lines (order_id, product_id, product_name, unit_price_cents, quantity, line_total_cents) VALUES ",
        );
        for i in id..=end {
            let created = start + chrono::Duration::milliseconds(step_ms * i);
            let at = created.format("%Y-%m-%d %H:%M:%S").to_string();
            // Unique by construction: the second it was made plus the row number's last 6 digits.
            let order_no = format!("{}{:06}", created.format("%y%m%d%H%M%S"), i % 1_000_000);
            let user = rng.gen_range(1..=CUSTOMERS);
            let store = rng.gen_range(1..=STORES);
            let product = rng.gen_range(1..=PRODUCTS);
            let qty = rng.gen_range(1..=3);
            let price = 500 * product;
            let status = status_for(i);
            let online = i % 3 != 0;
            let paid = online && status != OrderStatus::PendingPayment;
            let (paid_at, picked, cancelled, reason) = (
                if paid {
                    format!("'{at}'")
                } else {
                    "NULL".into()
                },
                if status == OrderStatus::PickedUp {
                    format!("'{at}'")
                } else {
                    "NULL".into()
                },
                if status == OrderStatus::Cancelled {
                    format!("'{at}'")
                } else {
                    "NULL".into()
                },
                if status == OrderStatus::Cancelled {
                    "'expired'"
                } else {
                    "NULL"
                },
            );
            let sep = if i > id { ", " } else { "" };
            orders.push_str(&format!(
                "{sep}({i}, '{order_no}', {user}, {store}, '{}', '{}', {}, '{at}', {paid_at}, {picked}, {cancelled}, {reason})",
                status.as_str(),
                if online { "online" } else { "at_counter" },
                price * qty
            ));
            lines.push_str(&format!(
                "{sep}({i}, {product}, 'Product {product}', {price}, {qty}, {})",
                price * qty
            ));
        }
        conn.batch_execute(&orders)?;
        conn.batch_execute(&lines)?;
        id = end + 1;
    }
    conn.batch_execute("ANALYZE TABLE orders, users, stores")?;
    Ok(start + chrono::Duration::milliseconds(step_ms * n / 2))
}

struct Timing {
    median: Duration,
    p95: Duration,
    max: Duration,
    rows: usize,
}

async fn time_page(http: &reqwest::Client, url: &str, reps: usize) -> anyhow::Result<Timing> {
    let mut all = Vec::with_capacity(reps);
    let mut rows = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let res = http.get(url).send().await?;
        let status = res.status();
        let body = res.text().await?;
        all.push(t.elapsed());
        anyhow::ensure!(status == reqwest::StatusCode::OK, "{url}: {status}");
        rows = body.matches("data-order-no=").count();
    }
    all.sort();
    Ok(Timing {
        median: all[all.len() / 2],
        p95: all[(all.len() * 95 / 100).min(all.len() - 1)],
        max: all[all.len() - 1],
        rows,
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1}", d.as_secs_f64() * 1000.0)
}

/// admin_orders [--orders 100000] [--reps 30]
#[derive(Parser)]
#[command(
    name = "admin_orders",
    about = "Generates orders, then times /admin/orders pages over HTTP and prints their plans"
)]
struct Args {
    /// Orders to generate.
    #[arg(long, default_value_t = 100_000, value_parser = clap::value_parser!(i64).range(1..))]
    orders: i64,
    /// Requests timed per page.
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..))]
    reps: u64,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let bench_db = BenchDb::create()?;
    run(&bench_db.url, args.orders, args.reps as usize).await
}

async fn run(url: &str, n: i64, reps: usize) -> anyhow::Result<()> {
    let mut conn = MysqlConnection::establish(url)?;
    db::migrate(&mut conn)?;
    let t = Instant::now();
    let middle_day = generate(&mut conn, n)?;
    println!(
        "generated {n} orders (+ lines, {CUSTOMERS} customers, {STORES} stores) in {:.1} s",
        t.elapsed().as_secs_f64()
    );

    let settings = Settings::for_database(url);
    let offset = settings.shop_utc_offset;
    let app = Application::build(AppState::new(settings), Some(2))?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let login = http
        .get(format!("{base}/login"))
        .send()
        .await?
        .text()
        .await?;
    let csrf = input_value(&login, "csrf_token").ok_or_else(|| anyhow::anyhow!("no csrf token"))?;
    let res = http
        .post(format!("{base}/login"))
        .form(&[
            ("username", "boss"),
            ("password", PASSWORD),
            ("csrf_token", &csrf),
        ])
        .send()
        .await?;
    anyhow::ensure!(
        res.status() == reqwest::StatusCode::SEE_OTHER,
        "admin login: {}",
        res.status()
    );

    let day = (chrono::TimeZone::from_utc_datetime(&offset, &middle_day)).date_naive();
    let deep_cursor = 1_000; // the 99,000 newer orders are above it: page ~1,980 of 2,000
    let deep_confirmed = n / 10;
    let cases: Vec<(&str, String, OrderFilter, Cursor)> = vec![
        (
            "first page",
            String::new(),
            OrderFilter::default(),
            Cursor::First,
        ),
        (
            "deep page (keyset cursor, ~page 1980)",
            format!("?before={deep_cursor}"),
            OrderFilter::default(),
            Cursor::Before(deep_cursor),
        ),
        (
            "page jump ?page=1000 (ids-only offset)",
            "?page=1000".into(),
            OrderFilter::default(),
            Cursor::Page(1000),
        ),
        (
            "status=confirmed",
            "?status=confirmed".into(),
            OrderFilter {
                status: Some(OrderStatus::Confirmed),
                ..Default::default()
            },
            Cursor::First,
        ),
        (
            "status=confirmed, deep cursor",
            format!("?status=confirmed&before={deep_confirmed}"),
            OrderFilter {
                status: Some(OrderStatus::Confirmed),
                ..Default::default()
            },
            Cursor::Before(deep_confirmed),
        ),
        (
            "store=2 & status=ready",
            "?store=2&status=ready".into(),
            OrderFilter {
                store_id: Some(2),
                status: Some(OrderStatus::Ready),
                ..Default::default()
            },
            Cursor::First,
        ),
        (
            "one day (from=to, shop time)",
            format!("?from={day}&to={day}"),
            {
                let (a, b) = shop_day(day, offset);
                OrderFilter {
                    created_from: Some(a),
                    created_before: Some(b),
                    ..Default::default()
                }
            },
            Cursor::First,
        ),
        (
            "search customer username",
            "?q=customer77".into(),
            OrderFilter {
                search: Some("customer77".into()),
                ..Default::default()
            },
            Cursor::First,
        ),
        (
            "search order_no prefix (one day)",
            format!("?q={}", middle_day.format("%y%m%d")),
            OrderFilter {
                search: Some(middle_day.format("%y%m%d").to_string()),
                ..Default::default()
            },
            Cursor::First,
        ),
    ];
    println!("\n/admin/orders over HTTP, {reps} requests each, sequential (ms):");
    println!(
        "{:<42} {:>8} {:>8} {:>8} {:>6}",
        "page", "median", "p95", "max", "rows"
    );
    for (label, query, _, _) in &cases {
        let t = time_page(&http, &format!("{base}/admin/orders{query}"), reps).await?;
        println!(
            "{label:<42} {:>8} {:>8} {:>8} {:>6}",
            ms(t.median),
            ms(t.p95),
            ms(t.max),
            t.rows
        );
    }

    // Walking 40 pages by following the "Older" links from the first page.
    let t = Instant::now();
    let mut path = "/admin/orders".to_string();
    let mut pages = 0;
    for _ in 0..40 {
        let body = http
            .get(format!("{base}{path}"))
            .send()
            .await?
            .text()
            .await?;
        pages += 1;
        let Some(start) = body
            .find("rel=\"next\"")
            .and_then(|i| body[..i].rfind("href=\""))
        else {
            break;
        };
        let href = &body[start + 6..];
        path = href[..href.find('"').unwrap_or(0)].replace("&amp;", "&");
    }
    println!(
        "following 'Older' links: {pages} pages in {} ms ({} ms/page)",
        ms(t.elapsed()),
        ms(t.elapsed() / pages.max(1))
    );

    println!("\nquery plans (EXPLAIN of the statement each page runs):");
    for (label, _, filter, cursor) in &cases {
        let plan = order_list::explain(&mut conn, filter, *cursor)?;
        for p in plan {
            println!(
                "  {label:<42} {}: type={} key={} extra={}",
                p.table.as_deref().unwrap_or("-"),
                p.r#type.as_deref().unwrap_or("-"),
                p.key.as_deref().unwrap_or("-"),
                p.extra.as_deref().unwrap_or("")
            );
        }
    }
    drop(handle.stop(true));
    Ok(())
}

fn shop_day(day: chrono::NaiveDate, offset: chrono::FixedOffset) -> (NaiveDateTime, NaiveDateTime) {
    let start = day.and_time(chrono::NaiveTime::MIN)
        - chrono::Duration::seconds(i64::from(offset.local_minus_utc()));
    (start, start + chrono::Duration::days(1))
}
