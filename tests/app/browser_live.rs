//! Pages people watch, in real Chromium: the customer's open order page turns "ready" by itself
//! when the counter marks it (within 5 s, no reload), the counter's open queue shows a new order
//! by itself without taking the focus from the code input, the time to pay counts down, and the
//! customer pages fit a 360 px phone. Screenshots land in target/screenshots/.

use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use reqwest::StatusCode;

use shopcounter::domain::{OrderStatus, PayMethod};

use super::browser::{assert_fits_the_width, fill, Browser};
use super::fixtures::{create_order, OrderSpec};
use super::helpers::spawn_app;

async fn js(c: &Client, script: &str) -> serde_json::Value {
    c.execute(script, vec![]).await.expect("script")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_open_order_page_shows_ready_within_5_s_without_a_reload() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let staff = app.staff("north", shop.north).await;

    let b = Browser::start(360, 780).await;
    b.log_in(&app.address, "alice", "alice-password").await;
    let c = &b.client;
    c.goto(&format!("{}/orders/{}", app.address, order.order_no))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("[data-order-status=confirmed]"))
        .await
        .expect("the confirmed order");
    let bring = c.find(Locator::Css("[data-bring]")).await.unwrap();
    assert_eq!(bring.text().await.unwrap(), "Bring ¥33.00");
    assert_fits_the_width(c, "order page at 360 px").await;
    b.screenshot("live-order-confirmed-360").await;
    js(c, "window.__samePage = 42; return true;").await;

    let marked = staff
        .post(&format!("/counter/orders/{}/ready", order.order_no), &[])
        .await;
    assert_eq!(marked.status, StatusCode::SEE_OTHER);
    let since = Instant::now();
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(
            "[data-order-status=ready] [data-pickup-ready]",
        ))
        .await
        .expect("the page says ready within 5 s");
    assert!(since.elapsed() <= Duration::from_secs(5));
    assert_eq!(
        js(c, "return window.__samePage;").await,
        serde_json::json!(42),
        "the same page, not reloaded"
    );
    let code = c
        .find(Locator::Css("[data-pickup-code]"))
        .await
        .unwrap()
        .attr("data-pickup-code")
        .await
        .unwrap();
    assert_eq!(code, order.pickup_code);
    // The page scrolled to the code: the banner is what a customer sees.
    b.screenshot("live-order-ready-360").await;
    c.goto(&format!("{}/orders", app.address)).await.unwrap();
    assert_fits_the_width(c, "my orders at 360 px").await;
    let card_code = c
        .find(Locator::Css(".order-card [data-pickup-code]"))
        .await
        .expect("the code on the waiting order's card")
        .text()
        .await
        .unwrap();
    assert_eq!(
        card_code.replace(' ', ""),
        order.pickup_code.clone().unwrap()
    );
    b.screenshot("live-my-orders-360").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_time_to_pay_counts_down_and_a_paid_order_gets_its_code_by_itself() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = create_order(
        &app,
        &OrderSpec {
            user_id: shop.customer,
            store_id: shop.north,
            pay_method: PayMethod::Online,
            status: OrderStatus::PendingPayment,
            lines: &[(shop.mug, 2), (shop.tea, 1)],
        },
    );
    let b = Browser::start(390, 844).await;
    b.log_in(&app.address, "alice", "alice-password").await;
    let c = &b.client;
    c.goto(&format!("{}/orders/{}", app.address, order.order_no))
        .await
        .unwrap();
    let left = c.find(Locator::Css("[data-time-left]")).await.unwrap();
    let first = left.text().await.unwrap();
    assert_fits_the_width(c, "pay page at 390 px").await;
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let later = c
        .find(Locator::Css("[data-time-left]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_ne!(first, later, "the time left counts down");
    b.screenshot("live-order-pay-390").await;

    // Paid elsewhere (the provider's callback, another tab): the code appears by itself.
    js(c, "window.__samePage = 7; return true;").await;
    let code = format!("123456{}", shopcounter::domain::damm_check_digit(b"123456"));
    app.sql(&format!(
        "UPDATE orders SET status = 'confirmed', paid_at = NOW(), pickup_code = '{code}', expires_at = NULL WHERE id = {}",
        order.id
    ));
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(
            "[data-order-status=confirmed] [data-pickup-code]",
        ))
        .await
        .expect("the code arrives by itself");
    assert_eq!(
        js(c, "return window.__samePage;").await,
        serde_json::json!(7)
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_order_appears_in_an_open_counter_queue_and_the_focus_stays_in_the_input() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let first = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    app.account(
        "north",
        "north-password",
        shopcounter::domain::Role::Staff,
        Some(shop.north),
    );
    let b = Browser::start(1280, 800).await;
    b.log_in(&app.address, "north", "north-password").await;
    let c = &b.client;
    c.wait()
        .for_element(Locator::Css("[data-counter-input]"))
        .await
        .unwrap();
    // The clerk has started typing a code.
    fill(c, "[data-counter-input]", "482").await;
    js(c, "window.__samePage = 1; return true;").await;

    let second = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let since = Instant::now();
    c.wait()
        .at_most(Duration::from_secs(5))
        .for_element(Locator::Css(&format!(
            "[data-queue=to_prepare] li[data-order-no='{}']",
            second.order_no
        )))
        .await
        .expect("the new order in the queue within 5 s");
    assert!(since.elapsed() <= Duration::from_secs(5));
    assert_eq!(
        js(c, "return window.__samePage;").await,
        serde_json::json!(1)
    );
    assert_eq!(
        js(
            c,
            "var i = document.querySelector('[data-counter-input]'); \
             return [document.activeElement === i, i.value];"
        )
        .await,
        serde_json::json!([true, "482"]),
        "the focus and the typed digits stay"
    );
    let pick = c
        .find(Locator::Css(&format!(
            "li[data-order-no='{}'] [data-pick-list]",
            second.order_no
        )))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pick.contains("2 × Tea Mug"), "{pick}");
    b.screenshot("live-counter-queue-1280").await;

    // A hand-over at the other counter takes it off this one's queue.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        first.id
    ));
    let gone = format!("li[data-order-no='{}']", first.order_no);
    let deadline = Instant::now() + Duration::from_secs(5);
    while c.find(Locator::Css(&gone)).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "the handed-over order leaves the queue"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // A match plays the success tone, shows the code entered, and the queue stays below.
    let input = c.find(Locator::Css("[data-counter-input]")).await.unwrap();
    input.clear().await.unwrap();
    input
        .send_keys(&format!("{}\u{E007}", second.pickup_code.clone().unwrap()))
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css("[data-outcome=matched]"))
        .await
        .unwrap();
    assert_eq!(
        js(c, "return document.documentElement.dataset.tonePlayed;").await,
        serde_json::json!("success")
    );
    c.find(Locator::Css("[data-queue=to_prepare]"))
        .await
        .expect("the queue under the result");
    b.screenshot("live-counter-match-1280").await;
    // Muting is remembered: the next result plays nothing.
    c.find(Locator::Css("[data-tone-toggle]"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.refresh().await.unwrap();
    c.wait()
        .for_element(Locator::Css("[data-outcome=matched]"))
        .await
        .unwrap();
    assert_eq!(
        js(c, "return document.documentElement.dataset.tonePlayed;").await,
        serde_json::json!("muted")
    );
    let toggle = c.find(Locator::Css("[data-tone-toggle]")).await.unwrap();
    assert_eq!(
        toggle.attr("aria-pressed").await.unwrap().as_deref(),
        Some("true")
    );
    b.close().await;
}
