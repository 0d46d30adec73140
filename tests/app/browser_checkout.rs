//! A customer in real Chromium: adds two products, checks out, pays, sees the confirmed order.
//! Screenshots of each page (desktop and phone width) land in target/screenshots/.

use fantoccini::Locator;

use super::browser::{assert_fits_the_width, Browser};
use super::helpers::spawn_app;
use super::invariants::assert_invariants;

async fn click(b: &Browser, css: &str) {
    b.client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"))
        .click()
        .await
        .expect("click");
}

async fn add_product(b: &Browser, base: &str, name: &str) {
    b.client.goto(&format!("{base}/")).await.expect("catalog");
    let xpath = format!("//li[h2[text()='{name}']]//form[contains(@class,'add-to-cart')]//button");
    b.client
        .find(Locator::XPath(&xpath))
        .await
        .expect("add-to-cart button")
        .click()
        .await
        .expect("click");
    // The customer stays on the catalog: a message with a link to the cart, and the nav's count.
    let flash = b
        .client
        .wait()
        .for_element(Locator::Css("[data-flash]"))
        .await
        .expect("the added message")
        .text()
        .await
        .unwrap();
    assert!(
        flash.starts_with(&format!("Added 1 × {name} · View cart (")),
        "{flash}"
    );
    assert_eq!(b.client.current_url().await.unwrap().path(), "/");
    b.client
        .find(Locator::Css("nav [data-cart-count]"))
        .await
        .expect("the cart count in the nav");
}

async fn buy_two_products_and_pay(width: u32, height: u32, tag: &str) {
    let app = spawn_app().await;
    shopcounter::shop::seed::seed_demo(&mut app.conn()).expect("seed");
    let base = app.address.clone();
    let b = Browser::start(width, height).await;
    b.log_in(&base, "alice", "alice-demo-pass").await;
    b.screenshot(&format!("checkout-{tag}-1-catalog")).await;
    assert_fits_the_width(&b.client, &format!("1-catalog at {width} px")).await;

    add_product(&b, &base, "Tea Mug").await;
    add_product(&b, &base, "Green Tea 100 g").await;
    b.screenshot(&format!("checkout-{tag}-1b-added")).await;
    assert_fits_the_width(&b.client, &format!("1b-added at {width} px")).await;
    let count = b
        .client
        .find(Locator::Css("nav [data-cart-count]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(count, "2", "two units in the cart");
    click(&b, "[data-flash] a[href='/cart']").await;
    b.client
        .wait()
        .for_element(Locator::Css(".cart-lines"))
        .await
        .expect("the cart page");
    let lines = b.client.find_all(Locator::Css(".cart-line")).await.unwrap();
    assert_eq!(lines.len(), 2, "two lines in the cart");
    b.screenshot(&format!("checkout-{tag}-2-cart")).await;
    assert_fits_the_width(&b.client, &format!("2-cart at {width} px")).await;

    click(&b, "a[href='/checkout']").await;
    b.client
        .wait()
        .for_element(Locator::Css("form.checkout-form"))
        .await
        .expect("checkout page");
    b.screenshot(&format!("checkout-{tag}-3-confirm")).await;
    assert_fits_the_width(&b.client, &format!("3-confirm at {width} px")).await;
    b.client
        .find(Locator::XPath("//label[.//strong[text()='North Store']]"))
        .await
        .expect("the store choice")
        .click()
        .await
        .expect("choose the store");
    click(&b, "form.checkout-form button[type=submit]").await;

    b.client
        .wait()
        .for_element(Locator::Css("[data-order-status='pending_payment']"))
        .await
        .expect("the new order, awaiting payment");
    b.screenshot(&format!("checkout-{tag}-4-pay")).await;
    assert_fits_the_width(&b.client, &format!("4-pay at {width} px")).await;
    click(&b, "form[action$='/pay'] button[type=submit]").await;

    let status = b
        .client
        .wait()
        .for_element(Locator::Css("[data-order-status='confirmed']"))
        .await
        .expect("the order is confirmed");
    let label = b
        .client
        .find(Locator::Css("[data-status-label]"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(label.contains("Confirmed"), "{label}");
    drop(status);
    let body = b.client.source().await.unwrap();
    assert!(body.contains("Tea Mug") && body.contains("Green Tea 100 g"));
    assert!(body.contains("Paid. Thank you"));
    b.screenshot(&format!("checkout-{tag}-5-confirmed")).await;
    assert_fits_the_width(&b.client, &format!("5-confirmed at {width} px")).await;
    b.client.goto(&format!("{base}/orders")).await.unwrap();
    b.screenshot(&format!("checkout-{tag}-6-orders")).await;
    assert_fits_the_width(&b.client, &format!("6-orders at {width} px")).await;
    b.close().await;

    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE status = 'confirmed'"),
        1
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_adds_two_products_checks_out_pays_and_sees_the_confirmed_order() {
    buy_two_products_and_pay(1280, 900, "1280").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_same_purchase_works_at_phone_width() {
    buy_two_products_and_pay(390, 844, "phone").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sold_out_checkout_says_how_many_are_left() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Tea Mug", 1250, 5);
    app.account(
        "alice",
        "alice-password",
        shopcounter::domain::Role::Customer,
        None,
    );
    let b = Browser::start(390, 844).await;
    b.log_in(&app.address, "alice", "alice-password").await;
    add_product(&b, &app.address, "Tea Mug").await;
    b.client
        .goto(&format!("{}/checkout", app.address))
        .await
        .unwrap();
    // Someone else buys 3 of the 5 while this page is open; then ask for 4.
    app.sql(&format!(
        "UPDATE cart_items SET quantity = 4 WHERE product_id = {mug}"
    ));
    app.sql(&format!(
        "UPDATE products SET stock = 3 WHERE id = {mug}; \
         INSERT INTO stock_movements (product_id, delta, reason, note, stock_after) \
         VALUES ({mug}, -2, 'adjustment', 'test', 3)"
    ));
    let _ = store;
    click(&b, "form.checkout-form button[type=submit]").await;
    let message = b
        .client
        .wait()
        .for_element(Locator::Css("[data-outcome='sold_out']"))
        .await
        .expect("the sold-out message")
        .text()
        .await
        .unwrap();
    assert!(message.contains("only 3 left of Tea Mug"), "{message}");
    assert_fits_the_width(&b.client, "the sold-out message at 390 px").await;
    b.screenshot("checkout-phone-sold-out").await;
    b.close().await;
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 0);
    assert_invariants(&app);
}
