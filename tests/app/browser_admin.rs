//! Real Chromium: an admin adjusts stock with a reason and sees it in the ledger.

use fantoccini::Locator;

use shopcounter::domain::{OrderStatus, PayMethod};

use super::browser::{assert_fits_the_width, fill, Browser};
use super::fixtures::{create_order, OrderSpec};
use super::helpers::spawn_app;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adjusts_stock_with_a_reason_and_sees_it_in_the_ledger() {
    let app = spawn_app().await;
    shopcounter::shop::seed::seed_demo(&mut app.conn()).expect("seed the demo shop");
    let mug = app.sql_i64("SELECT id FROM products WHERE sku = 'TEA-MUG'");
    let store = app.sql_i64("SELECT id FROM stores WHERE code = 'SH01'");
    let alice = app.sql_i64("SELECT id FROM users WHERE username = 'alice'");
    for status in [
        OrderStatus::PendingPayment,
        OrderStatus::Confirmed,
        OrderStatus::Ready,
    ] {
        create_order(
            &app,
            &OrderSpec {
                user_id: alice,
                store_id: store,
                pay_method: PayMethod::Online,
                status,
                lines: &[(mug, 2)],
            },
        );
    }

    for (width, height, tag) in [(1280, 900, "1280"), (390, 844, "phone")] {
        let browser = Browser::start(width, height).await;
        browser
            .log_in(&app.address, "admin", "admin-demo-pass")
            .await;
        let c = &browser.client;
        browser.screenshot(&format!("admin-dashboard-{tag}")).await;
        assert_fits_the_width(c, &format!("admin dashboard at {width} px")).await;
        c.goto(&format!("{}/admin/stock", app.address))
            .await
            .expect("stock");
        browser.screenshot(&format!("admin-stock-{tag}")).await;
        assert_fits_the_width(c, &format!("admin stock at {width} px")).await;
        c.goto(&format!("{}/admin/stock/{mug}", app.address))
            .await
            .expect("ledger");
        let reason = format!("delivery from the potter ({tag})");
        fill(c, "input[name=delta]", "+6").await;
        fill(c, "input[name=reason]", &reason).await;
        c.find(Locator::Css("form.adjust-form button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let flash = c
            .wait()
            .for_element(Locator::Css(".flash-ok"))
            .await
            .expect("a confirmation")
            .text()
            .await
            .expect("text");
        assert!(flash.contains("Stock adjusted by +6"), "{flash}");
        let newest = c
            .find(Locator::Css("table.ledger tbody tr"))
            .await
            .expect("a ledger row")
            .text()
            .await
            .expect("text");
        assert!(
            newest.contains("+6") && newest.contains(&reason) && newest.contains("admin"),
            "{newest}"
        );
        browser.screenshot(&format!("admin-ledger-{tag}")).await;
        assert_fits_the_width(c, &format!("admin ledger at {width} px")).await;

        // Taking away more than there is: refused on the page, nothing changes.
        let before = app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}"));
        fill(c, "input[name=delta]", "-999").await;
        fill(c, "input[name=reason]", "oops").await;
        c.find(Locator::Css("form.adjust-form button[type=submit]"))
            .await
            .expect("button")
            .click()
            .await
            .expect("click");
        let err = c
            .wait()
            .for_element(Locator::Css("[data-error=delta]"))
            .await
            .expect("a message at the field")
            .text()
            .await
            .expect("text");
        assert!(err.contains("below zero"), "{err}");
        assert_eq!(
            app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
            before
        );
        browser
            .screenshot(&format!("admin-ledger-refused-{tag}"))
            .await;
        assert_fits_the_width(c, &format!("admin ledger-refused at {width} px")).await;

        c.goto(&format!("{}/admin/orders", app.address))
            .await
            .expect("orders");
        browser.screenshot(&format!("admin-orders-{tag}")).await;
        assert_fits_the_width(c, &format!("admin orders at {width} px")).await;
        let first = c
            .find(Locator::Css("tr[data-order-no] a"))
            .await
            .expect("an order");
        first.click().await.expect("open order");
        c.wait()
            .for_element(Locator::Css("ol.timeline"))
            .await
            .expect("timeline");
        browser.screenshot(&format!("admin-order-{tag}")).await;
        assert_fits_the_width(c, &format!("admin order at {width} px")).await;
        browser.close().await;
    }
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE product_id = {mug} AND reason = 'adjustment'"
        )),
        2
    );
    super::invariants::assert_invariants(&app);
}
