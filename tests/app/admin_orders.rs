//! Admin orders: the list (filters, search, keyset pages), the order page, the admin's cancel.

use reqwest::StatusCode;
use scraper::Selector;

use shopcounter::domain::{OrderStatus, PayMethod, Role};

use super::fixtures::{create_order, MadeOrder, OrderSpec};
use super::helpers::{spawn_app, Page, TestApp};
use super::invariants::assert_invariants;

fn order_nos(page: &Page) -> Vec<String> {
    page.html()
        .select(&Selector::parse("tr[data-order-no]").unwrap())
        .map(|r| r.value().attr("data-order-no").unwrap().to_string())
        .collect()
}

fn order(
    app: &TestApp,
    user: i64,
    store: i64,
    status: OrderStatus,
    lines: &[(i64, i32)],
) -> MadeOrder {
    create_order(
        app,
        &OrderSpec {
            user_id: user,
            store_id: store,
            pay_method: if status == OrderStatus::PendingPayment || user % 2 == 0 {
                PayMethod::Online
            } else {
                PayMethod::AtCounter
            },
            status,
            lines,
        },
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[tokio::test]
async fn admin_cancel_of_a_paid_order_releases_stock_and_refunds_once() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 10);
    let tea = app.product("TEA", "Tea", 6_800, 10);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let o = create_order(
        &app,
        &OrderSpec {
            user_id: carol,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::Confirmed,
            lines: &[(mug, 2), (tea, 3)],
        },
    );
    let admin = app.admin("boss").await;
    let page = admin.get(&format!("/admin/orders/{}", o.order_no)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("confirmed")
    );
    assert_eq!(
        page.attr_of("[data-payment-status]", "data-payment-status")
            .as_deref(),
        Some("captured")
    );
    let token = page
        .input_value("submit_token")
        .expect("a submit-once token");
    let path = format!("/admin/orders/{}/cancel", o.order_no);

    let no_reason = admin
        .post(&path, &[("reason", ""), ("submit_token", &token)])
        .await;
    assert_eq!(no_reason.status, StatusCode::BAD_REQUEST);
    assert!(no_reason.text_of("[data-error=reason]").is_some());
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'confirmed'",
            o.id
        )),
        1
    );

    let res = admin
        .post(
            &path,
            &[
                ("reason", "customer phoned: moving away"),
                ("submit_token", &token),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64(&format!("SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'cancelled' AND cancel_reason = 'customer phoned: moving away'", o.id)), 1);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        10
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {tea}")),
        10
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE order_id = {} AND reason = 'release'",
            o.id
        )),
        2
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT COUNT(*) FROM payments WHERE order_id = {} AND status = 'refunded' AND refunded_at IS NOT NULL", o.id)),
        1
    );
    // The same form again (double click, back button): nothing happens twice.
    let again = admin
        .post(
            &path,
            &[
                ("reason", "customer phoned: moving away"),
                ("submit_token", &token),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE order_id = {} AND reason = 'release'",
            o.id
        )),
        2
    );
    let shown = admin.get(&format!("/admin/orders/{}", o.order_no)).await;
    assert!(shown.contains("already submitted"));
    let timeline = shown.text_of("ol.timeline").unwrap();
    assert!(
        timeline.contains("Created")
            && timeline.contains("Paid")
            && timeline.contains("Cancelled by boss"),
        "{timeline}"
    );
    assert!(
        timeline.contains("customer phoned: moving away"),
        "{timeline}"
    );
    assert!(
        shown.input_value("submit_token").is_none(),
        "no cancel form on a cancelled order"
    );
    // A forged token does nothing.
    let forged = admin
        .post(&path, &[("reason", "x"), ("submit_token", "forged")])
        .await;
    assert_eq!(forged.status, StatusCode::CONFLICT);
    assert_invariants(&app);
}

