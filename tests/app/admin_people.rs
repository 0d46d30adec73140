//! Admin access, stores, staff accounts (disable ends sessions, password reset), the counter audit
//! and the dashboard.

use reqwest::StatusCode;
use scraper::Selector;

use shopcounter::domain::{OrderStatus, PayMethod, Role};

use super::fixtures::{create_order, OrderSpec};
use super::helpers::{spawn_app, TestApp};
use shopcounter::shop::lookup_audit::{self, LookupFilter};

const ADMIN_GETS: &[&str] = &[
    "/admin",
    "/admin/stock",
    "/admin/stock/1",
    "/admin/products",
    "/admin/products/1",
    "/admin/orders",
    "/admin/orders/261202000000000001",
    "/admin/stores",
    "/admin/staff",
    "/admin/staff/1",
    "/admin/lookups",
];

const ADMIN_POSTS: &[&str] = &[
    "/admin/stock/1/adjust",
    "/admin/products",
    "/admin/products/1",
    "/admin/products/1/deactivate",
    "/admin/products/1/activate",
    "/admin/orders/261202000000000001/cancel",
    "/admin/stores",
    "/admin/stores/1/disable",
    "/admin/stores/1/enable",
    "/admin/staff",
    "/admin/staff/1/password",
    "/admin/staff/1/disable",
    "/admin/staff/1/enable",
];

#[tokio::test]
async fn every_admin_page_refuses_customers_staff_and_anonymous_users() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    app.product("MUG", "Mug", 4_500, 5);
    let customer = app.customer("carol").await;
    let staff = app.staff("nina", store).await;
    let anonymous = app.client();
    let fields = [
        ("delta", "5"),
        ("reason", "x"),
        ("name", "x"),
        ("price", "1"),
        ("code", "SH09"),
    ];
    for who in [&customer, &staff] {
        for path in ADMIN_GETS {
            assert_eq!(
                who.get(path).await.status,
                StatusCode::FORBIDDEN,
                "GET {path}"
            );
        }
        for path in ADMIN_POSTS {
            assert_eq!(
                who.post(path, &fields).await.status,
                StatusCode::FORBIDDEN,
                "POST {path}"
            );
        }
    }
    for path in ADMIN_GETS {
        let page = anonymous.get(path).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "GET {path}");
        assert!(page.location.unwrap().starts_with("/login"), "GET {path}");
    }
    for path in ADMIN_POSTS {
        let page = anonymous.post(path, &fields).await;
        assert!(
            page.status == StatusCode::SEE_OTHER || page.status == StatusCode::FORBIDDEN,
            "POST {path}: {}",
            page.status
        );
    }
    assert_eq!(app.sql_i64("SELECT stock FROM products"), 5);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM stores"), 1);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM stores WHERE active"), 1);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM users WHERE disabled"), 0);
}

