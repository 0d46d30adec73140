//! Many buyers at the same moment, through HTTP: tasks released together by a barrier, then the
//! counts and the invariants checked in SQL.

use std::sync::Arc;

use reqwest::StatusCode;
use shopcounter::domain::Role;
use tokio::sync::Barrier;

use super::super::helpers::{spawn_app, Client, Page, TestApp};
use super::super::invariants::assert_invariants;
use super::{order_no_from, shop};

/// `n` logged-in customers. Their accounts are made on blocking threads (password hashing must
/// not stall the runtime that drives the HTTP clients), then they log in concurrently.
async fn customers(app: &Arc<TestApp>, prefix: &str, n: usize) -> Vec<Client> {
    // A few at a time: each holds one of the app's pooled connections while it hashes.
    let hashing = Arc::new(tokio::sync::Semaphore::new(4));
    let mut made = Vec::new();
    for i in 0..n {
        let app = Arc::clone(app);
        let name = format!("{prefix}{i:03}");
        let permit = Arc::clone(&hashing)
            .acquire_owned()
            .await
            .expect("semaphore");
        made.push(tokio::task::spawn_blocking(move || {
            app.account(&name, &format!("{name}-password"), Role::Customer, None);
            drop(permit);
            name
        }));
    }
    let mut logins = Vec::new();
    for m in made {
        let name = m.await.expect("account task");
        let client = app.client();
        logins.push(tokio::spawn(async move {
            let res = client.login(&name, &format!("{name}-password")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "login of {name}");
            client
        }));
    }
    let mut clients = Vec::new();
    for l in logins {
        clients.push(l.await.expect("login task"));
    }
    clients
}

/// Every buyer submits their (already loaded) checkout form at the same moment.
async fn checkout_all_at_once(buyers: Vec<Client>, store: i64) -> Vec<Page> {
    let barrier = Arc::new(Barrier::new(buyers.len()));
    let mut tasks = Vec::new();
    for buyer in buyers {
        let (token, total) = buyer.checkout_form().await;
        let barrier = Arc::clone(&barrier);
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            buyer.submit_checkout(&token, &total, store, "online").await
        }));
    }
    let mut pages = Vec::new();
    for t in tasks {
        pages.push(t.await.expect("buyer task"));
    }
    pages
}

fn outcome_of(page: &Page) -> Option<String> {
    page.attr_of("[data-outcome]", "data-outcome")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn hundred_buyers_ten_units_sell_exactly_ten() {
    let app = Arc::new(spawn_app().await);
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let buyers = customers(&app, "buyer", 100).await;
    for b in &buyers {
        b.add_to_cart(mug, "1").await;
    }
    let pages = checkout_all_at_once(buyers, store).await;

    let created = pages
        .iter()
        .filter(|p| p.status == StatusCode::SEE_OTHER)
        .count();
    let sold_out: Vec<&Page> = pages
        .iter()
        .filter(|p| {
            p.status == StatusCode::CONFLICT && outcome_of(p).as_deref() == Some("sold_out")
        })
        .collect();
    let server_errors = pages.iter().filter(|p| p.status.is_server_error()).count();
    assert_eq!(server_errors, 0, "no 5xx");
    assert_eq!(created, 10, "exactly ten orders");
    assert_eq!(sold_out.len(), 90, "the other 90 are told it is sold out");
    assert!(sold_out[0].contains("Tea Mug is sold out"));
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 10);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        0
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT sales FROM products WHERE id = {mug}")),
        10
    );
    // The 90 still have their cart line; the 10 do not.
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM cart_items"), 90);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM submit_tokens"), 10);
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn buyers_of_three_against_ten_units_make_at_most_three_orders() {
    let app = Arc::new(spawn_app().await);
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let buyers = customers(&app, "triple", 30).await;
    for b in &buyers {
        b.add_to_cart(mug, "3").await;
    }
    let pages = checkout_all_at_once(buyers, store).await;
    let created = pages
        .iter()
        .filter(|p| p.status == StatusCode::SEE_OTHER)
        .count();
    assert_eq!(
        pages.iter().filter(|p| p.status.is_server_error()).count(),
        0
    );
    assert_eq!(created, 3);
    let refused: Vec<&Page> = pages
        .iter()
        .filter(|p| p.status == StatusCode::CONFLICT)
        .collect();
    assert_eq!(refused.len(), 27);
    assert!(
        refused.iter().all(|p| p.contains("only 1 left of Tea Mug")),
        "everyone else is told exactly what is left"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 3);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        1
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn opposite_carts_checked_out_together_never_deadlock_for_a_user() {
    let app = Arc::new(spawn_app().await);
    let store = shop(&app);
    let a = app.product("A", "Product A", 300, 1000);
    let b = app.product("B", "Product B", 500, 1000);
    let ab = customers(&app, "ab", 50).await;
    let ba = customers(&app, "ba", 50).await;
    for c in &ab {
        c.add_to_cart(a, "1").await;
        c.add_to_cart(b, "1").await;
    }
    for c in &ba {
        c.add_to_cart(b, "1").await;
        c.add_to_cart(a, "1").await;
    }
    let all: Vec<Client> = ab.into_iter().chain(ba).collect();
    let pages = checkout_all_at_once(all, store).await;
    for p in &pages {
        assert_eq!(
            p.status,
            StatusCode::SEE_OTHER,
            "{:?}: {}",
            outcome_of(p),
            p.body
        );
    }
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 100);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {a}")),
        900
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {b}")),
        900
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_checkout_form_submitted_twenty_times_makes_one_order() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 100);
    let alice = Arc::new(app.customer("alice").await);
    alice.add_to_cart(mug, "2").await;
    let (token, total) = alice.checkout_form().await;
    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (alice, barrier, token, total) = (
            Arc::clone(&alice),
            Arc::clone(&barrier),
            token.clone(),
            total.clone(),
        );
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            alice.submit_checkout(&token, &total, store, "online").await
        }));
    }
    let mut targets = std::collections::HashSet::new();
    for t in tasks {
        let page = t.await.unwrap();
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        targets.insert(order_no_from(&page));
    }
    assert_eq!(targets.len(), 1, "every response points to the same order");
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        98
    );
    // A later resubmission (back button) says it was already done.
    let again = alice.submit_checkout(&token, &total, store, "online").await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    let page = alice.get(again.location.as_deref().unwrap()).await;
    assert!(page.contains("already placed"), "{}", page.body);
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_pay_form_submitted_twenty_times_pays_once() {
    let app = spawn_app().await;
    let store = shop(&app);
    let mug = app.product("MUG", "Tea Mug", 1250, 100);
    let alice = Arc::new(app.customer("alice").await);
    alice.add_to_cart(mug, "1").await;
    let order_no = alice.order_now(store, "online").await;
    let token = alice.pay_token(&order_no).await;
    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (alice, barrier, token, order_no) = (
            Arc::clone(&alice),
            Arc::clone(&barrier),
            token.clone(),
            order_no.clone(),
        );
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            alice.pay_with(&order_no, &token).await
        }));
    }
    for t in tasks {
        let page = t.await.unwrap();
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        assert_eq!(
            page.location.as_deref(),
            Some(format!("/orders/{order_no}").as_str())
        );
    }
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    assert_eq!(
        app.sql_i64(
            "SELECT COUNT(*) FROM orders WHERE status = 'confirmed' AND paid_at IS NOT NULL"
        ),
        1
    );
    let page = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("confirmed")
    );
    assert_invariants(&app);
}
