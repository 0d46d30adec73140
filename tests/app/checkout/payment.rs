//! Pay, the provider callback, cancel, expiry, and the checkout outcomes a customer can meet.

use std::sync::Arc;

use reqwest::StatusCode;
use shopcounter::shop::payment::sign_notification;
use shopcounter::shop::sweeper::sweep_once;
use tokio::sync::Barrier;

use super::super::helpers::{spawn_app, Client, TestApp};
use super::super::invariants::assert_invariants;
use super::shop;

fn total_of(app: &TestApp, order_no: &str) -> i64 {
    app.sql_i64(&format!(
        "SELECT total_cents FROM orders WHERE order_no = '{order_no}'"
    ))
}

/// The provider's callback, signed with `secret`.
async fn notify(
    app: &TestApp,
    order_no: &str,
    amount: &str,
    reference: &str,
    secret: &str,
) -> (StatusCode, String) {
    let signature = sign_notification(secret, order_no, amount, reference);
    let res = reqwest::Client::new()
        .post(format!("{}/payments/notify", app.address))
        .form(&[
            ("order_no", order_no),
            ("amount_cents", amount),
            ("provider_ref", reference),
            ("signature", signature.as_str()),
        ])
        .send()
        .await
        .expect("notify");
    let status = res.status();
    (status, res.text().await.unwrap_or_default())
}

async fn pending_order(who: &Client, product: i64, store: i64) -> String {
    who.add_to_cart(product, "2").await;
    who.order_now(store, "online").await
}

fn status_of(app: &TestApp, order_no: &str) -> i64 {
    app.sql_i64(&format!(
        "SELECT CASE status WHEN 'pending_payment' THEN 0 WHEN 'confirmed' THEN 1 WHEN 'cancelled' THEN 2 ELSE 3 END FROM orders WHERE order_no = '{order_no}'"
    ))
}

#[tokio::test]
async fn paying_confirms_the_order_and_a_second_pay_is_told_already_paid() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    let order_no = pending_order(&alice, mug, store).await;
    let token = alice.pay_token(&order_no).await;
    let paid = alice.pay_with(&order_no, &token).await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("confirmed")
    );
    assert!(page.contains("Paid. Thank you"));
    assert!(
        page.input_value("submit_token").is_none(),
        "no pay button any more"
    );
    assert_eq!(app.sql_i64("SELECT amount_cents FROM payments"), 2500);
    // The same form again (back button): replayed, not charged again.
    alice.pay_with(&order_no, &token).await;
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert!(page.contains("already submitted"), "{}", page.body);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    // A forged token is refused before anything happens.
    let forged = alice.pay_with(&order_no, "00.1.2").await;
    assert_eq!(forged.status, StatusCode::CONFLICT);
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn provider_callback_twice_racing_the_customers_pay_records_one_payment() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = Arc::new(app.customer("alice").await);
    let order_no = pending_order(&alice, mug, store).await;
    let amount = total_of(&app, &order_no).to_string();
    let token = alice.pay_token(&order_no).await;
    let secret = app.settings.payment_webhook_secret.clone();
    let app = Arc::new(app);
    let barrier = Arc::new(Barrier::new(3));
    let mut callbacks = Vec::new();
    for _ in 0..2 {
        let (app, barrier, order_no, amount, secret) = (
            Arc::clone(&app),
            Arc::clone(&barrier),
            order_no.clone(),
            amount.clone(),
            secret.clone(),
        );
        callbacks.push(tokio::spawn(async move {
            barrier.wait().await;
            notify(&app, &order_no, &amount, "prov-123", &secret).await
        }));
    }
    let pay = {
        let (alice, barrier, order_no) =
            (Arc::clone(&alice), Arc::clone(&barrier), order_no.clone());
        tokio::spawn(async move {
            barrier.wait().await;
            alice.pay_with(&order_no, &token).await
        })
    };
    for c in callbacks {
        let (status, body) = c.await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body, "ok");
    }
    assert_eq!(pay.await.unwrap().status, StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    assert_eq!(status_of(&app, &order_no), 1);
    // And once more, later: still ok, still one payment.
    let (status, _) = notify(&app, &order_no, &amount, "prov-123", &secret).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    assert_invariants(&app);
}