#[tokio::test]
async fn admin_cancel_of_a_picked_up_order_is_refused() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 10);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let o = order(&app, carol, store, OrderStatus::Confirmed, &[(mug, 2)]);
    let admin = app.admin("boss").await;
    let token = admin
        .get(&format!("/admin/orders/{}", o.order_no))
        .await
        .input_value("submit_token")
        .unwrap();
    // Handed over meanwhile, at another counter.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        o.id
    ));
    let res = admin
        .post(
            &format!("/admin/orders/{}/cancel", o.order_no),
            &[("reason", "too late"), ("submit_token", &token)],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.text_of("[data-refused]").unwrap().contains("picked up"));
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'picked_up'",
            o.id
        )),
        1
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        8
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM stock_movements WHERE reason = 'release'"),
        0
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM submit_tokens"),
        0,
        "a refused cancel leaves the token fresh"
    );
    assert_eq!(
        admin.get("/admin/orders/000000000000000000").await.status,
        StatusCode::NOT_FOUND
    );
    assert_invariants(&app);
}

#[tokio::test]
async fn the_order_list_filters_and_searches_exactly() {
    let app = spawn_app().await;
    let north = app.store("SH01", "North Store");
    let harbour = app.store("SH02", "Harbour Store");
    let mug = app.product("MUG", "Mug", 4_500, 500);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let dave = app.account("dave", "dave-password", Role::Customer, None);
    let a = order(&app, carol, north, OrderStatus::PendingPayment, &[(mug, 1)]);
    let b = order(&app, carol, harbour, OrderStatus::Confirmed, &[(mug, 1)]);
    let c = order(&app, dave, north, OrderStatus::Confirmed, &[(mug, 2)]);
    let d = order(&app, dave, harbour, OrderStatus::Ready, &[(mug, 1)]);
    let e = order(&app, dave, north, OrderStatus::Confirmed, &[(mug, 1)]);
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        e.id
    ));
    // Shop time is +08:00. b was placed at 23:30 shop time on 1 Dec (15:30 UTC), c at 00:30 on 2 Dec.
    app.sql(&format!(
        "UPDATE orders SET created_at = '2026-11-20 10:00:00' WHERE id = {}",
        a.id
    ));
    app.sql(&format!(
        "UPDATE orders SET created_at = '2026-12-01 15:30:00' WHERE id = {}",
        b.id
    ));
    app.sql(&format!(
        "UPDATE orders SET created_at = '2026-12-01 16:30:00' WHERE id = {}",
        c.id
    ));
    app.sql(&format!(
        "UPDATE orders SET created_at = '2026-12-02 15:59:00' WHERE id = {}",
        d.id
    ));
    app.sql(&format!(
        "UPDATE orders SET created_at = '2026-12-02 16:00:00' WHERE id = {}",
        e.id
    ));
    let admin = app.admin("boss").await;
    let list = |q: String| {
        let admin = &admin;
        async move {
            let page = admin.get(&format!("/admin/orders{q}")).await;
            assert_eq!(page.status, StatusCode::OK, "{q}");
            sorted(order_nos(&page))
        }
    };
    let nos = |v: &[&MadeOrder]| sorted(v.iter().map(|o| o.order_no.clone()).collect());
    assert_eq!(list(String::new()).await, nos(&[&a, &b, &c, &d, &e]));
    assert_eq!(list("?status=confirmed".into()).await, nos(&[&b, &c]));
    assert_eq!(list(format!("?store={north}")).await, nos(&[&a, &c, &e]));
    assert_eq!(
        list(format!("?store={harbour}&status=ready")).await,
        nos(&[&d])
    );
    assert_eq!(
        list("?from=2026-12-02&to=2026-12-02".into()).await,
        nos(&[&c, &d])
    );
    assert_eq!(
        list("?from=2026-12-01&to=2026-12-01".into()).await,
        nos(&[&b])
    );
    assert_eq!(list("?to=2026-11-30".into()).await, nos(&[&a]));
    assert_eq!(list("?from=2026-12-03".into()).await, nos(&[&e]));
    assert_eq!(list("?q=carol".into()).await, nos(&[&a, &b]));
    assert_eq!(list("?q=dave&status=confirmed".into()).await, nos(&[&c]));
    assert_eq!(list(format!("?q={}", c.order_no)).await, nos(&[&c]));
    assert!(list(format!("?q={}", &d.order_no[..17]))
        .await
        .contains(&d.order_no));
    assert_eq!(list("?q=nobody".into()).await, Vec::<String>::new());
    assert_eq!(
        list("?q=%27%20OR%201%3D1%20--".into()).await,
        Vec::<String>::new()
    );
    // Bad filter values are a form error on the page, never a 500.
    for bad in [
        "?status=lost",
        "?from=yesterday",
        "?store=abc",
        "?page=-1",
        "?from=2026-12-05&to=2026-12-01",
    ] {
        let page = admin.get(&format!("/admin/orders{bad}")).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(page.text_of(".field-error").is_some(), "{bad}");
    }
}

