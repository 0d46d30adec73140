//! Pickup codes: issuing in a crowded 3-digit space, concurrency, freed codes, the signed QR
//! (decoded by a real decoder), and the sweeper's pickup-window pass.

use std::collections::HashSet;
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Barrier};

use diesel::prelude::*;
use reqwest::StatusCode;

use shopcounter::db::in_transaction;
use shopcounter::db::schema::orders;
use shopcounter::domain::{
    damm_is_valid, qr_payload, OrderNo, PayMethod, PickupCode, Purpose, SubmitTokenSigner,
};
use shopcounter::error::AppError;
use shopcounter::shop::counter::{hand_over, HandOver, StaffMember};
use shopcounter::shop::pickup::{issue_pickup_code, Issued};
use shopcounter::web::pickup_view::pickup_view;

use super::fixtures::MadeOrder;
use super::helpers::{spawn_app, spawn_app_with, TestApp};
use super::invariants::assert_invariants;

/// Order numbers for the orders these tests insert by the thousand: unique by construction
/// (the fixture's random ones can collide when a thousand are made within one second).
static NEXT_ORDER_NO: AtomicU64 = AtomicU64::new(100_000_000_000_000_000);

fn next_order_no() -> String {
    NEXT_ORDER_NO.fetch_add(1, Ordering::Relaxed).to_string()
}

/// An empty confirmed at-counter order (no lines: fast), with its code from the real issuer.
fn empty_order(app: &TestApp, user_id: i64, store_id: i64) -> MadeOrder {
    let mut conn = app.conn();
    let order_no = next_order_no();
    let (id, code) = in_transaction(&mut conn, |c| {
        diesel::insert_into(orders::table)
            .values((
                orders::order_no.eq(&order_no),
                orders::user_id.eq(user_id),
                orders::store_id.eq(store_id),
                orders::status.eq("confirmed"),
                orders::pay_method.eq("at_counter"),
                orders::total_cents.eq(0i64),
            ))
            .execute(c)?;
        let id: i64 = orders::table
            .filter(orders::order_no.eq(&order_no))
            .select(orders::id)
            .first(c)?;
        match issue_pickup_code(c, id, app.settings.pickup_code_digits)? {
            Issued::Code(code) => Ok::<_, AppError>((id, code)),
            Issued::SpaceFull => Err(AppError::Conflict(shopcounter::msg!("error-form-reused"))),
        }
    })
    .expect("an order with a code");
    MadeOrder {
        id,
        order_no,
        pickup_code: Some(code),
    }
}

/// Inserts a confirmed order and asks for a code in the same transaction; on `SpaceFull` the
/// transaction is rolled back, as checkout does. Returns the code, or None when refused.
fn try_confirmed_order(
    conn: &mut MysqlConnection,
    user_id: i64,
    store_id: i64,
    digits: usize,
) -> Result<Option<String>, AppError> {
    #[derive(Debug)]
    enum Tx {
        Full,
        Failed(AppError),
    }
    impl From<diesel::result::Error> for Tx {
        fn from(e: diesel::result::Error) -> Self {
            Tx::Failed(e.into())
        }
    }
    impl From<AppError> for Tx {
        fn from(e: AppError) -> Self {
            Tx::Failed(e)
        }
    }
    impl shopcounter::db::TxError for Tx {
        fn is_retryable(&self) -> bool {
            matches!(self, Tx::Failed(e) if shopcounter::error::is_retryable(e))
        }
    }
    let order_no = next_order_no();
    let made = in_transaction(conn, |c| {
        diesel::insert_into(orders::table)
            .values((
                orders::order_no.eq(&order_no),
                orders::user_id.eq(user_id),
                orders::store_id.eq(store_id),
                orders::status.eq("confirmed"),
                orders::pay_method.eq("at_counter"),
                orders::total_cents.eq(0i64),
            ))
            .execute(c)?;
        let id: i64 = orders::table
            .filter(orders::order_no.eq(&order_no))
            .select(orders::id)
            .first(c)?;
        match issue_pickup_code(c, id, digits)? {
            Issued::Code(code) => Ok(code),
            Issued::SpaceFull => Err(Tx::Full),
        }
    });
    match made {
        Ok(code) => Ok(Some(code)),
        Err(Tx::Full) => Ok(None),
        Err(Tx::Failed(e)) => Err(e),
    }
}

fn active_codes(app: &TestApp) -> Vec<String> {
    orders::table
        .filter(orders::active_pickup_code.is_not_null())
        .select(orders::pickup_code)
        .load::<Option<String>>(&mut *app.conn())
        .unwrap()
        .into_iter()
        .flatten()
        .collect()
}