#[tokio::test]
async fn a_bad_signature_or_amount_is_400_and_changes_nothing() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    let order_no = pending_order(&alice, mug, store).await;
    let amount = total_of(&app, &order_no).to_string();
    let (status, _) = notify(&app, &order_no, &amount, "prov-1", "not-the-secret").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let secret = app.settings.payment_webhook_secret.clone();
    let (status, _) = notify(&app, &order_no, "1", "prov-1", &secret).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "amount does not match");
    // Altered after signing: the signature no longer fits.
    let signature = sign_notification(&secret, &order_no, &amount, "prov-1");
    let res = reqwest::Client::new()
        .post(format!("{}/payments/notify", app.address))
        .form(&[
            ("order_no", order_no.as_str()),
            ("amount_cents", "1"),
            ("provider_ref", "prov-1"),
            ("signature", signature.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    let res = reqwest::Client::new()
        .post(format!("{}/payments/notify", app.address))
        .form(&[("order_no", order_no.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "fields missing");
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);
    assert_eq!(status_of(&app, &order_no), 0);
    // The right callback works.
    let (status, body) = notify(&app, &order_no, &amount, "prov-1", &secret).await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
    assert_eq!(status_of(&app, &order_no), 1);
    assert_invariants(&app);
}

#[tokio::test]
async fn an_unpaid_order_expires_its_stock_comes_back_and_a_late_pay_records_nothing() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    let order_no = pending_order(&alice, mug, store).await;
    let token = alice.pay_token(&order_no).await;
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        8
    );
    app.sql(&format!(
        "UPDATE orders SET expires_at = UTC_TIMESTAMP() - INTERVAL 1 SECOND WHERE order_no = '{order_no}'"
    ));
    // Paying after the window, before the sweeper came: refused, nothing recorded.
    let late = alice.pay_with(&order_no, &token).await;
    assert_eq!(late.status, StatusCode::SEE_OTHER);
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert!(page.contains("Too late"), "{}", page.body);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);

    let report = sweep_once(&mut app.conn(), &app.settings).unwrap();
    assert_eq!(report.orders_expired, 1);
    assert_eq!(status_of(&app, &order_no), 2);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        10
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM stock_movements WHERE reason = 'release' AND delta = 2"),
        1
    );
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("cancelled")
    );
    assert!(page.contains("This order expired"));
    // The same token after expiry: still nothing.
    alice.pay_with(&order_no, &token).await;
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);
    let (status, _) = notify(
        &app,
        &order_no,
        &total_of(&app, &order_no).to_string(),
        "prov-late",
        &app.settings.payment_webhook_secret,
    )
    .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a late callback does not revive it"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);
    // A second sweep finds nothing to do.
    assert_eq!(
        sweep_once(&mut app.conn(), &app.settings)
            .unwrap()
            .orders_expired,
        0
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pay_racing_expiry_exactly_one_wins() {
    let app = Arc::new(spawn_app().await);
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 100);
    let mut paid = 0;
    let mut expired = 0;
    for i in 0..6 {
        let alice = app.customer(&format!("racer{i}")).await;
        let order_no = pending_order(&alice, mug, store).await;
        let token = alice.pay_token(&order_no).await;
        app.sql(&format!(
            "UPDATE orders SET expires_at = UTC_TIMESTAMP() + INTERVAL 1 SECOND WHERE order_no = '{order_no}'"
        ));
        tokio::time::sleep(std::time::Duration::from_millis(950)).await;
        let sweeper = {
            let app = Arc::clone(&app);
            tokio::task::spawn_blocking(move || {
                for _ in 0..40 {
                    sweep_once(&mut app.conn(), &app.settings).unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(5));
                }
            })
        };
        alice.pay_with(&order_no, &token).await;
        sweeper.await.unwrap();
        match status_of(&app, &order_no) {
            1 => paid += 1,
            2 => expired += 1,
            s => panic!("order left in state {s}"),
        }
    }
    assert_eq!(paid + expired, 6);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), paid);
    assert_invariants(&app);
}

