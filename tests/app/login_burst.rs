//! A burst of 300 concurrent logins with unknown names against the real binary (its own process,
//! so its memory can be read from /proc): the peak resident set stays under 300 MB, and real
//! logins during the burst either succeed or get a clean "busy, try again".

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use reqwest::StatusCode;
use shopcounter::domain::Role;
use shopcounter::shop::accounts::{create_account, NewAccount};
use tokio::sync::Barrier;

use super::helpers::{Client, TestDb};

/// The binary serving on a free port; killed (by its own pid) when dropped.
struct Served {
    child: Child,
    base: String,
    var_dir: std::path::PathBuf,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.var_dir);
    }
}

/// A field of /proc/<pid>/status in kB (VmRSS now, VmHWM the peak).
fn proc_kb(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .expect("proc status")
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{field} in /proc/{pid}/status"))
}

async fn serve(db: &TestDb) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let var_dir = std::env::temp_dir().join(format!("shopcounter-burst-{}", db.name));
    let child = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env("BIND", format!("127.0.0.1:{port}"))
        .env("DB_POOL_SIZE", "16")
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let served = Served {
        child,
        base: format!("http://127.0.0.1:{port}"),
        var_dir,
    };
    let probe = Client::new(&served.base);
    let until = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = probe
            .http
            .get(format!("{}/healthz", served.base))
            .send()
            .await
        {
            if r.status() == StatusCode::OK {
                break;
            }
        }
        assert!(Instant::now() < until, "serve did not come up");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    served
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_hundred_concurrent_logins_keep_memory_bounded_and_real_logins_work_or_say_try_again()
{
    let db = TestDb::create();
    {
        let mut conn = MysqlConnection::establish(&db.url).expect("connect");
        for i in 0..4 {
            let name = format!("real{i}");
            create_account(
                &mut conn,
                &NewAccount {
                    username: &name,
                    password: &format!("{name}-password"),
                    display_name: &name,
                    role: Role::Customer,
                    store_id: None,
                },
            )
            .expect("account");
        }
    }
    let app = serve(&db).await;
    let pid = app.child.id();
    let rss_before = proc_kb(pid, "VmRSS:");

    // 300 attackers and 4 real people, each with a CSRF token (one GET away), then all at once.
    let attackers = 300;
    let mut clients = Vec::new();
    for i in 0..attackers + 4 {
        let c = Client::new(&app.base);
        c.csrf_token().await;
        clients.push((i, c));
    }
    let barrier = Arc::new(Barrier::new(clients.len()));
    let mut tasks = Vec::new();
    for (i, c) in clients {
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let real = i >= attackers;
            let (name, password) = if real {
                let name = format!("real{}", i - attackers);
                let password = format!("{name}-password");
                (name, password)
            } else {
                (format!("nobody{i:04}"), "guessing-a-password".to_string())
            };
            // One attempt each (Client::login would try a 503 again).
            let res = c
                .post("/login", &[("username", &name), ("password", &password)])
                .await;
            (real, res.status, res.body)
        }));
    }
    let mut peak_sampled = 0;
    let mut results = Vec::new();
    for t in tasks {
        peak_sampled = peak_sampled.max(proc_kb(pid, "VmRSS:"));
        results.push(t.await.expect("login task"));
    }
    let peak = proc_kb(pid, "VmHWM:");
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = proc_kb(pid, "VmRSS:");

    let count = |real: bool, status: StatusCode| {
        results
            .iter()
            .filter(|r| r.0 == real && r.1 == status)
            .count()
    };
    eprintln!(
        "login burst: RSS before {} MB, peak (VmHWM) {} MB, after {} MB; attackers 401 × {}, 503 × {}; real 303 × {}, 503 × {}",
        rss_before / 1024,
        peak / 1024,
        rss_after / 1024,
        count(false, StatusCode::UNAUTHORIZED),
        count(false, StatusCode::SERVICE_UNAVAILABLE),
        count(true, StatusCode::SEE_OTHER),
        count(true, StatusCode::SERVICE_UNAVAILABLE),
    );
    for (real, status, body) in &results {
        if *real {
            assert!(
                *status == StatusCode::SEE_OTHER || *status == StatusCode::SERVICE_UNAVAILABLE,
                "a real login gets in or a clean try-again, not {status}"
            );
        } else {
            assert!(
                *status == StatusCode::UNAUTHORIZED || *status == StatusCode::SERVICE_UNAVAILABLE,
                "an unknown name gets 401 or a clean try-again, not {status}"
            );
        }
        if *status == StatusCode::SERVICE_UNAVAILABLE {
            assert!(body.contains("try again"), "a 503 says to try again");
        }
    }
    assert!(
        count(false, StatusCode::UNAUTHORIZED) > 0,
        "some of the burst was answered in full"
    );
    assert!(
        peak < 300 * 1024,
        "peak RSS {} MB during the burst (limit 300 MB)",
        peak / 1024
    );
    // Nothing grows without end: after the burst the app holds about what it held during it (the
    // peak is read a second before; the last answers and the allocator may still add a little).
    assert!(
        rss_after <= peak + peak / 20,
        "RSS {} kB after the burst, peak {} kB during it",
        rss_after,
        peak
    );
    // A real login after the burst works.
    let late = Client::new(&app.base);
    assert_eq!(
        late.login("real0", "real0-password").await.status,
        StatusCode::SEE_OTHER
    );
}
