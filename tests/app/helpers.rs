//! spawn_app(): a real server on a free port over its own freshly created database, and a
//! `Client` per simulated person (own cookie jar) with one method per route that handles CSRF.

use std::sync::{Arc, Mutex};

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use rand::Rng;
use reqwest::StatusCode;
use scraper::{Html, Selector};

use shopcounter::config::Settings;
use shopcounter::db::{self, Db, PooledConn};
use shopcounter::domain::Role;
use shopcounter::shop::accounts::{create_account, CreateAccount, NewAccount};
use shopcounter::shop::catalog::{create_product, CreateProduct, NewProduct};
use shopcounter::shop::stores::{by_code, create_store, CreateStore};
use shopcounter::startup::{AppState, Application};

/// The server the tests may create databases on: DATABASE_URL without its database name.
pub fn server_url() -> String {
    let url = std::env::var("DATABASE_URL")
        .unwrap_or_else(|_| "mysql://root@127.0.0.1:3306/".to_string());
    let rest = url.strip_prefix("mysql://").unwrap_or(&url);
    let (auth_host, _db) = rest.split_once('/').unwrap_or((rest, ""));
    format!("mysql://{auth_host}")
}

/// A database of its own for one test; dropped at the end unless the test failed (kept to look at).
pub struct TestDb {
    pub name: String,
    pub url: String,
    server: String,
}

impl TestDb {
    pub fn create() -> TestDb {
        TestDb::create_on(&server_url())
    }

    /// A test database on another server (`mysql://user@host:port`, no database name).
    pub fn create_on(server: &str) -> TestDb {
        let db = TestDb::create_empty_on(server);
        let mut conn = MysqlConnection::establish(&db.url).expect("connect to test database");
        db::migrate(&mut conn).expect("migrate test database");
        db
    }

    /// A new database with no tables yet (not migrated).
    pub fn create_empty() -> TestDb {
        TestDb::create_empty_on(&server_url())
    }

    fn create_empty_on(server: &str) -> TestDb {
        let name = format!(
            "test_{:012x}",
            rand::thread_rng().gen::<u64>() & 0xffff_ffff_ffff
        );
        let server = server.to_string();
        let mut conn = MysqlConnection::establish(&server)
            .unwrap_or_else(|e| panic!("cannot reach the test MariaDB at {server} (run scripts/test, or set DATABASE_URL): {e}"));
        conn.batch_execute(&format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))
        .expect("create test database");
        let url = format!("{server}/{name}");
        TestDb { name, url, server }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "test failed: its database {} is kept for inspection",
                self.name
            );
            return;
        }
        if let Ok(mut conn) = MysqlConnection::establish(&self.server) {
            let _ = conn.batch_execute(&format!("DROP DATABASE IF EXISTS {}", self.name));
        }
    }
}

pub struct TestApp {
    pub address: String,
    pub port: u16,
    pub db: Db,
    pub settings: Arc<Settings>,
    handle: actix_web::dev::ServerHandle,
    pub test_db: TestDb,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        // The stop command is sent at once; waiting for it is not needed.
        drop(self.handle.stop(false));
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// Starts the app with settings adjusted by `tweak` (e.g. 3-digit pickup codes).
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Settings)) -> TestApp {
    spawn_app_on(TestDb::create(), tweak).await
}

/// Starts the app over a given test database (e.g. one on a private server a test may kill).
pub async fn spawn_app_on(test_db: TestDb, tweak: impl FnOnce(&mut Settings)) -> TestApp {
    let mut settings = Settings::for_database(&test_db.url);
    tweak(&mut settings);
    let state = AppState::new(settings);
    let db = state.db.clone();
    let settings = Arc::clone(&state.settings);
    let app = Application::build(state, Some(2)).expect("build app");
    let port = app.port();
    let handle = app.handle();
    tokio::spawn(app.run_until_stopped());
    TestApp {
        address: format!("http://127.0.0.1:{port}"),
        port,
        db,
        settings,
        handle,
        test_db,
    }
}

impl TestApp {
    /// A synchronous connection from the app's own pool (READ COMMITTED like the app's).
    pub fn conn(&self) -> PooledConn {
        self.db.conn().expect("pooled connection")
    }

    /// A browser-like client with its own cookie jar, not logged in.
    pub fn client(&self) -> Client {
        Client::new(&self.address)
    }

    pub fn store(&self, code: &str, name: &str) -> i64 {
        let mut conn = self.conn();
        if let Some(s) = by_code(&mut conn, code).expect("store lookup") {
            return s.id;
        }
        match create_store(&mut conn, code, name, "1 Test Street").expect("create store") {
            CreateStore::Created(id) => id,
            CreateStore::CodeTaken => panic!("store {code} taken"),
        }
    }