#[tokio::test]
async fn the_order_list_pages_with_keyset_cursors_and_page_jumps() {
    let app = spawn_app().await;
    let north = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 1_000);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let mut all: Vec<String> = (0..120)
        .map(|_| order(&app, carol, north, OrderStatus::Confirmed, &[(mug, 1)]).order_no)
        .collect();
    all.reverse(); // newest first
    let admin = app.admin("boss").await;
    let mut seen = Vec::new();
    let mut pages = Vec::new();
    let mut path = "/admin/orders".to_string();
    loop {
        let page = admin.get(&path).await;
        assert_eq!(page.status, StatusCode::OK);
        let nos = order_nos(&page);
        pages.push((path.clone(), nos.clone()));
        seen.extend(nos);
        match page.attr_of("a[rel=next]", "href") {
            Some(next) => path = next,
            None => break,
        }
    }
    assert_eq!(seen, all, "every order once, newest first");
    assert_eq!(
        pages.iter().map(|p| p.1.len()).collect::<Vec<_>>(),
        [50, 50, 20]
    );
    // A page number jump lands on the same orders as following the cursors.
    let third = admin.get("/admin/orders?page=3").await;
    assert_eq!(order_nos(&third), pages[2].1);
    // "Newer" from the third page goes back to the second.
    let back = admin
        .get(&third.attr_of("a[rel=prev]", "href").unwrap())
        .await;
    assert_eq!(order_nos(&back), pages[1].1);
    assert!(admin.get("/admin/orders?page=99").await.status == StatusCode::OK);
}

#[tokio::test]
async fn the_order_page_shows_who_did_what_when() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 10);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let nina = app.account("nina", "nina-password", Role::Staff, Some(store));
    let o = create_order(
        &app,
        &OrderSpec {
            user_id: carol,
            store_id: store,
            pay_method: PayMethod::AtCounter,
            status: OrderStatus::Confirmed,
            lines: &[(mug, 1)],
        },
    );
    // As the counter leaves it: marked ready, then handed over with the money collected.
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = '2026-12-02 02:00:00', ready_by = {nina}, pickup_code = '1234566' WHERE id = {id}; \
         UPDATE orders SET status = 'picked_up', picked_up_at = '2026-12-02 03:15:00', picked_up_by = {nina} WHERE id = {id}; \
         INSERT INTO payments (order_id, amount_cents, method, status, created_at) VALUES ({id}, 4500, 'at_counter', 'captured', '2026-12-02 03:15:00')",
        id = o.id
    ));
    let admin = app.admin("boss").await;
    let page = admin.get(&format!("/admin/orders/{}", o.order_no)).await;
    assert_eq!(page.status, StatusCode::OK);
    let timeline = page.text_of("ol.timeline").unwrap();
    assert!(timeline.contains("Created by carol"), "{timeline}");
    assert!(
        timeline.contains("2 Dec 2026, 10:00 Ready by nina"),
        "shop time, as English writes a date: {timeline}"
    );
    assert!(
        timeline.contains("Paid at the counter by nina"),
        "{timeline}"
    );
    assert!(
        timeline.contains("2 Dec 2026, 11:15 Picked up by nina"),
        "{timeline}"
    );
    assert_eq!(
        page.text_of("[data-code-status]").as_deref(),
        Some("used at hand-over")
    );
    assert!(
        !page.contains("1234566"),
        "the admin page does not show the code itself"
    );
    assert!(
        page.input_value("submit_token").is_none(),
        "a picked-up order has no cancel form"
    );
}
