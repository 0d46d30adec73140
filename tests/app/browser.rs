//! Real Chromium through chromedriver (fantoccini): a private chromedriver per test on a free port.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};

use super::helpers::spawn_app;

pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: TempDir,
}

/// A throw-away Chromium profile directory.
struct TempDir(std::path::PathBuf);
impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Headless Chromium does not make a window narrower than this; narrower pages are emulated.
const MIN_WINDOW_WIDTH: u32 = 500;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium window of the given size, in English (the
    /// tests read English page text; `start_in` picks another language).
    pub async fn start(width: u32, height: u32) -> Browser {
        Browser::start_in(width, height, "en").await
    }

    /// The same with the browser's language (`Accept-Language`) set, e.g. `zh-CN`. A width below
    /// headless Chromium's 500 px minimum window is emulated (see `phone_in`), so a test that asks
    /// for a 360 px phone gets a 360 px page, not a 500 px one.
    pub async fn start_in(width: u32, height: u32, lang: &str) -> Browser {
        Browser::launch(width, height, lang, width < MIN_WINDOW_WIDTH).await
    }

    /// A phone: headless Chromium keeps a window at least 500 px wide, so a narrower width is
    /// emulated (the page's viewport is then exactly `width` CSS pixels).
    pub async fn phone_in(width: u32, height: u32, lang: &str) -> Browser {
        Browser::launch(width, height, lang, true).await
    }

    async fn launch(width: u32, height: u32, lang: &str, emulate: bool) -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_bin = std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {driver_bin} ({e}); install chromium-driver or run scripts/test"
                )
            });
        let profile = std::env::temp_dir().join(format!("shopcounter-chrome-{port}"));
        let caps = serde_json::json!({
            "goog:chromeOptions": {
                "binary": chrome_bin,
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    format!("--window-size={width},{height}"),
                    format!("--user-data-dir={}", profile.display()),
                    format!("--lang={lang}"),
                ],
                "prefs": { "intl.accept_languages": lang }
            }
        });
        let mut caps = caps;
        if emulate {
            caps["goog:chromeOptions"]["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 }
            });
        }
        let caps = match caps {
            serde_json::Value::Object(map) => map,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = None;
        for _ in 0..50 {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        driver,
                        _profile: TempDir(profile),
                    }
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("chromedriver did not accept a session: {last_err:?}");
    }

    /// Saves a PNG screenshot under target/screenshots/ (to look at; not an assertion).
    pub async fn screenshot(&self, name: &str) {
        let png = self.client.screenshot().await.expect("screenshot");
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/screenshots");
        std::fs::create_dir_all(&dir).expect("screenshot dir");
        std::fs::write(dir.join(format!("{name}.png")), png).expect("write screenshot");
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }

    /// Logs in through the real login form.
    pub async fn log_in(&self, base: &str, username: &str, password: &str) {
        let c = &self.client;
        c.goto(&format!("{base}/login")).await.expect("open login");
        fill(c, "input[name=username]", username).await;
        fill(c, "input[name=password]", password).await;
        c.find(Locator::Css("form[action='/login'] button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        c.wait()
            .for_element(Locator::Css("[data-user]"))
            .await
            .expect("logged in");
    }
}

/// Types `text` into the field `css` finds.
pub async fn fill(c: &Client, css: &str, text: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("no field {css}: {e}"))
        .send_keys(text)
        .await
        .unwrap_or_else(|e| panic!("typing into {css}: {e}"));
}

/// Nothing sticks out sideways: the page is no wider than the window, and no element of `main`
/// reaches past the right edge of `main`'s content box (a table or a figure cut off by its card or
/// the window, a button off-screen).
pub async fn assert_fits_the_width(c: &Client, what: &str) {
    let js = |script: &'static str| async move { c.execute(script, vec![]).await.expect("script") };
    let (page, window) = (
        js("return document.documentElement.scrollWidth;").await,
        js("return window.innerWidth;").await,
    );
    assert!(
        page.as_i64() <= window.as_i64(),
        "{what}: the page is {page} px wide in a {window} px window"
    );
    let overflowing = js("var m = document.querySelector('main'); \
         var edge = Math.min(window.innerWidth, \
           m.getBoundingClientRect().right - parseFloat(getComputedStyle(m).paddingRight)); \
         return Array.from(m.querySelectorAll('*')).filter(function (e) { \
           var r = e.getBoundingClientRect(); return r.width > 0 && r.right > edge + 0.5; \
         }).map(function (e) { return e.tagName + '.' + e.className; });")
    .await;
    assert_eq!(overflowing, serde_json::json!([]), "{what}: cut off");
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_customer_logs_in_and_sees_the_catalog() {
    let app = spawn_app().await;
    shopcounter::shop::seed::seed_demo(&mut app.conn()).expect("seed the demo shop");
    app.sql("UPDATE products SET stock = 0 WHERE sku = 'MATCHA'");
    app.sql("DELETE FROM stock_movements WHERE product_id = (SELECT id FROM products WHERE sku = 'MATCHA')");

    let browser = Browser::start(1280, 800).await;
    browser
        .log_in(&app.address, "alice", "alice-demo-pass")
        .await;
    let c = &browser.client;
    c.goto(&format!("{}/", app.address))
        .await
        .expect("open catalog");
    let mut names = Vec::new();
    for e in c
        .find_all(Locator::Css(".product h2"))
        .await
        .expect("products")
    {
        names.push(e.text().await.expect("text"));
    }
    assert_eq!(names.len(), 12, "the dozen demo products: {names:?}");
    assert!(names.contains(&"Tea Mug".to_string()));
    let who = c
        .find(Locator::Css("[data-user]"))
        .await
        .expect("who")
        .text()
        .await
        .expect("text");
    assert!(who.contains("Alice"), "the header names the user: {who}");
    let matcha = c
        .find(Locator::XPath(
            "//li[h2[text()='Matcha 30 g']]//p[contains(@class,'badge-out')]",
        ))
        .await
        .expect("the sold-out product says so");
    assert_eq!(matcha.text().await.expect("text"), "Sold out");
    let add_buttons = c
        .find_all(Locator::Css("form.add-to-cart button"))
        .await
        .expect("buttons");
    assert_eq!(
        add_buttons.len(),
        11,
        "every product in stock can be added to the cart"
    );
    browser.screenshot("catalog-1280").await;
    browser.close().await;
}