    pub fn product(&self, sku: &str, name: &str, price_cents: i64, stock: i32) -> i64 {
        let mut conn = self.conn();
        let created = db::in_transaction(&mut conn, |c| {
            create_product(
                c,
                &NewProduct {
                    sku,
                    name,
                    description: "A test product.",
                    price_cents,
                    stock,
                },
                None,
            )
        })
        .expect("create product");
        match created {
            CreateProduct::Created(id) => id,
            CreateProduct::SkuTaken => panic!("sku {sku} taken"),
        }
    }

    /// Creates an account directly in the database.
    pub fn account(
        &self,
        username: &str,
        password: &str,
        role: Role,
        store_id: Option<i64>,
    ) -> i64 {
        let mut conn = self.conn();
        match create_account(
            &mut conn,
            &NewAccount {
                username,
                password,
                display_name: username,
                role,
                store_id,
            },
        )
        .expect("create account")
        {
            CreateAccount::Created(id) => id,
            CreateAccount::UsernameTaken => panic!("username {username} taken"),
        }
    }

    async fn logged_in(&self, username: &str, role: Role, store_id: Option<i64>) -> Client {
        let password = format!("{username}-password");
        self.account(username, &password, role, store_id);
        let client = self.client();
        let res = client.login(username, &password).await;
        assert_eq!(
            res.status,
            StatusCode::SEE_OTHER,
            "login of {username} should succeed"
        );
        client
    }

    pub async fn customer(&self, username: &str) -> Client {
        self.logged_in(username, Role::Customer, None).await
    }

    pub async fn staff(&self, username: &str, store_id: i64) -> Client {
        self.logged_in(username, Role::Staff, Some(store_id)).await
    }

    pub async fn admin(&self, username: &str) -> Client {
        self.logged_in(username, Role::Admin, None).await
    }

    /// One number from SQL, for checking invariants (`SELECT COUNT(*) ...`, `SELECT stock ...`).
    pub fn sql_i64(&self, query: &str) -> i64 {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
            n: Option<i64>,
        }
        let mut conn = self.conn();
        let row: N = diesel::sql_query(format!("SELECT CAST(({query}) AS SIGNED) AS n"))
            .get_result(&mut *conn)
            .unwrap_or_else(|e| panic!("query failed: {query}: {e}"));
        row.n.unwrap_or(0)
    }

    /// Rows the server sorted for `conn` so far (`Sort_rows` of its session): a page that sorts
    /// nothing reads its rows in an index's order and can stop when the page is full.
    pub fn sorted_rows(conn: &mut MysqlConnection) -> i64 {
        #[derive(QueryableByName)]
        struct V {
            #[diesel(sql_type = diesel::sql_types::Text)]
            #[diesel(column_name = Value)]
            value: String,
        }
        diesel::sql_query("SHOW SESSION STATUS LIKE 'Sort_rows'")
            .get_result::<V>(conn)
            .expect("Sort_rows")
            .value
            .parse()
            .expect("a number")
    }

    /// Runs SQL statements directly (e.g. to move an order's expiry into the past).
    pub fn sql(&self, statements: &str) {
        self.conn().batch_execute(statements).expect("sql");
    }
}

/// One person at one browser: a cookie jar, and the session's CSRF token once seen.
pub struct Client {
    pub http: reqwest::Client,
    pub base: String,
    csrf: Mutex<Option<String>>,
    jar: Arc<reqwest::cookie::Jar>,
}

pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub body: String,
}

impl Page {
    pub fn html(&self) -> Html {
        Html::parse_document(&self.body)
    }
    /// The `value` of the first `<input name=...>` on the page.
    pub fn input_value(&self, name: &str) -> Option<String> {
        input_value(&self.body, name)
    }
    /// The text of the first element matching a CSS selector.
    pub fn text_of(&self, css: &str) -> Option<String> {
        let sel = Selector::parse(css).expect("selector");
        self.html().select(&sel).next().map(|e| {
            e.text()
                .collect::<String>()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
        })
    }
    /// An attribute of the first element matching a CSS selector.
    pub fn attr_of(&self, css: &str, attr: &str) -> Option<String> {
        let sel = Selector::parse(css).expect("selector");
        self.html()
            .select(&sel)
            .next()
            .and_then(|e| e.value().attr(attr).map(str::to_string))
    }
    pub fn contains(&self, text: &str) -> bool {
        self.body.contains(text)
    }
}

pub fn input_value(html: &str, name: &str) -> Option<String> {
    let doc = Html::parse_document(html);
    let sel = Selector::parse(&format!("input[name=\"{name}\"]")).expect("selector");
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr("value").map(str::to_string))
}

impl Client {
    pub fn new(base: &str) -> Client {
        Client::with_agent(
            base,
            "shopcounter-tests",
            Arc::new(reqwest::cookie::Jar::default()),
        )
    }