#[tokio::test]
async fn disabling_a_staff_account_ends_its_open_session_at_once() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let nina = app.staff("nina", store).await;
    assert_eq!(nina.get("/counter").await.status, StatusCode::OK);
    let id = app.sql_i64("SELECT id FROM users WHERE username = 'nina'");
    let admin = app.admin("boss").await;
    let res = admin.post(&format!("/admin/staff/{id}/disable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let after = nina.get("/counter").await;
    assert_eq!(
        after.status,
        StatusCode::SEE_OTHER,
        "the old cookie is logged out"
    );
    assert!(after.location.unwrap().starts_with("/login"));
    let again = app.client();
    assert_eq!(
        again.login("nina", "nina-password").await.status,
        StatusCode::UNAUTHORIZED
    );
    let res = admin.post(&format!("/admin/staff/{id}/enable"), &[]).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        again.login("nina", "nina-password").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(again.get("/counter").await.status, StatusCode::OK);
    // Only staff accounts are managed here.
    let boss = app.sql_i64("SELECT id FROM users WHERE username = 'boss'");
    assert_eq!(
        admin
            .post(&format!("/admin/staff/{boss}/disable"), &[])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn an_admin_creates_staff_for_one_store_and_resets_a_password() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let admin = app.admin("boss").await;
    let store_id = store.to_string();
    let res = admin
        .post(
            "/admin/staff",
            &[
                ("username", "hugo"),
                ("display_name", "Hugo"),
                ("password", "hugo-first-pass"),
                ("store_id", &store_id),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.sql_i64(&format!("SELECT COUNT(*) FROM users WHERE username = 'hugo' AND role = 'staff' AND store_id = {store}")),
        1
    );
    let dup = admin
        .post(
            "/admin/staff",
            &[
                ("username", "hugo"),
                ("password", "another-pass"),
                ("store_id", &store_id),
            ],
        )
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert!(dup
        .text_of("[data-error=username]")
        .unwrap()
        .contains("taken"));
    let bad = admin
        .post(
            "/admin/staff",
            &[("username", "x"), ("password", "short"), ("store_id", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for f in ["username", "password", "store_id"] {
        assert!(bad.text_of(&format!("[data-error={f}]")).is_some(), "{f}");
    }
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM users WHERE role = 'staff'"),
        1
    );

    let hugo = app.client();
    assert_eq!(
        hugo.login("hugo", "hugo-first-pass").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(hugo.get("/counter").await.status, StatusCode::OK);
    let id = app.sql_i64("SELECT id FROM users WHERE username = 'hugo'");
    let short = admin
        .post(
            &format!("/admin/staff/{id}/password"),
            &[("password", "short")],
        )
        .await;
    assert_eq!(short.status, StatusCode::BAD_REQUEST);
    let res = admin
        .post(
            &format!("/admin/staff/{id}/password"),
            &[("password", "hugo-second-pass")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        hugo.get("/counter").await.status,
        StatusCode::SEE_OTHER,
        "the reset ends the open session"
    );
    let fresh = app.client();
    assert_eq!(
        fresh.login("hugo", "hugo-first-pass").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        fresh.login("hugo", "hugo-second-pass").await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn an_admin_creates_and_disables_stores() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let res = admin
        .post(
            "/admin/stores",
            &[
                ("code", "SH03"),
                ("name", "Station Kiosk"),
                ("address", "Platform 1"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let dup = admin
        .post("/admin/stores", &[("code", "SH03"), ("name", "Again")])
        .await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert!(dup
        .text_of("[data-error=code]")
        .unwrap()
        .contains("already"));
    let bad = admin
        .post("/admin/stores", &[("code", "x"), ("name", "")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text_of("[data-error=name]").is_some());
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM stores"), 1);
    let id = app.sql_i64("SELECT id FROM stores WHERE code = 'SH03'");
    assert_eq!(
        admin
            .post(&format!("/admin/stores/{id}/disable"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM stores WHERE active"), 0);
    assert_eq!(
        admin
            .post(&format!("/admin/stores/{id}/enable"), &[])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM stores WHERE active"), 1);
    assert_eq!(
        admin.post("/admin/stores/9999/disable", &[]).await.status,
        StatusCode::NOT_FOUND
    );
}

fn outcomes(page: &super::helpers::Page) -> Vec<String> {
    page.html()
        .select(&Selector::parse("tr[data-outcome]").unwrap())
        .map(|r| r.value().attr("data-outcome").unwrap().to_string())
        .collect()
}

/// Two stores with a clerk each: (north, harbour, nina at north, hugo at harbour).
fn two_counters(app: &TestApp) -> (i64, i64, i64, i64) {
    let north = app.store("SH01", "North Store");
    let harbour = app.store("SH02", "Harbour Store");
    let nina = app.account("nina", "nina-password", Role::Staff, Some(north));
    let hugo = app.account("hugo", "hugo-password", Role::Staff, Some(harbour));
    (north, harbour, nina, hugo)
}

#[tokio::test]
async fn the_lookup_audit_filters_by_store_staff_and_outcome_newest_first() {
    let app = spawn_app().await;
    let (north, harbour, nina, hugo) = two_counters(&app);
    // Rows as the counter writes them (helper B's counter).
    app.sql(&format!(
        "INSERT INTO pickup_lookups (store_id, staff_user_id, entered, outcome, created_at) VALUES \
         ({north}, {nina}, '1234567', 'not_found', '2026-12-02 01:00:00'), \
         ({north}, {nina}, '1234560', 'invalid', '2026-12-02 01:01:00'), \
         ({harbour}, {hugo}, '7654321', 'wrong_store', '2026-12-02 01:02:00'), \
         ({north}, {nina}, '5550001', 'matched', '2026-12-02 01:03:00')"
    ));
    let admin = app.admin("boss").await;
    let all = admin.get("/admin/lookups").await;
    assert_eq!(all.status, StatusCode::OK);
    assert_eq!(
        outcomes(&all),
        ["matched", "wrong_store", "invalid", "not_found"]
    );
    assert!(!all.contains("1234567"), "entered codes are masked");
    assert_eq!(
        outcomes(&admin.get(&format!("/admin/lookups?store={harbour}")).await),
        ["wrong_store"]
    );
    assert_eq!(
        outcomes(&admin.get(&format!("/admin/lookups?staff={nina}")).await),
        ["matched", "invalid", "not_found"]
    );
    assert_eq!(
        outcomes(
            &admin
                .get(&format!("/admin/lookups?staff={nina}&outcome=invalid"))
                .await
        ),
        ["invalid"]
    );
    assert_eq!(
        admin.get("/admin/lookups?outcome=bogus").await.status,
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn the_lookup_audit_reads_its_newest_page_in_order_not_sorted() {
    let app = spawn_app().await;
    let (north, harbour, nina, hugo) = two_counters(&app);
    // 300 lookups at two counters (a busy week).
    app.sql(&format!(
        "INSERT INTO pickup_lookups (store_id, staff_user_id, entered, outcome) \
         SELECT IF(seq % 3 = 0, {harbour}, {north}), IF(seq % 3 = 0, {hugo}, {nina}), \
         LPAD(seq, 6, '0'), 'not_found' FROM seq_1_to_300"
    ));
    let mut conn = app.conn();
    let before = TestApp::sorted_rows(&mut conn);
    let (rows, next) =
        lookup_audit::lookup_page(&mut conn, &LookupFilter::default(), None).expect("page");
    assert_eq!(
        TestApp::sorted_rows(&mut conn) - before,
        0,
        "every lookup was sorted for one page"
    );
    assert_eq!(rows.len() as i64, lookup_audit::LOOKUP_PAGE);
    assert!(next.is_some());
    assert_eq!(rows[0].entered, "000300", "newest first");
    assert_eq!(
        (rows[0].store_name.as_str(), rows[0].staff.as_str()),
        ("Harbour Store", "hugo")
    );
    assert_eq!(
        (rows[1].store_name.as_str(), rows[1].staff.as_str()),
        ("North Store", "nina")
    );
}

#[tokio::test]
async fn the_dashboard_counts_today_in_shop_time() {
    let app = spawn_app().await;
    let north = app.store("SH01", "North Store");
    let harbour = app.store("SH02", "Harbour Store");
    let mug = app.product("MUG", "Mug", 4_500, 100);
    let kettle = app.product("KETTLE", "Kettle", 25_900, 2);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let mk = |store, status, qty| {
        create_order(
            &app,
            &OrderSpec {
                user_id: carol,
                store_id: store,
                pay_method: PayMethod::Online,
                status,
                lines: &[(mug, qty)],
            },
        )
    };
    mk(north, OrderStatus::Confirmed, 2);
    mk(north, OrderStatus::Ready, 1);
    mk(harbour, OrderStatus::Confirmed, 3);
    mk(harbour, OrderStatus::PendingPayment, 1);
    let old = mk(north, OrderStatus::Confirmed, 4);
    // Placed two days ago: waiting for pickup still, but not today's.
    app.sql(&format!(
        "UPDATE orders SET created_at = NOW() - INTERVAL 2 DAY WHERE id = {}",
        old.id
    ));
    let admin = app.admin("boss").await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.text_of("[data-figure=orders-today]").as_deref(),
        Some("4")
    );
    // Sold counts paid units only (2 + 1 + 3); the unpaid order's unit is held.
    assert_eq!(
        page.text_of("[data-figure=units-sold-today]").as_deref(),
        Some("6")
    );
    assert_eq!(
        page.text_of("[data-figure=units-held-today]").as_deref(),
        Some("1")
    );
    assert_eq!(
        page.text_of("[data-today-status=confirmed]").as_deref(),
        Some("2")
    );
    assert_eq!(
        page.text_of("[data-today-status=pending_payment]")
            .as_deref(),
        Some("1")
    );
    let waiting = |store: &str, status: &str| {
        page.text_of(&format!(
            "[data-store-waiting='{store}'] [data-waiting={status}]"
        ))
    };
    assert_eq!(waiting("North Store", "confirmed").as_deref(), Some("2"));
    assert_eq!(waiting("North Store", "ready").as_deref(), Some("1"));
    assert_eq!(waiting("Harbour Store", "confirmed").as_deref(), Some("1"));
    assert_eq!(waiting("Harbour Store", "ready").as_deref(), Some("0"));
    assert!(page
        .text_of(&format!("[data-low-stock='{kettle}']"))
        .is_some());
    assert!(page.text_of(&format!("[data-low-stock='{mug}']")).is_none());
}
