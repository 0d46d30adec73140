//! Admin stock: the ledger, adjustments (guarded, with a reason), and adjustments racing orders.

use std::sync::{Arc, Barrier};

use reqwest::StatusCode;

use shopcounter::db::in_transaction;
use shopcounter::domain::{OrderStatus, PayMethod, Role};
use shopcounter::error::AppError;
use shopcounter::shop::stock::{adjust_stock, Adjusted};

use super::fixtures::{create_order, OrderSpec};
use super::helpers::spawn_app;
use super::invariants::assert_invariants;

fn movements(app: &super::helpers::TestApp, product_id: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT COUNT(*) FROM stock_movements WHERE product_id = {product_id}"
    ))
}

fn stock(app: &super::helpers::TestApp, product_id: i64) -> i64 {
    app.sql_i64(&format!(
        "SELECT stock FROM products WHERE id = {product_id}"
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn adjustments_racing_orders_keep_stock_equal_to_the_ledger() {
    let app = Arc::new(spawn_app().await);
    let store = app.store("SH01", "North Store");
    let product = app.product("MUG", "Tea Mug", 4_500, 200);
    let admin = app.account("boss", "boss-password", Role::Admin, None);
    let buyers: Vec<i64> = (0..8)
        .map(|i| app.account(&format!("buyer{i}"), "buyer-password", Role::Customer, None))
        .collect();
    let barrier = Arc::new(Barrier::new(buyers.len() + 4));
    let mut threads = Vec::new();
    for (i, buyer) in buyers.into_iter().enumerate() {
        let (app, barrier) = (Arc::clone(&app), Arc::clone(&barrier));
        threads.push(std::thread::spawn(move || {
            barrier.wait();
            for n in 0..10 {
                let status = if (i + n) % 2 == 0 {
                    OrderStatus::PendingPayment
                } else {
                    OrderStatus::Confirmed
                };
                create_order(
                    &app,
                    &OrderSpec {
                        user_id: buyer,
                        store_id: store,
                        pay_method: PayMethod::Online,
                        status,
                        lines: &[(product, 1)],
                    },
                );
            }
        }));
    }
    let mut adjusters = Vec::new();
    for _ in 0..4 {
        let (app, barrier) = (Arc::clone(&app), Arc::clone(&barrier));
        adjusters.push(std::thread::spawn(move || {
            let mut conn = app.conn();
            barrier.wait();
            let mut done = 0;
            for n in 0..10 {
                let delta = if n % 2 == 0 { -3 } else { 2 };
                let r = in_transaction(&mut conn, |c| {
                    adjust_stock(c, product, delta, admin, "recount during the rush")
                })
                .expect("adjust");
                if let Adjusted::Done { stock_after } = r {
                    assert!(stock_after >= 0);
                    done += 1;
                }
            }
            done
        }));
    }
    for t in threads {
        t.join().expect("buyer thread");
    }
    let applied: i32 = adjusters
        .into_iter()
        .map(|t| t.join().expect("adjuster"))
        .sum();
    assert_eq!(applied, 40, "with enough stock every adjustment applies");
    // 200 - 80 sold + 4 adjusters × 5 × (-3 + 2)
    assert_eq!(stock(&app, product), 100);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE product_id = {product} AND reason = 'adjustment'"
        )),
        40
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT sales FROM products WHERE id = {product}")),
        80
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_take_aways_at_the_bottom_never_go_below_zero() {
    let app = spawn_app().await;
    let product = app.product("TEA", "Green Tea", 6_800, 10);
    let admin = app.admin("boss").await;
    admin.get(&format!("/admin/stock/{product}")).await;
    let admin = Arc::new(admin);
    let barrier = Arc::new(tokio::sync::Barrier::new(20));
    let mut tasks = Vec::new();
    for i in 0..20 {
        let (admin, barrier) = (Arc::clone(&admin), Arc::clone(&barrier));
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            let reason = format!("broken jar {i}");
            admin
                .post(
                    &format!("/admin/stock/{product}/adjust"),
                    &[("delta", "-1"), ("reason", reason.as_str())],
                )
                .await
                .status
        }));
    }
    let mut ok = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.expect("task") {
            StatusCode::SEE_OTHER => ok += 1,
            StatusCode::CONFLICT => refused += 1,
            other => panic!("unexpected answer {other}"),
        }
    }
    assert_eq!((ok, refused), (10, 10));
    assert_eq!(stock(&app, product), 0);
    assert_eq!(
        movements(&app, product),
        11,
        "the restock and ten adjustments"
    );
    assert_invariants(&app);
}