#[tokio::test]
async fn customer_cancels_an_unpaid_order_and_the_stock_comes_back() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    let order_no = pending_order(&alice, mug, store).await;
    let res = alice.post(&format!("/orders/{order_no}/cancel"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(status_of(&app, &order_no), 2);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        10
    );
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert!(page.contains("You cancelled this order"));
    // A paid order cannot be cancelled by the customer.
    let second = pending_order(&alice, mug, store).await;
    alice.pay(&second).await;
    alice.post(&format!("/orders/{second}/cancel"), &[]).await;
    assert_eq!(status_of(&app, &second), 1);
    let page = alice.get(&format!("/orders/{second}")).await;
    assert!(page.contains("can no longer be cancelled"), "{}", page.body);
    assert_invariants(&app);
}

#[tokio::test]
async fn checkout_outcomes_each_have_their_own_message() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 3);
    let tea = app.product("TEA", "Green Tea", 800, 50);
    let alice = app.customer("alice").await;

    // More than the stock: exact count, nothing bought.
    alice.add_to_cart(mug, "5").await;
    alice.add_to_cart(tea, "1").await;
    let page = alice.checkout(store, "online").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("only 3 left of Tea Mug"), "{}", page.body);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 0);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM cart_items"),
        2,
        "cart intact"
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM submit_tokens"),
        0,
        "token still fresh"
    );

    // Prices changed between the confirm page and the POST.
    alice
        .post(
            &format!("/cart/items/{mug}"),
            &[("quantity", "1"), ("selected", "1")],
        )
        .await;
    let (token, total) = alice.checkout_form().await;
    app.sql(&format!(
        "UPDATE products SET price_cents = 1300 WHERE id = {tea}"
    ));
    let page = alice.submit_checkout(&token, &total, store, "online").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(
        page.attr_of("[data-outcome]", "data-outcome").as_deref(),
        Some("prices_changed")
    );
    assert!(page.contains("¥25.50"), "the new total is shown");
    // Same token, new total: goes through. (A second tab's form is kept for later.)
    let (other_tab, other_total) = alice.checkout_form().await;
    let new_total = page.input_value("seen_total_cents").unwrap();
    assert_eq!(new_total, "2550");
    let page = alice
        .submit_checkout(&token, &new_total, store, "online")
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);

    // Empty selection (the other tab's form), unknown store, bad pay method, overlong note.
    let empty = alice.get("/checkout").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.contains("Nothing is selected"));
    let page = alice
        .submit_checkout(&other_tab, &other_total, store, "online")
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        page.attr_of("[data-outcome]", "data-outcome").as_deref(),
        Some("empty_selection")
    );
    alice.add_to_cart(tea, "1").await;
    let page = alice.checkout(999, "online").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        page.attr_of("[data-field-error]", "data-field-error")
            .as_deref(),
        Some("store_id")
    );
    let page = alice.checkout(store, "bitcoin").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        page.attr_of("[data-field-error]", "data-field-error")
            .as_deref(),
        Some("pay_method")
    );
    let (token, total) = alice.checkout_form().await;
    let long = "x".repeat(501);
    let page = alice
        .post(
            "/checkout",
            &[
                ("store_id", &store.to_string()),
                ("pay_method", "online"),
                ("note", &long),
                ("seen_total_cents", &total),
                ("submit_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        page.attr_of("[data-field-error]", "data-field-error")
            .as_deref(),
        Some("note")
    );
    // A product taken off sale.
    app.sql(&format!(
        "UPDATE products SET active = FALSE WHERE id = {tea}"
    ));
    let page = alice.checkout(store, "online").await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.contains("Green Tea is no longer sold"));
    // A forged token: 409, nothing.
    let page = alice
        .submit_checkout("forged", &total, store, "online")
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1);
    assert_invariants(&app);
}

#[tokio::test]
async fn at_counter_orders_are_confirmed_at_once_and_notes_show_as_text() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    alice.add_to_cart(mug, "1").await;
    let (token, total) = alice.checkout_form().await;
    let page = alice
        .post(
            "/checkout",
            &[
                ("store_id", &store.to_string()),
                ("pay_method", "at_counter"),
                ("note", "<script>alert(1)</script>"),
                ("seen_total_cents", &total),
                ("submit_token", &token),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    let order_no = super::order_no_from(&page);
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("confirmed")
    );
    assert!(page.contains("alert(1)"), "the note is shown");
    assert!(!page.contains("<script>alert(1)"), "as text");
    assert!(
        page.input_value("submit_token").is_none(),
        "nothing to pay online"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE expires_at IS NULL"),
        1
    );
    assert_invariants(&app);
}
