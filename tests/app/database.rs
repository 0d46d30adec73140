//! Database plumbing: READ COMMITTED on every pooled connection, the retrying transaction helper
//! (forced deadlocks and lock-wait timeouts), and 503 while the database is away.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use reqwest::StatusCode;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

use shopcounter::db::{in_transaction, Db};
use shopcounter::error::AppError;

use super::helpers::{server_url, spawn_app, spawn_app_with, TestDb};

#[derive(QueryableByName)]
struct Text {
    #[diesel(sql_type = diesel::sql_types::Text)]
    v: String,
}

fn text(conn: &mut MysqlConnection, q: &str) -> String {
    diesel::sql_query(q).get_result::<Text>(conn).expect(q).v
}

#[tokio::test]
async fn every_pooled_connection_is_read_committed_on_a_repeatable_read_server() {
    let app = spawn_app().await;
    let mut conn = app.conn();
    assert_eq!(
        text(&mut conn, "SELECT @@GLOBAL.tx_isolation AS v"),
        "REPEATABLE-READ",
        "the test server keeps the MariaDB default, so the app must change it itself"
    );
    // Several connections, not just the first one.
    let mut held = Vec::new();
    for _ in 0..5 {
        let mut c = app.conn();
        assert_eq!(
            text(&mut c, "SELECT @@SESSION.tx_isolation AS v"),
            "READ-COMMITTED"
        );
        assert_eq!(text(&mut c, "SELECT @@SESSION.time_zone AS v"), "+00:00");
        assert_eq!(
            text(
                &mut c,
                "SELECT CAST(@@SESSION.innodb_lock_wait_timeout AS CHAR) AS v"
            ),
            "2"
        );
        held.push(c);
    }
}

fn two_rows(db: &Db) {
    db.conn()
        .expect("conn")
        .batch_execute(
            "CREATE TABLE retry_probe (id INT PRIMARY KEY, n INT NOT NULL) ENGINE=InnoDB; \
             INSERT INTO retry_probe VALUES (1, 0), (2, 0);",
        )
        .expect("probe table");
}

fn bump(conn: &mut MysqlConnection, id: i32) -> Result<(), AppError> {
    diesel::sql_query("UPDATE retry_probe SET n = n + 1 WHERE id = ?")
        .bind::<diesel::sql_types::Integer, _>(id)
        .execute(conn)?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forced_deadlock_is_retried_and_both_transactions_take_effect() {
    let app = spawn_app().await;
    two_rows(&app.db);
    let barrier = Arc::new(Barrier::new(2));
    let attempts = Arc::new(AtomicU32::new(0));
    let run = |first: i32, second: i32| {
        let (db, barrier, attempts) = (app.db.clone(), barrier.clone(), attempts.clone());
        std::thread::spawn(move || {
            let mut conn = db.conn().expect("conn");
            let mut round = 0;
            in_transaction(&mut conn, |c| {
                round += 1;
                attempts.fetch_add(1, Ordering::SeqCst);
                bump(c, first)?;
                if round == 1 {
                    // Both hold their first row before either asks for the other's: a real deadlock.
                    barrier.wait();
                }
                bump(c, second)
            })
        })
    };
    let a = run(1, 2);
    let b = run(2, 1);
    let ra = a.join().expect("thread a");
    let rb = b.join().expect("thread b");
    assert!(
        ra.is_ok() && rb.is_ok(),
        "both succeed after the retry: {ra:?} {rb:?}"
    );
    assert_eq!(
        attempts.load(Ordering::SeqCst),
        3,
        "exactly one transaction was rolled back and run again"
    );
    assert_eq!(
        app.sql_i64("SELECT SUM(n) FROM retry_probe"),
        4,
        "each transaction applied exactly once"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lock_wait_timeout_is_retried_until_the_lock_is_free() {
    let app = spawn_app().await;
    two_rows(&app.db);
    // Another connection holds row 1 for longer than the 2 s lock wait, then commits.
    let holder = {
        let db = app.db.clone();
        std::thread::spawn(move || {
            let mut conn = db.conn().expect("conn");
            conn.transaction::<_, AppError, _>(|c| {
                bump(c, 1)?;
                std::thread::sleep(Duration::from_millis(2600));
                Ok(())
            })
            .expect("holder");
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    let mut conn = app.conn();
    let mut attempts = 0;
    let result = in_transaction(&mut conn, |c| {
        attempts += 1;
        bump(c, 2)?;
        bump(c, 1)
    });
    holder.join().expect("holder thread");
    assert!(result.is_ok(), "{result:?}");
    assert!(
        attempts >= 2,
        "the first attempt timed out waiting (1205) and ran again, attempts = {attempts}"
    );
    // The statement-level rollback of 1205 did not leave half a transaction: row 2 was bumped once.
    assert_eq!(app.sql_i64("SELECT n FROM retry_probe WHERE id = 2"), 1);
    assert_eq!(app.sql_i64("SELECT n FROM retry_probe WHERE id = 1"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn contention_that_never_ends_gives_busy_not_a_500() {
    let app = spawn_app().await;
    two_rows(&app.db);
    let mut holder = app.conn();
    holder
        .batch_execute("BEGIN; UPDATE retry_probe SET n = n + 1 WHERE id = 1;")
        .expect("hold");
    let db = app.db.clone();
    let result = tokio::task::spawn_blocking(move || {
        let mut conn = db.conn().expect("conn");
        let started = std::time::Instant::now();
        let r = in_transaction(&mut conn, |c| bump(c, 1));
        (r, started.elapsed())
    })
    .await
    .expect("join");
    holder.batch_execute("ROLLBACK").expect("rollback");
    assert!(matches!(result.0, Err(AppError::Busy)), "{:?}", result.0);
}

/// A TCP relay in front of the test MariaDB that can be cut (database "down") and restored.
struct Relay {
    port: u16,
    up: watch::Sender<bool>,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("relay bind");
        let port = listener.local_addr().expect("addr").port();
        let (up, rx) = watch::channel(true);
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = listener.accept().await else {
                    continue;
                };
                let mut rx = rx.clone();
                if !*rx.borrow() {
                    drop(inbound); // refused while "down"
                    continue;
                }
                let target = target.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(&target).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = rx.wait_for(|up| !*up) => {} // cut every open connection
                    }
                });
            }
        });
        Relay { port, up }
    }
    fn set_up(&self, up: bool) {
        let _ = self.up.send(up);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn database_down_gives_503_pages_and_the_app_recovers_by_itself() {
    let test_db = TestDb::create();
    let server = server_url();
    let rest = server.trim_start_matches("mysql://");
    let (auth, hostport) = rest
        .rsplit_once('@')
        .map(|(a, h)| (format!("{a}@"), h.to_string()))
        .unwrap_or((String::new(), rest.to_string()));
    let relay = Relay::start(hostport).await;
    let url = format!("mysql://{auth}127.0.0.1:{}/{}", relay.port, test_db.name);
    let app = spawn_app_with(|s| s.database_url = url.clone()).await;
    let c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/").await.status, StatusCode::OK);

    relay.set_up(false);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let health = c.get("/healthz").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    let page = c.get("/").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.contains("Temporarily unavailable"),
        "a friendly 503 page"
    );

    relay.set_up(true);
    let mut recovered = false;
    for _ in 0..40 {
        if c.get("/healthz").await.status == StatusCode::OK
            && c.get("/").await.status == StatusCode::OK
        {
            recovered = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert!(
        recovered,
        "the app serves again once the database is back, without a restart"
    );
    drop(app);
    drop(test_db);
}
