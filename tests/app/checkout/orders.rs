//! The order pages: own orders only, status, lines, totals, time left; order numbers.

use reqwest::StatusCode;
use shopcounter::db::in_transaction;
use shopcounter::domain::{OrderNo, OrderStatus, PayMethod, Role};
use shopcounter::shop::checkout::{insert_order, NewOrder};
use shopcounter::shop::customer_orders;

use super::super::fixtures::{create_order, OrderSpec};
use super::super::helpers::{spawn_app, TestApp};
use super::super::invariants::assert_invariants;
use super::shop;

#[tokio::test]
async fn order_page_shows_status_lines_total_and_time_left() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let tea = app.product("TEA", "Green Tea", 800, 10);
    let alice = app.customer("alice").await;
    alice.add_to_cart(mug, "2").await;
    alice.add_to_cart(tea, "1").await;
    let order_no = alice.order_now(store, "online").await;
    assert!(OrderNo::parse(&order_no).is_some(), "18 digits: {order_no}");

    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("pending_payment")
    );
    assert!(page.contains("Tea Mug") && page.contains("Green Tea"));
    assert_eq!(
        page.text_of("[data-order-total]").as_deref(),
        Some("¥33.00")
    );
    let left = page.text_of("[data-time-left]").expect("time left to pay");
    assert!(left.contains("min"), "{left}");
    assert!(page.contains("North Store"));
    // The cart lines that were checked out are gone.
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM cart_items"), 0);

    let list = alice.get("/orders").await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        list.attr_of("[data-order-no]", "data-order-no").as_deref(),
        Some(order_no.as_str())
    );
    assert_invariants(&app);
}

#[tokio::test]
async fn another_customers_order_is_404() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let alice = app.customer("alice").await;
    alice.add_to_cart(mug, "1").await;
    let order_no = alice.order_now(store, "online").await;

    let bob = app.customer("bob").await;
    let page = bob.get(&format!("/orders/{order_no}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.contains("Tea Mug"), "nothing about the order leaks");
    for bad in ["123", "abc", "999999999999999999"] {
        assert_eq!(
            bob.get(&format!("/orders/{bad}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
    let pay = bob
        .post(&format!("/orders/{order_no}/pay"), &[("submit_token", "x")])
        .await;
    assert_eq!(pay.status, StatusCode::NOT_FOUND);
    let cancel = bob.post(&format!("/orders/{order_no}/cancel"), &[]).await;
    assert_eq!(cancel.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE status = 'pending_payment'"),
        1
    );
}

#[tokio::test]
async fn orders_list_is_newest_first_and_paginated() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 100, 100);
    let alice = app.customer("alice").await;
    let alice_id = app.sql_i64("SELECT id FROM users WHERE username = 'alice'");
    let mut made = Vec::new();
    for _ in 0..25 {
        made.push(
            create_order(
                &app,
                &OrderSpec {
                    user_id: alice_id,
                    store_id: store,
                    pay_method: PayMethod::AtCounter,
                    status: OrderStatus::Confirmed,
                    lines: &[(mug, 1)],
                },
            )
            .order_no,
        );
    }
    let first = alice.get("/orders").await;
    let html = first.html();
    let sel = scraper::Selector::parse("[data-order-no]").unwrap();
    let shown: Vec<String> = html
        .select(&sel)
        .map(|e| e.value().attr("data-order-no").unwrap().to_string())
        .collect();
    assert_eq!(shown.len(), 20);
    assert_eq!(shown[0], made[24], "newest first");
    assert!(first.contains("/orders?page=2"));
    let second = alice.get("/orders?page=2").await;
    assert_eq!(second.html().select(&sel).count(), 5);
    assert_eq!(
        alice.get("/orders?page=abc").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_page_of_a_long_order_history_is_read_in_order_not_sorted() {
    let app = spawn_app().await;
    let north = shop(&app);
    let harbour = app.store("SH02", "Harbour Store");
    let alice_id = app.account("alice", "alice-password", Role::Customer, None);
    // 150 orders at two stores, written straight in (what years of visits leave behind).
    app.sql(&format!(
        "INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents, note) \
         SELECT CONCAT('H', LPAD(seq, 9, '0')), {alice_id}, IF(seq % 2 = 0, {north}, {harbour}), \
         'picked_up', 'online', 100, '' FROM seq_1_to_150"
    ));
    let mut conn = app.conn();
    let before = TestApp::sorted_rows(&mut conn);
    let (rows, more) = customer_orders::orders_page(&mut conn, alice_id, 2).expect("page");
    assert_eq!(
        TestApp::sorted_rows(&mut conn) - before,
        0,
        "the history was sorted for one page"
    );
    assert!(more);
    let numbers: Vec<&str> = rows.iter().map(|r| r.order_no.as_str()).collect();
    let expected: Vec<String> = (111..=130).rev().map(|n| format!("H{n:09}")).collect();
    assert_eq!(numbers, expected, "page 2, newest first");
    assert!(rows.iter().all(|r| r.store_name
        == if r.order_no.ends_with(['0', '2', '4', '6', '8']) {
            "North Store"
        } else {
            "Harbour Store"
        }));
}

#[tokio::test]
async fn a_taken_order_number_is_regenerated() {
    let app = spawn_app().await;
    let store = shop(&app);
    let alice = app.account(
        "alice",
        "alice-password",
        shopcounter::domain::Role::Customer,
        None,
    );
    let taken = OrderNo::parse("260101000000123456").unwrap();
    let fresh = OrderNo::parse("260101000000654321").unwrap();
    let new = NewOrder {
        user_id: alice,
        store_id: store,
        status: OrderStatus::Confirmed,
        pay_method: PayMethod::AtCounter,
        total_cents: 0,
        note: "",
        expires_at: None,
    };
    let mut conn = app.conn();
    let (_, first) =
        in_transaction(&mut conn, |c| insert_order(c, &new, &mut || taken.clone())).unwrap();
    assert_eq!(first, taken);
    // Forced collision: the generator offers the taken number first, then a fresh one.
    let mut offers = vec![fresh.clone(), taken.clone()];
    let (_, second) = in_transaction(&mut conn, |c| {
        let mut offers = offers.clone();
        insert_order(c, &new, &mut || offers.pop().unwrap())
    })
    .unwrap();
    offers.clear();
    assert_eq!(second, fresh, "the duplicate was replaced by a new number");
    // A generator that only ever offers taken numbers gives up with an error, writing nothing.
    let stuck = in_transaction(&mut conn, |c| insert_order(c, &new, &mut || taken.clone()));
    assert!(stuck.is_err());
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 2);
}
