//! The main flows in real Chromium in both languages (SPEC §15), the browser set to Chinese or to
//! English: a customer checks out and pays, the counter looks the code up and hands over, an admin
//! adjusts stock. Each step is checked for its language and photographed at phone (390 px) and
//! desktop (1280 px) width into target/screenshots/i18n-<lang>-<width>-<step>.png, to be looked at
//! (Chinese must show real glyphs: the test setup installs fonts-noto-cjk).

use fantoccini::{Client, Locator};

use super::browser::{fill, Browser};
use super::helpers::{spawn_app, TestApp};

/// What each language must show at each step (a word or two from the catalog).
struct Words {
    lang: &'static str,
    catalog: &'static str,
    cart: &'static str,
    confirm: &'static str,
    pay: &'static str,
    confirmed: &'static str,
    pickup: &'static str,
    matched: &'static str,
    handed_over: &'static str,
    adjusted: &'static str,
    not_found: &'static str,
}

const ZH: Words = Words {
    lang: "zh-CN",
    catalog: "在线下单，到店自取",
    cart: "您的购物车",
    confirm: "取货门店",
    pay: "剩余付款时间",
    confirmed: "已确认 — 备货中",
    pickup: "您的取货码",
    matched: "交货",
    handed_over: "已交给",
    adjusted: "库存已调整 +5",
    not_found: "找不到页面",
};

const EN: Words = Words {
    lang: "en",
    catalog: "Order now, pick up in store",
    cart: "Your cart",
    confirm: "Pick up at",
    pay: "Time left to pay",
    confirmed: "Confirmed — being prepared",
    pickup: "Your pickup code",
    matched: "Hand over",
    handed_over: "Handed over order",
    adjusted: "Stock adjusted by +5",
    not_found: "Not found",
};

async fn click(c: &Client, css: &str) {
    c.find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .unwrap_or_else(|e| panic!("click {css}: {e}"));
}

async fn wait_for(c: &Client, css: &str) {
    c.wait()
        .for_element(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("waiting for {css}: {e}"));
}

/// The page's language and that it says `words`.
async fn says(c: &Client, lang: &str, words: &str, step: &str) {
    let lang_attr = c
        .find(Locator::Css("html"))
        .await
        .expect("html")
        .attr("lang")
        .await
        .expect("lang");
    assert_eq!(lang_attr.as_deref(), Some(lang), "{step}: <html lang>");
    let body = c.source().await.expect("source");
    assert!(
        body.contains(words),
        "{step}: the page should say {words:?}"
    );
}

async fn log_out(b: &Browser) {
    b.client
        .delete_all_cookies()
        .await
        .expect("forget the session");
}

async fn flows_in(app: &TestApp, w: &Words, width: u32, height: u32) {
    let base = &app.address;
    let shot = |step: &str| format!("i18n-{}-{width}-{step}", w.lang);
    let b = if width < 500 {
        Browser::phone_in(width, height, w.lang).await
    } else {
        Browser::start_in(width, height, w.lang).await
    };
    let c = &b.client;
    let mug = app.sql_i64("SELECT id FROM products WHERE sku = 'TEA-MUG'");
    let oolong = app.sql_i64("SELECT id FROM products WHERE sku = 'OOLONG'");
    let north = app.sql_i64("SELECT id FROM stores WHERE code = 'SH01'");

    // The customer: catalog, cart, checkout, pay.
    b.log_in(base, "alice", "alice-demo-pass").await;
    says(c, w.lang, w.catalog, "catalog").await;
    b.screenshot(&shot("1-catalog")).await;
    for id in [mug, oolong] {
        c.goto(&format!("{base}/")).await.expect("catalog");
        click(
            c,
            &format!("li[data-product-id='{id}'] form.add-to-cart button"),
        )
        .await;
        wait_for(c, "[data-flash]").await;
    }
    b.screenshot(&shot("2-added")).await;
    c.goto(&format!("{base}/cart")).await.expect("cart");
    says(c, w.lang, w.cart, "cart").await;
    b.screenshot(&shot("3-cart")).await;
    c.goto(&format!("{base}/checkout")).await.expect("checkout");
    says(c, w.lang, w.confirm, "checkout").await;
    b.screenshot(&shot("4-checkout")).await;
    click(c, &format!("input[name=store_id][value='{north}']")).await;
    click(c, "form.checkout-form button[type=submit]").await;
    wait_for(c, "[data-order-status='pending_payment']").await;
    says(c, w.lang, w.pay, "pay").await;
    b.screenshot(&shot("5-pay")).await;
    click(c, "form[action$='/pay'] button[type=submit]").await;
    wait_for(c, "[data-order-status='confirmed'] [data-pickup-code]").await;
    says(c, w.lang, w.confirmed, "confirmed").await;
    says(c, w.lang, w.pickup, "pickup slip").await;
    b.screenshot(&shot("6-pickup-code")).await;
    let code = c
        .find(Locator::Css("[data-pickup-code]"))
        .await
        .expect("the code")
        .attr("data-pickup-code")
        .await
        .expect("attr")
        .expect("digits");
    c.goto(&format!("{base}/no-such-page")).await.expect("404");
    says(c, w.lang, w.not_found, "error page").await;
    b.screenshot(&shot("7-error-page")).await;
    log_out(&b).await;

    // The counter: look the code up, hand over.
    b.log_in(base, "north", "north-demo-pass").await;
    wait_for(c, "[data-counter-input]").await;
    fill(c, "[data-counter-input]", &format!("{code}\u{E007}")).await;
    wait_for(c, "[data-outcome=matched]").await;
    says(c, w.lang, w.matched, "counter match").await;
    b.screenshot(&shot("8-counter-match")).await;
    click(c, "form.handover-form button[type=submit]").await;
    wait_for(c, "[data-flash]").await;
    says(c, w.lang, w.handed_over, "handed over").await;
    b.screenshot(&shot("9-counter-handed-over")).await;
    log_out(&b).await;

    // The admin: dashboard, adjust stock with a reason.
    b.log_in(base, "admin", "admin-demo-pass").await;
    b.screenshot(&shot("10-dashboard")).await;
    c.goto(&format!("{base}/admin/stock/{mug}"))
        .await
        .expect("ledger");
    fill(c, "input[name=delta]", "+5").await;
    fill(
        c,
        "input[name=reason]",
        if w.lang == "en" { "delivery" } else { "到货" },
    )
    .await;
    click(c, "form.adjust-form button[type=submit]").await;
    wait_for(c, "[data-flash]").await;
    says(c, w.lang, w.adjusted, "stock adjusted").await;
    b.screenshot(&shot("11-stock-adjusted")).await;
    b.close().await;
}

async fn in_both_widths(w: &Words) {
    let app = spawn_app().await;
    shopcounter::shop::seed::seed_demo(&mut app.conn()).expect("seed");
    flows_in(&app, w, 390, 844).await;
    flows_in(&app, w, 1280, 900).await;
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE status = 'picked_up'"),
        2,
        "both orders were handed over"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flows_in_chinese_at_phone_and_desktop_width() {
    in_both_widths(&ZH).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_main_flows_in_english_at_phone_and_desktop_width() {
    in_both_widths(&EN).await;
}
