//! Operating the app: `/metrics` (who may read it, what it counts), JSON log lines, migrations
//! applied exactly once by instances starting together, and Galera's table rules.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use reqwest::StatusCode;

use shopcounter::db;

use super::helpers::{spawn_app, spawn_app_with, TestDb};

async fn scrape(address: &str, headers: &[(&str, &str)]) -> (StatusCode, String) {
    let mut req = reqwest::Client::new().get(format!("{address}/metrics"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let res = req.send().await.expect("GET /metrics");
    let status = res.status();
    (status, res.text().await.expect("body"))
}

/// The value of the sample line that starts with `series` (name and labels as rendered).
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series) && l[series.len()..].starts_with(' '))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

#[tokio::test]
async fn metrics_count_requests_by_route_pattern_with_latency_and_pool_state() {
    let app = spawn_app().await;
    let client = app.client();
    client.get("/healthz").await;
    client.get("/orders/12345678901234").await;
    client.get("/no/such/page").await;

    let (status, text) = scrape(&app.address, &[]).await;
    assert_eq!(status, StatusCode::OK, "loopback may read /metrics");
    assert!(
        sample(
            &text,
            r#"shopcounter_http_requests_total{route="/healthz",method="GET",status="200"}"#
        )
        .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    // The route pattern, never the raw path: labels stay bounded.
    assert!(text.contains(r#"route="/orders/{order_no}""#), "{text}");
    assert!(!text.contains("12345678901234"));
    assert!(text.contains(r#"route="(unmatched)""#));
    assert!(text.contains("shopcounter_http_request_duration_seconds_bucket{"));
    assert!(sample(&text, "shopcounter_db_pool_size").is_some_and(|n| n >= 1.0));
    assert!(text.contains(r#"shopcounter_db_pool_connections{state="in_use"}"#));
    assert!(text.contains(r#"shopcounter_db_pool_connections{state="idle"}"#));
    assert_eq!(sample(&text, "shopcounter_db_galera"), Some(0.0));
}

#[tokio::test]
async fn metrics_are_refused_through_a_proxy_unless_the_token_is_shown() {
    let app = spawn_app().await;
    let (status, _) = scrape(&app.address, &[("X-Forwarded-For", "203.0.113.9")]).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a proxied client is not local"
    );

    let token = "metrics-token-0123456789";
    let app = spawn_app_with(|s| s.metrics_token = Some(token.into())).await;
    let proxied = ("X-Forwarded-For", "203.0.113.9");
    let (status, _) = scrape(
        &app.address,
        &[proxied, ("Authorization", "Bearer wrong-token-000000")],
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let bearer = format!("Bearer {token}");
    let (status, text) = scrape(&app.address, &[proxied, ("Authorization", &bearer)]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(text.contains("# TYPE shopcounter_http_requests_total counter"));
}

#[tokio::test]
async fn checkout_outcomes_and_counter_lookups_are_counted() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North");
    let product = app.product("SKU-M", "Metric mug", 500, 1);
    let alice = app.customer("alice").await;
    let staff = app.staff("north", store).await;
    alice.add_to_cart(product, "1").await;
    let placed = alice.checkout(store, "at_counter").await;
    assert_eq!(placed.status, StatusCode::SEE_OTHER, "{}", placed.body);
    staff.post("/counter/lookup", &[("code", "0000000")]).await;

    let (_, text) = scrape(&app.address, &[]).await;
    assert!(
        sample(&text, r#"shopcounter_checkouts_total{outcome="created"}"#)
            .is_some_and(|n| n >= 1.0),
        "{text}"
    );
    assert!(
        text.lines()
            .any(|l| l.starts_with("shopcounter_counter_lookups_total{outcome=")),
        "{text}"
    );
}

#[test]
fn json_logs_are_one_object_a_line_without_colour_codes() {
    let db = TestDb::create();
    let var_dir = std::env::temp_dir().join(format!("shopcounter-json-{}", db.name));
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env("BIND", "127.0.0.1:0")
        .env("LOG_FORMAT", "json")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start shopcounter serve");
    let stderr = child.stderr.take().expect("stderr");
    let mut lines = Vec::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("read a log line");
        let serving = line.contains("serving");
        lines.push(line);
        if serving || lines.len() > 50 {
            break;
        }
    }
    child.kill().expect("stop serve");
    let _ = child.wait();
    assert!(lines.iter().any(|l| l.contains("serving")), "{lines:?}");
    for line in &lines {
        assert!(!line.contains('\u{1b}'), "no colour codes: {line}");
        let v: serde_json::Value = serde_json::from_str(line).expect("one JSON object a line");
        assert!(
            v.is_object() && v.get("level").is_some() && v.get("timestamp").is_some(),
            "{line}"
        );
    }
}

#[test]
fn an_unknown_log_format_stops_start_up_with_one_line() {
    let out = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .arg("migrate")
        .env("LOG_FORMAT", "xml")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("LOG_FORMAT"));
}

/// Three instances starting at the same moment on an empty database: each migration is applied
/// by exactly one of them, and all three come up.
#[test]
fn migrations_are_applied_exactly_once_when_three_instances_start_together() {
    let db = TestDb::create_empty();
    let start = Arc::new(Barrier::new(3));
    let runs: Vec<_> = (0..3)
        .map(|_| {
            let url = db.url.clone();
            let start = Arc::clone(&start);
            std::thread::spawn(move || {
                let mut conn = MysqlConnection::establish(&url).expect("connect");
                start.wait();
                db::migrate(&mut conn).expect("migrate")
            })
        })
        .collect();
    let applied: Vec<Vec<String>> = runs
        .into_iter()
        .map(|r| r.join().expect("thread"))
        .collect();
    let total = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations"))
        .expect("migrations dir")
        .filter(|e| e.as_ref().is_ok_and(|e| e.path().is_dir()))
        .count();
    let mut all: Vec<&String> = applied.iter().flatten().collect();
    assert_eq!(
        all.len(),
        total,
        "each migration applied once in all: {applied:?}"
    );
    all.sort();
    all.dedup();
    assert_eq!(all.len(), total);
    let mut conn = MysqlConnection::establish(&db.url).expect("connect");
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM __diesel_schema_migrations"
        ),
        total as i64
    );
    assert_eq!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM shopcounter_migration_lock"
        ),
        0,
        "the lock row is released"
    );
}

/// Galera replicates InnoDB tables with a primary key only (no MyISAM, no keyless tables).
#[test]
fn every_table_is_innodb_with_a_primary_key() {
    let db = TestDb::create();
    let mut conn = MysqlConnection::establish(&db.url).expect("connect");
    #[derive(QueryableByName, Debug)]
    struct Table {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let keyless: Vec<Table> = diesel::sql_query(
        "SELECT t.TABLE_NAME AS name FROM information_schema.TABLES t \
         WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' \
         AND NOT EXISTS (SELECT 1 FROM information_schema.TABLE_CONSTRAINTS c \
           WHERE c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME \
           AND c.CONSTRAINT_TYPE = 'PRIMARY KEY')",
    )
    .load(&mut conn)
    .expect("list tables");
    assert!(
        keyless.is_empty(),
        "tables without a primary key: {keyless:?}"
    );
    let not_innodb: Vec<Table> = diesel::sql_query(
        "SELECT TABLE_NAME AS name FROM information_schema.TABLES \
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_TYPE = 'BASE TABLE' AND ENGINE <> 'InnoDB'",
    )
    .load(&mut conn)
    .expect("list engines");
    assert!(
        not_innodb.is_empty(),
        "tables not on InnoDB: {not_innodb:?}"
    );
    assert!(
        count(
            &mut conn,
            "SELECT COUNT(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
        ) >= 10
    );
}

fn count(conn: &mut MysqlConnection, q: &str) -> i64 {
    #[derive(QueryableByName)]
    struct N {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        n: i64,
    }
    diesel::sql_query(q).get_result::<N>(conn).expect(q).n
}
