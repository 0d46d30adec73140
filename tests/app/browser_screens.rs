//! The changed screens at phone and desktop width, looked at as screenshots (target/screenshots/):
//! the catalog at 360 px (compact cards, nothing cut off), the admin dashboard with its takings
//! chart at 1280 and 390 px, and the counter's 429 screen.

use fantoccini::Locator;

use shopcounter::domain::{PayMethod, Role};

use super::browser::{assert_fits_the_width, Browser};
use super::helpers::spawn_app;

async fn page_width_fits(b: &Browser) -> bool {
    b.client
        .execute(
            "return document.documentElement.scrollWidth <= window.innerWidth;",
            vec![],
        )
        .await
        .expect("script")
        .as_bool()
        .unwrap_or(false)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_fits_360_px_with_compact_cards() {
    let app = spawn_app().await;
    shopcounter::shop::seed::seed_demo(&mut app.conn()).expect("seed");
    let b = Browser::start(360, 780).await;
    b.log_in(&app.address, "alice", "alice-demo-pass").await;
    b.client.goto(&format!("{}/", app.address)).await.unwrap();
    assert!(page_width_fits(&b).await, "the catalog fits 360 px");
    assert_fits_the_width(&b.client, "the catalog at 360 px").await;
    // Compact: the dozen products take well under the 3,200 px they used to.
    let height = b
        .client
        .execute(
            "return document.querySelector('.products').getBoundingClientRect().height;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap();
    assert!(height < 2000.0, "twelve products in {height} px");
    b.screenshot("screens-catalog-360").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_with_takings_at_desktop_and_phone_width() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    // Some money over the last days.
    for days_ago in [0, 0, 1, 3, 3, 3, 6, 9, 12] {
        let o = app.confirmed_order(
            &shop,
            if days_ago % 2 == 0 {
                shop.north
            } else {
                shop.harbour
            },
            PayMethod::Online,
        );
        app.sql(&format!(
            "UPDATE payments SET created_at = NOW() - INTERVAL {days_ago} DAY WHERE order_id = {}",
            o.id
        ));
    }
    app.account("boss", "boss-password", Role::Admin, None);
    for (w, h, tag) in [(1280, 800, "1280"), (390, 844, "390")] {
        let b = Browser::start(w, h).await;
        b.log_in(&app.address, "boss", "boss-password").await;
        b.client
            .goto(&format!("{}/admin", app.address))
            .await
            .unwrap();
        b.client
            .find(Locator::Css("[data-takings-chart]"))
            .await
            .expect("the chart");
        assert!(page_width_fits(&b).await, "the dashboard fits {w} px");
        b.screenshot(&format!("screens-admin-dashboard-{tag}"))
            .await;
        assert_fits_the_width(&b.client, &format!("the dashboard at {w} px")).await;
        b.client
            .goto(&format!("{}/admin/stock", app.address))
            .await
            .unwrap();
        b.screenshot(&format!("screens-admin-stock-{tag}")).await;
        assert_fits_the_width(&b.client, &format!("admin stock at {w} px")).await;
        b.client
            .goto(&format!("{}/admin/orders", app.address))
            .await
            .unwrap();
        b.screenshot(&format!("screens-admin-orders-{tag}")).await;
        assert_fits_the_width(&b.client, &format!("admin orders at {w} px")).await;
        b.close().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counters_429_screen_keeps_the_counter_and_counts_down() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    app.account("north", "north-password", Role::Staff, Some(shop.north));
    let b = Browser::start(1280, 800).await;
    b.log_in(&app.address, "north", "north-password").await;
    for _ in 0..11 {
        let input = b
            .client
            .find(Locator::Css("[data-counter-input]"))
            .await
            .unwrap();
        // Marks this page, so the wait below finds the refusal on the next page, not this one
        // (under load the old page's input went stale while the loop typed into it).
        b.client
            .execute("document.body.dataset.before = '1';", vec![])
            .await
            .unwrap();
        input.clear().await.unwrap();
        input.send_keys("12\u{E007}").await.unwrap();
        b.client
            .wait()
            .for_element(Locator::Css("body:not([data-before]) [data-tone=refusal]"))
            .await
            .unwrap();
    }
    b.client
        .find(Locator::Css("[data-outcome=throttled]"))
        .await
        .expect("the throttled screen");
    b.client
        .find(Locator::Css("[data-queue=to_prepare]"))
        .await
        .expect("the queue stays");
    b.screenshot("screens-counter-429-1280").await;
    b.close().await;
}
