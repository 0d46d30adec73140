//! What every page shares: HEAD on every GET route, the favicon, and the `serve` command's
//! banner and log lines.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use reqwest::StatusCode;

use shopcounter::domain::{PayMethod, Role};

use super::helpers::{spawn_app, Client, TestApp};

/// HEAD answers like GET — same status and content type — with no body.
async fn head_matches_get(client: &Client, path: &str) {
    let url = format!("{}{}", client.base, path);
    let get = client.http.get(&url).send().await.expect("GET");
    let get_status = get.status();
    let get_type = get.headers().get("content-type").cloned();
    let head = client.http.head(&url).send().await.expect("HEAD");
    assert_eq!(head.status(), get_status, "HEAD {path}");
    assert_eq!(
        head.headers().get("content-type").cloned(),
        get_type,
        "HEAD {path}: content type"
    );
    assert!(
        head.bytes().await.expect("body").is_empty(),
        "HEAD {path} has no body"
    );
}

async fn all_ok(client: &Client, paths: &[String]) {
    for path in paths {
        let page = client.get(path).await;
        assert_eq!(page.status, StatusCode::OK, "GET {path}");
        head_matches_get(client, path).await;
    }
}

fn owned(paths: &[&str]) -> Vec<String> {
    paths.iter().map(|p| p.to_string()).collect()
}

#[tokio::test]
async fn every_get_route_answers_head() {
    let app: TestApp = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);

    let anonymous = app.client();
    all_ok(
        &anonymous,
        &owned(&[
            "/",
            "/login",
            "/register",
            "/healthz",
            "/static/app.css",
            "/static/app.js",
            "/favicon.ico",
            "/static/favicon.svg",
        ]),
    )
    .await;
    head_matches_get(&anonymous, "/no/such/page").await;
    head_matches_get(&anonymous, "/orders").await; // 303 to the login

    let customer = app.client();
    customer.login("alice", "alice-password").await;
    all_ok(
        &customer,
        &[
            "/cart".into(),
            "/orders".into(),
            format!("/orders/{}", order.order_no),
        ],
    )
    .await;

    let staff = app.staff("north", shop.north).await;
    all_ok(&staff, &owned(&["/counter"])).await;

    app.account("boss", "boss-password", Role::Admin, None);
    let admin = app.client();
    admin.login("boss", "boss-password").await;
    all_ok(
        &admin,
        &[
            "/admin".into(),
            "/admin/stock".into(),
            format!("/admin/stock/{}", shop.mug),
            "/admin/products".into(),
            "/admin/orders".into(),
            format!("/admin/orders/{}", order.order_no),
            "/admin/stores".into(),
            "/admin/staff".into(),
            "/admin/lookups".into(),
        ],
    )
    .await;
}

#[tokio::test]
async fn the_favicon_is_an_icon_and_every_page_names_it() {
    let app = spawn_app().await;
    let client = app.client();
    let res = client
        .http
        .get(format!("{}/favicon.ico", app.address))
        .send()
        .await
        .expect("GET");
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "image/x-icon");
    let bytes = res.bytes().await.expect("body");
    assert_eq!(&bytes[..4], &[0, 0, 1, 0], "an ICO header");
    let page = client.get("/").await;
    assert!(page.contains(r#"rel="icon""#), "the layout links the icon");
    assert!(client.get("/static/favicon.svg").await.contains("<svg"));
}

/// `serve` says where to open the shop only once it listens, and a log that is not a terminal
/// carries no colour codes.
#[test]
fn serve_prints_its_banner_once_listening_and_logs_without_colour_codes() {
    let db = super::helpers::TestDb::create();
    let var_dir = std::env::temp_dir().join(format!("shopcounter-serve-{}", db.name));
    // A port that is taken: no banner, a non-zero exit.
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let taken_addr = taken.local_addr().expect("addr").to_string();
    let out = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env("BIND", &taken_addr)
        .env("RUST_LOG", "info")
        .output()
        .expect("run serve");
    assert!(!out.status.success(), "binding a taken port fails");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains("listening"), "no banner: {stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains('\u{1b}'), "no colour codes: {stderr:?}");
    drop(taken);

    // A free port: the banner names it, after the log says it serves.
    let mut child = Command::new(env!("CARGO_BIN_EXE_shopcounter"))
        .arg("serve")
        .env("DATABASE_URL", &db.url)
        .env("SHOPCOUNTER_VAR_DIR", &var_dir)
        .env("BIND", "127.0.0.1:0")
        .env("RUST_LOG", "info")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start serve");
    let stderr = child.stderr.take().expect("stderr");
    let log = std::thread::spawn(move || {
        let mut lines = Vec::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let done = line.contains("serving");
            lines.push(line);
            if done {
                break;
            }
        }
        lines
    });
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = String::new();
    while !banner.contains("listening on") {
        let mut line = String::new();
        if stdout.read_line(&mut line).expect("read") == 0 {
            break;
        }
        banner.push_str(&line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&var_dir);
    assert!(banner.contains("http://127.0.0.1:"), "banner: {banner}");
    let log = log.join().expect("log lines");
    assert!(log.iter().any(|l| l.contains("serving")), "log: {log:?}");
    for line in &log {
        assert!(!line.contains('\u{1b}'), "no colour codes: {line:?}");
    }
}