fn three_digit_app_shop(app: &TestApp) -> (i64, i64) {
    let store = app.store("SH01", "North Store");
    let customer = app.account(
        "alice",
        "alice-password",
        shopcounter::domain::Role::Customer,
        None,
    );
    (store, customer)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_digit_codes_fill_to_exactly_1000_then_refuse_and_a_freed_code_is_issued_again() {
    let app = spawn_app_with(|s| s.pickup_code_digits = 3).await;
    let (store, customer) = three_digit_app_shop(&app);

    let first: Vec<MadeOrder> = (0..900)
        .map(|_| empty_order(&app, customer, store))
        .collect();
    let codes: HashSet<String> = first
        .iter()
        .map(|o| o.pickup_code.clone().unwrap())
        .collect();
    assert_eq!(codes.len(), 900, "900 active orders, 900 distinct codes");
    assert!(codes
        .iter()
        .all(|c| c.len() == 4 && damm_is_valid(c.as_bytes())));

    // 90 % full and beyond: every order still gets a code, up to exactly 1000.
    let rest: Vec<MadeOrder> = (0..100)
        .map(|_| empty_order(&app, customer, store))
        .collect();
    let all: HashSet<String> = active_codes(&app).into_iter().collect();
    assert_eq!(all.len(), 1000);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1000);

    // The 1001st is refused and leaves nothing behind.
    let refused = try_confirmed_order(&mut app.conn(), customer, store, 3).unwrap();
    assert_eq!(refused, None, "the space is full");
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1000);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM orders WHERE pickup_code IS NULL"),
        0
    );

    // A hand-over frees its code, and the next order can have it (the only free one).
    let staff_id = app.account(
        "north",
        "north-password",
        shopcounter::domain::Role::Staff,
        Some(store),
    );
    let signer = SubmitTokenSigner::new(
        &app.settings.derived_key("submit-token"),
        chrono::Duration::hours(2),
    );
    let handed = &rest[17];
    let raw = signer.issue(
        staff_id,
        Purpose::Handover,
        Some(handed.id),
        chrono::Utc::now(),
    );
    let token = signer
        .verify(
            &raw,
            staff_id,
            Purpose::Handover,
            Some(handed.id),
            chrono::Utc::now(),
        )
        .unwrap();
    let outcome = hand_over(
        &mut app.conn(),
        StaffMember {
            user_id: staff_id,
            store_id: store,
        },
        handed.id,
        &token,
        true,
    )
    .unwrap();
    assert!(matches!(outcome, HandOver::Done { .. }), "{outcome:?}");
    let again = try_confirmed_order(&mut app.conn(), customer, store, 3).unwrap();
    assert_eq!(again, handed.pickup_code, "the freed code is issued again");
    assert_eq!(active_codes(&app).len(), 1000);
    assert_eq!(
        try_confirmed_order(&mut app.conn(), customer, store, 3).unwrap(),
        None
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_threads_issuing_in_a_nearly_full_space_never_share_a_code_and_never_fail() {
    let app = spawn_app_with(|s| s.pickup_code_digits = 3).await;
    let (store, customer) = three_digit_app_shop(&app);
    for _ in 0..950 {
        empty_order(&app, customer, store);
    }
    // 12 threads × 8 orders = 96 attempts for the 50 free codes.
    let threads = 12;
    let barrier = Arc::new(Barrier::new(threads));
    let handles: Vec<_> = (0..threads)
        .map(|_| {
            let barrier = barrier.clone();
            let mut conn = app.conn();
            std::thread::spawn(move || {
                barrier.wait();
                (0..8)
                    .map(|_| try_confirmed_order(&mut conn, customer, store, 3))
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let mut issued = Vec::new();
    let mut refused = 0;
    for h in handles {
        for result in h.join().unwrap() {
            match result {
                Ok(Some(code)) => issued.push(code),
                Ok(None) => refused += 1,
                Err(e) => panic!("issuing failed instead of answering: {e:?}"),
            }
        }
    }
    assert_eq!(issued.len(), 50, "every free code was issued");
    assert_eq!(refused, 46, "the rest were refused cleanly");
    let active = active_codes(&app);
    assert_eq!(active.len(), 1000);
    assert_eq!(active.iter().collect::<HashSet<_>>().len(), 1000);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1000);
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_codes_have_six_digits_and_a_check_digit_and_stay_unique() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let customer = app.account(
        "alice",
        "alice-password",
        shopcounter::domain::Role::Customer,
        None,
    );
    let codes: Vec<String> = (0..50)
        .map(|_| empty_order(&app, customer, store).pickup_code.unwrap())
        .collect();
    assert!(codes
        .iter()
        .all(|c| c.len() == 7 && damm_is_valid(c.as_bytes())));
    assert_eq!(codes.iter().collect::<HashSet<_>>().len(), 50);
}

/// Renders an SVG with rsvg-convert and decodes it with zbarimg.
fn decode_qr(svg: &str) -> String {
    let dir = std::env::temp_dir().join(format!("shopcounter-qr-{}", rand::random::<u64>()));
    std::fs::create_dir_all(&dir).unwrap();
    let (svg_path, png_path) = (dir.join("qr.svg"), dir.join("qr.png"));
    std::fs::write(&svg_path, svg).unwrap();
    let rendered = Command::new("rsvg-convert")
        .args([
            "--width",
            "400",
            "--height",
            "400",
            "--background-color",
            "white",
            "-o",
        ])
        .arg(&png_path)
        .arg(&svg_path)
        .status()
        .expect("rsvg-convert (librsvg2-bin) is installed");
    assert!(rendered.success());
    let out = Command::new("zbarimg")
        .args(["--raw", "-q"])
        .arg(&png_path)
        .output()
        .expect("zbarimg (zbar-tools) is installed");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "zbarimg found no QR code");
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pickup_qr_decodes_to_the_signed_payload_and_a_changed_one_is_refused_as_forged() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let state = app.state();
    let stored = shopcounter::shop::orders::by_id(&mut app.conn(), order.id).unwrap();

    let view = pickup_view(&state, &stored, "North Store").expect("a pickup block");
    assert_eq!(Some(view.digits.clone()), order.pickup_code);
    assert_eq!(
        view.grouped,
        shopcounter::domain::group_digits(&view.digits)
    );
    assert!(view.qr_svg.starts_with("<svg"));
    let payload = decode_qr(&view.qr_svg);
    let code = PickupCode::from_digits(&view.digits).unwrap();
    let expected = qr_payload(
        &state.qr_key,
        &OrderNo::parse(&order.order_no).unwrap(),
        &code,
    );
    assert_eq!(payload, expected);
    assert!(payload.starts_with(&format!("SC1:{}:{}:", order.order_no, view.digits)));

    // Scanned at the counter (a scanner types it and presses Enter): a match.
    let staff = app.staff("north", shop.north).await;
    let screen = staff.look_up(&payload).await;
    assert_eq!(
        screen.attr_of("[data-outcome]", "data-outcome").as_deref(),
        Some("matched")
    );

    // Someone edits the payload to point at another order, or another code: forged.
    let other = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let parts: Vec<&str> = payload.split(':').collect();
    let other_code = other.pickup_code.clone().unwrap();
    let forged_order = format!("SC1:{}:{}:{}", other.order_no, parts[2], parts[3]);
    let forged_code = format!("SC1:{}:{}:{}", parts[1], other_code, parts[3]);
    for forged in [forged_order, forged_code] {
        let res = staff.post("/counter/lookup", &[("code", &forged)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{forged}");
        assert!(
            res.text_of("#code-error")
                .unwrap_or_default()
                .contains("not issued by this shop"),
            "{}",
            res.body
        );
    }
    assert_eq!(
        app.sql_i64(
            "SELECT COUNT(*) FROM pickup_lookups WHERE outcome = 'invalid' AND order_id IS NULL"
        ),
        2
    );

    // Orders without an active code have no pickup block.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up' WHERE id = {}",
        order.id
    ));
    let stored = shopcounter::shop::orders::by_id(&mut app.conn(), order.id).unwrap();
    assert!(pickup_view(&state, &stored, "North Store").is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_orders_say_so_in_the_pickup_block() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let state = app.state();
    let stored = shopcounter::shop::orders::by_id(&mut app.conn(), order.id).unwrap();
    assert!(!pickup_view(&state, &stored, "North Store").unwrap().ready);
    app.sql(&format!(
        "UPDATE orders SET status = 'ready' WHERE id = {}",
        order.id
    ));
    let stored = shopcounter::shop::orders::by_id(&mut app.conn(), order.id).unwrap();
    let view = pickup_view(&state, &stored, "North Store").unwrap();
    assert!(view.ready);
    assert_eq!(view.store_name, "North Store");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sweeper_cancels_uncollected_at_counter_orders_and_frees_their_code() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let stale = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let stale_ready = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let fresh = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let paid_online = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    app.sql(&format!(
        "UPDATE orders SET created_at = NOW() - INTERVAL 49 HOUR WHERE id IN ({}, {}, {});
         UPDATE orders SET status = 'ready' WHERE id = {};
         UPDATE orders SET created_at = NOW() - INTERVAL 47 HOUR WHERE id = {};",
        stale.id, stale_ready.id, paid_online.id, stale_ready.id, fresh.id
    ));
    let stock_before = app.sql_i64(&format!(
        "SELECT stock FROM products WHERE id = {}",
        shop.mug
    ));

    let report = shopcounter::shop::sweeper::sweep_once(&mut app.conn(), &app.settings).unwrap();
    assert_eq!(report.pickup_window_cancelled, 2);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id IN ({}, {}) AND status = 'cancelled' \
             AND active_pickup_code IS NULL AND cancelled_at IS NOT NULL",
            stale.id, stale_ready.id
        )),
        2
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id IN ({}, {}) AND status = 'confirmed'",
            fresh.id, paid_online.id
        )),
        2,
        "younger orders and paid online orders stay"
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT stock FROM products WHERE id = {}",
            shop.mug
        )),
        stock_before + 4,
        "2 mugs from each cancelled order are back on the shelf"
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'release' AND order_id IN ({}, {})",
            stale.id, stale_ready.id
        )),
        4
    );
    // A second pass (another instance, or the next tick) changes nothing.
    let again = shopcounter::shop::sweeper::sweep_once(&mut app.conn(), &app.settings).unwrap();
    assert_eq!(again.pickup_window_cancelled, 0);

    // At the counter the code now says cancelled.
    let staff = app.staff("north", shop.north).await;
    let res = staff.look_up(stale.pickup_code.as_deref().unwrap()).await;
    assert_eq!(
        res.attr_of("[data-outcome]", "data-outcome").as_deref(),
        Some("cancelled")
    );
    assert_invariants(&app);
}