#[tokio::test]
async fn adjusting_below_zero_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let product = app.product("POT", "Glass Teapot", 12_900, 3);
    let admin = app.admin("boss").await;
    let page = admin
        .post(
            &format!("/admin/stock/{product}/adjust"),
            &[("delta", "-5"), ("reason", "stocktake")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    let msg = page
        .text_of("[data-error=delta]")
        .expect("message at the field");
    assert!(msg.contains("Only 3 in stock"), "{msg}");
    assert_eq!(
        page.input_value("delta").as_deref(),
        Some("-5"),
        "the form keeps what was typed"
    );
    assert_eq!(stock(&app, product), 3);
    assert_eq!(movements(&app, product), 1);
    // The shop layer says the same without HTTP.
    let mut conn = app.conn();
    let admin_id = app.sql_i64("SELECT id FROM users WHERE username = 'boss'");
    let r =
        in_transaction(&mut conn, |c| adjust_stock(c, product, -4, admin_id, "x")).expect("adjust");
    assert_eq!(r, Adjusted::WouldGoNegative { stock: 3 });
    let missing = in_transaction(&mut conn, |c| adjust_stock(c, 999_999, 1, admin_id, "x"));
    assert!(matches!(missing, Err(AppError::NotFound)));
    assert_eq!(stock(&app, product), 3);
    assert_eq!(movements(&app, product), 1);
}

#[tokio::test]
async fn adjusting_without_a_reason_or_with_a_bad_delta_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let product = app.product("POT", "Glass Teapot", 12_900, 8);
    let admin = app.admin("boss").await;
    let path = format!("/admin/stock/{product}/adjust");
    let no_reason = admin
        .post(&path, &[("delta", "4"), ("reason", "   ")])
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert!(no_reason.text_of("[data-error=reason]").is_some());
    let missing_field = admin.post(&path, &[("delta", "4")]).await;
    assert_eq!(missing_field.status, StatusCode::BAD_REQUEST);
    for bad in ["abc", "0", "1.5", "9223372036854775808", ""] {
        let page = admin
            .post(&path, &[("delta", bad), ("reason", "typo test")])
            .await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "delta {bad:?}");
        assert!(
            page.text_of("[data-error=delta]").is_some(),
            "delta {bad:?}"
        );
    }
    let unknown = admin
        .post(
            "/admin/stock/999999/adjust",
            &[("delta", "1"), ("reason", "x")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(stock(&app, product), 8);
    assert_eq!(movements(&app, product), 1);
}

#[tokio::test]
async fn an_adjustment_shows_in_the_ledger_with_reason_actor_and_stock_after() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let product = app.product("HONEY", "Wildflower Honey", 5_900, 30);
    let buyer = app.account("carol", "carol-password", Role::Customer, None);
    let order = create_order(
        &app,
        &OrderSpec {
            user_id: buyer,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::Confirmed,
            lines: &[(product, 2)],
        },
    );
    let admin = app.admin("boss").await;
    let res = admin
        .post(
            &format!("/admin/stock/{product}/adjust"),
            &[("delta", "+12"), ("reason", "delivery <b>received</b>")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        res.location.as_deref(),
        Some(format!("/admin/stock/{product}").as_str())
    );
    assert_eq!(stock(&app, product), 40);
    let page = admin.get(&format!("/admin/stock/{product}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.contains("Stock adjusted by +12"),
        "the flash says what happened"
    );
    let newest = page.text_of("table.ledger tbody tr").expect("a ledger row");
    assert!(newest.contains("+12"), "{newest}");
    assert!(newest.contains("Adjustment"), "{newest}");
    assert!(newest.contains("boss"), "{newest}");
    assert!(
        newest.contains("delivery <b>received</b>"),
        "shown as text: {newest}"
    );
    assert!(newest.ends_with("40"), "stock after: {newest}");
    assert!(
        !page.body.contains("<b>received</b>"),
        "escaped in the HTML"
    );
    let rows: Vec<String> = page
        .html()
        .select(&scraper::Selector::parse("table.ledger tbody tr").unwrap())
        .map(|r| r.value().attr("data-reason").unwrap_or("").to_string())
        .collect();
    assert_eq!(rows, ["adjustment", "sale", "restock"], "newest first");
    assert!(
        page.contains(&format!("/admin/orders/{}", order.order_no)),
        "the sale links to its order"
    );
    assert_invariants(&app);
}

#[tokio::test]
async fn the_ledger_pages_newest_first() {
    let app = spawn_app().await;
    let product = app.product("TOTE", "Tote", 3_500, 1);
    let admin_id = app.account("boss", "boss-password", Role::Admin, None);
    let mut conn = app.conn();
    for n in 0..59 {
        in_transaction(&mut conn, |c| {
            adjust_stock(c, product, 1, admin_id, &format!("unit {n}"))
        })
        .expect("adjust");
    }
    let admin = app.client();
    admin.login("boss", "boss-password").await;
    let sel = scraper::Selector::parse("table.ledger tbody tr td.note").unwrap();
    let mut seen = Vec::new();
    let mut path = format!("/admin/stock/{product}");
    loop {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let notes: Vec<String> = page
            .html()
            .select(&sel)
            .map(|e| e.text().collect::<String>())
            .collect();
        assert!(notes.len() <= 25);
        seen.extend(notes);
        match page.attr_of("a[rel=next]", "href") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(seen.len(), 60);
    assert_eq!(seen[0], "unit 58");
    assert_eq!(seen[58], "unit 0");
    assert_eq!(seen[59], "initial stock");
}

#[tokio::test]
async fn the_stock_table_shows_held_units_and_low_stock_and_sorts() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 40);
    let kettle = app.product("KETTLE", "Kettle", 25_900, 4);
    let buyer = app.account("carol", "carol-password", Role::Customer, None);
    create_order(
        &app,
        &OrderSpec {
            user_id: buyer,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::PendingPayment,
            lines: &[(mug, 3)],
        },
    );
    create_order(
        &app,
        &OrderSpec {
            user_id: buyer,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::Confirmed,
            lines: &[(mug, 1)],
        },
    );
    let admin = app.admin("boss").await;
    let page = admin.get("/admin/stock").await;
    assert_eq!(page.status, StatusCode::OK);
    let mug_row = page
        .text_of(&format!("tr[data-product-id='{mug}']"))
        .unwrap();
    assert_eq!(
        page.text_of(&format!("tr[data-product-id='{mug}'] [data-held]"))
            .as_deref(),
        Some("3"),
        "{mug_row}"
    );
    assert_eq!(
        page.text_of(&format!("tr[data-product-id='{mug}'] [data-stock]"))
            .as_deref(),
        Some("36")
    );
    assert!(page
        .text_of(&format!("tr[data-product-id='{kettle}'] [data-low-stock]"))
        .is_some());
    assert!(page
        .text_of(&format!("tr[data-product-id='{mug}'] [data-low-stock]"))
        .is_none());
    let order = |p: &super::helpers::Page| -> Vec<String> {
        p.html()
            .select(&scraper::Selector::parse("tbody tr").unwrap())
            .map(|r| r.value().attr("data-product-id").unwrap().to_string())
            .collect()
    };
    let by_stock = admin.get("/admin/stock?sort=stock&dir=asc").await;
    assert_eq!(order(&by_stock), [kettle.to_string(), mug.to_string()]);
    let by_stock_desc = admin.get("/admin/stock?sort=stock&dir=desc").await;
    assert_eq!(order(&by_stock_desc), [mug.to_string(), kettle.to_string()]);
    // An unknown sort key is refused naming the parameter, never silently ignored.
    let bad = admin.get("/admin/stock?sort=evil%20sql").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.contains("`sort`"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn adjustments_racing_real_checkouts_never_go_negative_and_match_the_ledger() {
    let app = Arc::new(spawn_app().await);
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Tea Mug", 4_500, 30);
    // Accounts on a blocking thread (hashing must not stall the runtime driving the clients),
    // then the logins one after another.
    let names: Vec<String> = (0..40).map(|i| format!("buyer{i:02}")).collect();
    let made = {
        let (app, names) = (Arc::clone(&app), names.clone());
        tokio::task::spawn_blocking(move || {
            for name in &names {
                app.account(name, &format!("{name}-password"), Role::Customer, None);
            }
        })
    };
    made.await.expect("accounts");
    let mut buyers = Vec::new();
    for name in &names {
        let client = app.client();
        let res = client.login(name, &format!("{name}-password")).await;
        assert_eq!(res.status, StatusCode::SEE_OTHER, "login of {name}");
        buyers.push(client);
    }
    let admin = Arc::new(app.admin("boss").await);
    admin.get(&format!("/admin/stock/{mug}")).await;
    let barrier = Arc::new(tokio::sync::Barrier::new(buyers.len() + 10));
    let mut checkouts = Vec::new();
    for buyer in buyers {
        buyer.add_to_cart(mug, "1").await;
        let (token, total) = buyer.checkout_form().await;
        let barrier = Arc::clone(&barrier);
        checkouts.push(tokio::spawn(async move {
            barrier.wait().await;
            buyer
                .submit_checkout(&token, &total, store, "online")
                .await
                .status
        }));
    }
    let mut adjustments = Vec::new();
    for i in 0..10 {
        let (admin, barrier) = (Arc::clone(&admin), Arc::clone(&barrier));
        let delta = if i % 5 < 3 { "-2" } else { "+1" };
        adjustments.push(tokio::spawn(async move {
            barrier.wait().await;
            let status = admin
                .post(
                    &format!("/admin/stock/{mug}/adjust"),
                    &[("delta", delta), ("reason", "shelf recount")],
                )
                .await
                .status;
            (delta, status)
        }));
    }
    let mut sold = 0;
    for c in checkouts {
        match c.await.expect("checkout task") {
            StatusCode::SEE_OTHER => sold += 1,
            StatusCode::CONFLICT => {}
            other => panic!("checkout answered {other}"),
        }
    }
    let mut applied = 0i64;
    for a in adjustments {
        let (delta, status) = a.await.expect("adjust task");
        match status {
            StatusCode::SEE_OTHER => applied += delta.parse::<i64>().unwrap(),
            StatusCode::CONFLICT => assert_eq!(delta, "-2", "only a take-away can be refused"),
            other => panic!("adjust answered {other}"),
        }
    }
    let now = stock(&app, mug);
    assert!(now >= 0);
    assert_eq!(now, 30 - sold + applied, "sold {sold}, adjusted {applied}");
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), sold);
    assert_invariants(&app);
}