    /// A client with its own user agent over the given cookie jar.
    pub fn with_agent(base: &str, agent: &str, jar: Arc<reqwest::cookie::Jar>) -> Client {
        // English unless a test asks for another language: the tests read English page text
        // (tests/app/languages.rs checks the choice of language itself).
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert(
            reqwest::header::ACCEPT_LANGUAGE,
            reqwest::header::HeaderValue::from_static("en"),
        );
        let http = reqwest::Client::builder()
            .cookie_provider(Arc::clone(&jar))
            .default_headers(headers)
            .user_agent(agent)
            .redirect(reqwest::redirect::Policy::none())
            .timeout(std::time::Duration::from_secs(60))
            // Below the server's 5 s keep-alive, so a request never goes out on a connection the
            // server is just closing (that race shows up as a transport error under load).
            .pool_idle_timeout(std::time::Duration::from_secs(3))
            .build()
            .expect("http client");
        Client {
            http,
            base: base.to_string(),
            csrf: Mutex::new(None),
            jar,
        }
    }

    /// The same browser (cookie jar) talking to another address, e.g. another instance.
    pub fn on(&self, base: &str, agent: &str) -> Client {
        Client::with_agent(base, agent, Arc::clone(&self.jar))
    }

    /// Another client holding a copy of this one's cookies as they are now (a stolen cookie).
    pub fn copy_of_cookies(&self) -> Client {
        use reqwest::cookie::CookieStore;
        let url: reqwest::Url = self.base.parse().expect("base url");
        let jar = Arc::new(reqwest::cookie::Jar::default());
        if let Some(header) = self.jar.cookies(&url) {
            for pair in header.to_str().expect("cookie header").split("; ") {
                jar.add_cookie_str(pair, &url);
            }
        }
        Client::with_agent(&self.base, "a copied cookie", jar)
    }

    async fn page(res: reqwest::Response) -> Page {
        let status = res.status();
        let location = res
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = res.text().await.unwrap_or_default();
        Page {
            status,
            location,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Page {
        self.try_get(path).await.expect("GET")
    }

    /// [`Client::get`], with a transport failure (no answer: the server died) as an error.
    pub async fn try_get(&self, path: &str) -> Result<Page, reqwest::Error> {
        let res = self
            .http
            .get(format!("{}{}", self.base, path))
            .send()
            .await?;
        let page = Self::page(res).await;
        if let Some(t) = input_value(&page.body, "csrf_token") {
            *self.csrf.lock().expect("csrf lock") = Some(t);
        }
        Ok(page)
    }

    /// The session's CSRF token (fetched from a page the first time).
    pub async fn csrf_token(&self) -> String {
        if let Some(t) = self.csrf.lock().expect("csrf lock").clone() {
            return t;
        }
        // Every page's layout carries the token (the log-out form, or the login form's own).
        if let Some(t) = self.get("/").await.input_value("csrf_token") {
            return t;
        }
        self.get("/login")
            .await
            .input_value("csrf_token")
            .expect("a csrf_token on /login")
    }

    /// POSTs a form with the session's CSRF token added.
    pub async fn post(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.try_post(path, fields).await.expect("POST")
    }

    /// [`Client::post`], with a transport failure (no answer: the server died) as an error.
    pub async fn try_post(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, reqwest::Error> {
        let token = self.csrf_token().await;
        let mut all: Vec<(&str, &str)> = fields.to_vec();
        all.push(("csrf_token", &token));
        self.try_post_raw(path, &all).await
    }

    /// POSTs exactly the given fields (no CSRF token added).
    pub async fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> Page {
        self.try_post_raw(path, fields).await.expect("POST")
    }

    /// [`Client::post_raw`], with a transport failure (no answer: the server died) as an error.
    pub async fn try_post_raw(
        &self,
        path: &str,
        fields: &[(&str, &str)],
    ) -> Result<Page, reqwest::Error> {
        let res = self
            .http
            .post(format!("{}{}", self.base, path))
            .form(fields)
            .send()
            .await?;
        Ok(Self::page(res).await)
    }

    /// Logs in; a 503 "busy, try again" (password hashing is bounded, so many logins at once
    /// queue for a turn) is tried again, as a person would.
    pub async fn login(&self, username: &str, password: &str) -> Page {
        let mut page = self
            .post("/login", &[("username", username), ("password", password)])
            .await;
        for _ in 0..50 {
            if page.status != StatusCode::SERVICE_UNAVAILABLE {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(200)).await;
            page = self
                .post("/login", &[("username", username), ("password", password)])
                .await;
        }
        // Logging in renews the session and its CSRF token.
        *self.csrf.lock().expect("csrf lock") = None;
        page
    }

    pub async fn logout(&self) -> Page {
        let page = self.post("/logout", &[]).await;
        *self.csrf.lock().expect("csrf lock") = None;
        page
    }
}