/// The duplicate-key path, made deterministic: with one free code left, transaction A takes it
/// and holds it uncommitted; B does not see A's row in its `IN (...)` check, tries the same code,
/// and waits on the unique index. A rolls back → B gets the code. A commits → B gets a 1062,
/// moves on, finds the space full and refuses cleanly — never an error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_taken_by_an_uncommitted_order_is_skipped_on_duplicate_key() {
    use diesel::connection::SimpleConnection;

    let app = spawn_app_with(|s| s.pickup_code_digits = 3).await;
    let (store, customer) = three_digit_app_shop(&app);
    let made: Vec<MadeOrder> = (0..999)
        .map(|_| empty_order(&app, customer, store))
        .collect();

    for a_commits in [false, true] {
        let mut a = app.conn();
        a.batch_execute("BEGIN").unwrap();
        let order_no = next_order_no();
        diesel::insert_into(orders::table)
            .values((
                orders::order_no.eq(&order_no),
                orders::user_id.eq(customer),
                orders::store_id.eq(store),
                orders::status.eq("confirmed"),
                orders::pay_method.eq("at_counter"),
                orders::total_cents.eq(0i64),
            ))
            .execute(&mut *a)
            .unwrap();
        let id: i64 = orders::table
            .filter(orders::order_no.eq(&order_no))
            .select(orders::id)
            .first(&mut *a)
            .unwrap();
        let Issued::Code(held) = issue_pickup_code(&mut a, id, 3).unwrap() else {
            panic!("one code is free");
        };

        let mut b_conn = app.conn();
        let b = std::thread::spawn(move || try_confirmed_order(&mut b_conn, customer, store, 3));
        std::thread::sleep(std::time::Duration::from_millis(400));
        assert!(!b.is_finished(), "B waits for A's uncommitted code");
        a.batch_execute(if a_commits { "COMMIT" } else { "ROLLBACK" })
            .unwrap();
        let b = b.join().unwrap().expect("no error, whatever A did");
        if a_commits {
            assert_eq!(b, None, "A kept the last code: B is refused cleanly");
        } else {
            assert_eq!(b, Some(held), "A rolled back: B has the code");
            // Free one code again for the next round.
            app.sql(&format!(
                "UPDATE orders SET status = 'picked_up' WHERE id = {}",
                made[0].id
            ));
        }
    }
    let active = active_codes(&app);
    assert_eq!(active.len(), 1000);
    assert_eq!(active.iter().collect::<HashSet<_>>().len(), 1000);
    assert_invariants(&app);
}

/// The inline `<svg>…</svg>` inside the page's `.qr` block.
fn qr_svg_of(body: &str) -> String {
    let start = body.find("<div class=\"qr\"").expect("a QR block");
    let svg_start = start + body[start..].find("<svg").expect("an inline svg");
    let svg_end = svg_start + body[svg_start..].find("</svg>").expect("svg end") + "</svg>".len();
    body[svg_start..svg_end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_page_shows_the_grouped_code_and_a_qr_that_decodes_to_the_signed_payload() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let customer = app.client();
    customer.login("alice", "alice-password").await;
    customer.add_to_cart(shop.mug, "2").await;
    let order_no = customer.order_now(shop.north, "at_counter").await;
    let code = app.sql_i64(&format!(
        "SELECT CAST(pickup_code AS UNSIGNED) FROM orders WHERE order_no = '{order_no}' AND status = 'confirmed'"
    ));
    assert!(code > 0);

    let page = customer.get(&format!("/orders/{order_no}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let digits = page
        .attr_of("[data-pickup-code]", "data-pickup-code")
        .expect("the code on the page");
    assert_eq!(digits.len(), 7);
    assert_eq!(digits.parse::<i64>().unwrap(), code);
    assert_eq!(
        page.text_of("[data-pickup-code]"),
        Some(shopcounter::domain::group_digits(&digits))
    );
    assert!(page.contains("North Store"));

    let payload = decode_qr(&qr_svg_of(&page.body));
    let state = app.state();
    assert_eq!(
        payload,
        qr_payload(
            &state.qr_key,
            &OrderNo::parse(&order_no).unwrap(),
            &PickupCode::from_digits(&digits).unwrap()
        )
    );
    // The staff's scanner reads it off the customer's phone.
    let staff = app.staff("north", shop.north).await;
    let screen = staff.look_up(&payload).await;
    assert_eq!(
        screen.attr_of("[data-outcome]", "data-outcome").as_deref(),
        Some("matched")
    );
    assert!(!page.contains("data-pickup-ready"));

    // Mark ready: the customer's page says so, prominently.
    let res = staff
        .post(&format!("/counter/orders/{order_no}/ready"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = customer.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.text_of("[data-pickup-ready]").as_deref(),
        Some("Ready for pickup at North Store")
    );
    assert_eq!(
        page.attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("ready")
    );

    // Handed over: no code any more on the page.
    let screen = staff.look_up(&digits).await;
    assert_eq!(
        staff.hand_over(&screen, true).await.status,
        StatusCode::SEE_OTHER
    );
    let page = customer.get(&format!("/orders/{order_no}")).await;
    assert!(page
        .attr_of("[data-pickup-code]", "data-pickup-code")
        .is_none());
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checkout_and_pay_in_a_full_code_space_are_refused_cleanly_until_a_code_is_free() {
    let app = spawn_app_with(|s| s.pickup_code_digits = 3).await;
    let (store, filler) = three_digit_app_shop(&app);
    let made: Vec<MadeOrder> = (0..1000)
        .map(|_| empty_order(&app, filler, store))
        .collect();
    let mug = app.product("MUG", "Tea Mug", 1250, 10);
    let bob = app.customer("bob").await;
    bob.add_to_cart(mug, "2").await;

    // At the counter: the code is issued at checkout — refused, nothing ordered.
    let res = bob.checkout(store, "at_counter").await;
    assert!(
        res.status.is_client_error() || res.status == StatusCode::SERVICE_UNAVAILABLE,
        "refused with a message, not a 500: {}",
        res.status
    );
    assert!(res.contains("Nothing was ordered"), "{}", res.body);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM orders"), 1000);
    assert_eq!(
        app.sql_i64(&format!("SELECT stock FROM products WHERE id = {mug}")),
        10
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM stock_movements WHERE reason = 'sale'"),
        0
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM cart_items"),
        1,
        "cart intact"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM submit_tokens"), 0);

    // Online: the order waits for payment (no code yet); paying is refused and changes nothing.
    let order_no = bob.order_now(store, "online").await;
    let res = bob.pay(&order_no).await;
    assert_ne!(res.status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE order_no = '{order_no}' AND status = 'pending_payment' \
             AND pickup_code IS NULL AND paid_at IS NULL"
        )),
        1
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments WHERE method = 'online' AND provider_ref NOT LIKE 'fixture-%'"), 0);

    // One order is collected: its code is free, and the payment goes through with it.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        made[500].id
    ));
    let res = bob.pay(&order_no).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let page = bob.get(&format!("/orders/{order_no}")).await;
    assert_eq!(
        page.attr_of("[data-pickup-code]", "data-pickup-code"),
        made[500].pickup_code,
        "the freed code, the only one left"
    );
    assert_eq!(active_codes(&app).len(), 1000);
    assert_invariants(&app);
}
