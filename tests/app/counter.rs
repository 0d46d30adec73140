//! The counter over HTTP: lookups and their screens, hand-over exactly once, payment at the
//! counter, wrong store, typos, the throttle, Mark ready and the queue.

use std::sync::Arc;

use reqwest::StatusCode;
use tokio::sync::Barrier;

use shopcounter::domain::{OrderStatus, PayMethod, Purpose, Role, SubmitTokenSigner};
use shopcounter::startup::AppState;

use super::fixtures::{create_order, MadeOrder, OrderSpec};
use super::helpers::{spawn_app, Client, Page, TestApp};
use super::invariants::assert_invariants;

/// A small shop: two stores, a customer, two products.
pub struct Shop {
    pub north: i64,
    pub harbour: i64,
    pub customer: i64,
    pub mug: i64,
    pub tea: i64,
}

impl TestApp {
    pub fn counter_shop(&self) -> Shop {
        let north = self.store("SH01", "North Store");
        let harbour = self.store("SH02", "Harbour Store");
        let customer = self.account("alice", "alice-password", Role::Customer, None);
        Shop {
            north,
            harbour,
            customer,
            mug: self.product("MUG", "Tea Mug", 1250, 100),
            tea: self.product("TEA", "Green Tea 100 g", 800, 100),
        }
    }

    /// A confirmed order (paid online, or to pay at the counter) with two lines.
    pub fn confirmed_order(&self, shop: &Shop, store_id: i64, pay_method: PayMethod) -> MadeOrder {
        create_order(
            self,
            &OrderSpec {
                user_id: shop.customer,
                store_id,
                pay_method,
                status: OrderStatus::Confirmed,
                lines: &[(shop.mug, 2), (shop.tea, 1)],
            },
        )
    }

    /// The app's own state (same settings, so the same QR and submit-token keys).
    pub fn state(&self) -> AppState {
        AppState::new((*self.settings).clone())
    }

    pub fn user_id(&self, username: &str) -> i64 {
        self.sql_i64(&format!(
            "SELECT id FROM users WHERE username = '{username}'"
        ))
    }
}

impl Client {
    /// POST /counter/lookup; on a 303, follows it to the result screen.
    pub async fn look_up(&self, code: &str) -> Page {
        let res = self.post("/counter/lookup", &[("code", code)]).await;
        match (res.status, &res.location) {
            (StatusCode::SEE_OTHER, Some(to)) => self.get(to).await,
            _ => res,
        }
    }

    /// Presses Hand over on a match screen.
    pub async fn hand_over(&self, screen: &Page, payment_collected: bool) -> Page {
        let order_no = screen
            .attr_of("[data-outcome=matched]", "data-order-no")
            .expect("a match screen");
        let token = screen.input_value("submit_token").expect("a submit token");
        let mut fields = vec![("submit_token", token.as_str())];
        if payment_collected {
            fields.push(("payment_collected", "1"));
        }
        self.post(&format!("/counter/orders/{order_no}/handover"), &fields)
            .await
    }
}

fn outcome(page: &Page) -> Option<String> {
    page.attr_of(
        ".counter-result [data-outcome], [data-outcome]",
        "data-outcome",
    )
}

fn code_of(order: &MadeOrder) -> String {
    order
        .pickup_code
        .clone()
        .expect("a confirmed order has a code")
}

/// `4829137` → `482 9137`, as a customer reads it out.
fn spaced(code: &str) -> String {
    shopcounter::domain::group_digits(code)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_code_with_spaces_matches_and_hand_over_records_who_and_when() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let staff = app.staff("north", shop.north).await;

    let screen = staff
        .look_up(&format!("  {}  ", spaced(&code_of(&order))))
        .await;
    assert_eq!(screen.status, StatusCode::OK);
    assert_eq!(outcome(&screen).as_deref(), Some("matched"));
    assert!(screen.contains("alice"), "the customer is named");
    assert!(screen.contains("Tea Mug") && screen.contains("Green Tea 100 g"));
    assert_eq!(screen.text_of("[data-payment]").as_deref(), Some("PAID"));
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM pickup_lookups WHERE outcome = 'matched' AND order_id = {} \
             AND entered = '{}' AND store_id = {}",
            order.id,
            code_of(&order),
            shop.north
        )),
        1
    );

    let done = staff.hand_over(&screen, false).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.location.as_deref(), Some("/counter"));
    let counter = staff.get("/counter").await;
    assert!(counter.contains("Handed over order"), "a flash confirms it");
    assert_eq!(counter.input_value("code").as_deref(), Some(""));

    let north_id = app.user_id("north");
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'picked_up' AND picked_up_by = {north_id} \
             AND picked_up_at IS NOT NULL AND active_pickup_code IS NULL",
            order.id
        )),
        1
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM payments WHERE method = 'at_counter'"),
        0
    );

    // The same code again: already picked up, by whom.
    let again = staff.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&again).as_deref(), Some("already_picked_up"));
    assert_eq!(
        again.text_of("[data-picked-up-by]").as_deref(),
        Some("north")
    );
    assert!(
        again.input_value("submit_token").is_none(),
        "no hand-over form"
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn at_counter_order_is_handed_over_only_with_the_payment_collected_and_records_it() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let staff = app.staff("north", shop.north).await;

    let screen = staff.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&screen).as_deref(), Some("matched"));
    assert_eq!(
        screen.text_of("[data-payment]").as_deref(),
        Some("COLLECT ¥33.00")
    );

    let refused = staff.hand_over(&screen, false).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused.text_of("#collect-error").is_some(),
        "{}",
        refused.body
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'confirmed'",
            order.id
        )),
        1,
        "nothing handed over"
    );
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 0);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM submit_tokens"), 0);

    // The same form, box ticked: the token was not used up by the refusal.
    let done = staff.hand_over(&screen, true).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {} AND method = 'at_counter' \
             AND status = 'captured' AND amount_cents = 3300",
            order.id
        )),
        1
    );
    assert!(staff.get("/counter").await.contains("¥33.00 collected"));
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_counters_press_hand_over_at_the_same_moment_one_hands_over_the_other_sees_who() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    for round in 0..3 {
        let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
        let a = app.staff(&format!("anna{round}"), shop.north).await;
        let b = app.staff(&format!("ben{round}"), shop.north).await;
        let screen_a = a.look_up(&code_of(&order)).await;
        let screen_b = b.look_up(&code_of(&order)).await;
        assert_eq!(outcome(&screen_a).as_deref(), Some("matched"));
        assert_eq!(outcome(&screen_b).as_deref(), Some("matched"));

        let barrier = Arc::new(Barrier::new(2));
        let (a, b) = (Arc::new(a), Arc::new(b));
        let press = |client: Arc<Client>, screen: Page, barrier: Arc<Barrier>| async move {
            barrier.wait().await;
            client.hand_over(&screen, true).await
        };
        let (ra, rb) = tokio::join!(
            tokio::spawn(press(a.clone(), screen_a, barrier.clone())),
            tokio::spawn(press(b.clone(), screen_b, barrier.clone())),
        );
        let (ra, rb) = (ra.unwrap(), rb.unwrap());
        let mut statuses = [ra.status, rb.status];
        statuses.sort();
        assert_eq!(
            statuses,
            [StatusCode::SEE_OTHER, StatusCode::CONFLICT],
            "one hands over, the other is refused"
        );
        let (winner, loser) = if ra.status == StatusCode::SEE_OTHER {
            (format!("anna{round}"), rb)
        } else {
            (format!("ben{round}"), ra)
        };
        assert_eq!(outcome(&loser).as_deref(), Some("already_picked_up"));
        assert_eq!(
            loser.text_of("[data-picked-up-by]"),
            Some(winner.clone()),
            "the loser sees who did it"
        );
        assert!(loser.contains("Already handed over"));
        assert_eq!(
            app.sql_i64(&format!(
                "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'picked_up' AND picked_up_by = {}",
                order.id,
                app.user_id(&winner)
            )),
            1
        );
        assert_eq!(
            app.sql_i64(&format!(
                "SELECT COUNT(*) FROM payments WHERE order_id = {}",
                order.id
            )),
            1,
            "one payment recorded"
        );
    }
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_hand_over_form_sent_twice_at_once_hands_over_once() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let staff = Arc::new(app.staff("north", shop.north).await);
    let screen = Arc::new(staff.look_up(&code_of(&order)).await);
    let barrier = Arc::new(Barrier::new(4));
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let (staff, screen, barrier) = (staff.clone(), screen.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            staff.hand_over(&screen, true).await
        }));
    }
    for t in tasks {
        let res = t.await.unwrap();
        assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
        assert_eq!(res.location.as_deref(), Some("/counter"));
    }
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM payments"), 1);
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM submit_tokens WHERE purpose = 'handover'"),
        1
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn another_stores_order_is_refused_and_the_store_named() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.harbour, PayMethod::Online);
    let staff = app.staff("north", shop.north).await;

    let screen = staff.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&screen).as_deref(), Some("wrong_store"));
    assert_eq!(
        screen.text_of("[data-store-name]").as_deref(),
        Some("Harbour Store")
    );
    assert!(
        screen.input_value("submit_token").is_none(),
        "no hand-over form"
    );
    assert!(!screen.contains("/handover"));

    // Even a correctly signed hand-over form for that order is refused by the UPDATE's store guard.
    let signer = SubmitTokenSigner::new(
        &app.settings.derived_key("submit-token"),
        chrono::Duration::hours(2),
    );
    let token = signer.issue(
        app.user_id("north"),
        Purpose::Handover,
        Some(order.id),
        chrono::Utc::now(),
    );
    let res = staff
        .post(
            &format!("/counter/orders/{}/handover", order.order_no),
            &[("submit_token", &token), ("payment_collected", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert!(res.contains("Harbour Store"));
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'confirmed'",
            order.id
        )),
        1
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM pickup_lookups WHERE outcome = 'wrong_store' AND order_id = {}",
            order.id
        )),
        1
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typos_are_not_a_valid_code_and_no_order_is_looked_up() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let code = code_of(&order);
    let staff = app.staff("north", shop.north).await;

    let mut changed = code.clone().into_bytes();
    changed[2] = if changed[2] == b'9' {
        b'0'
    } else {
        changed[2] + 1
    };
    let changed = String::from_utf8(changed).unwrap();
    // Swap the first two neighbours that differ.
    let mut swapped = code.clone().into_bytes();
    let i = (0..swapped.len() - 1)
        .find(|&i| swapped[i] != swapped[i + 1])
        .expect("a code with two different neighbours");
    swapped.swap(i, i + 1);
    let swapped = String::from_utf8(swapped).unwrap();

    for typo in [
        &changed,
        &swapped,
        &"12ab34".to_string(),
        &"123".to_string(),
    ] {
        let res = staff.post("/counter/lookup", &[("code", typo)]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{typo}");
        let message = res.text_of("#code-error").unwrap_or_default();
        assert!(message.starts_with("Not a valid code"), "{typo}: {message}");
        assert_eq!(res.input_value("code").as_deref(), Some(typo.as_str()));
        assert!(res.input_value("submit_token").is_none());
    }
    assert_eq!(
        app.sql_i64(
            "SELECT COUNT(*) FROM pickup_lookups WHERE outcome = 'invalid' AND order_id IS NULL"
        ),
        4,
        "each typo is recorded as invalid, with no order read"
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM pickup_lookups WHERE order_id IS NOT NULL"),
        0
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM pickup_lookups WHERE entered = '{changed}'"
        )),
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_cancelled_codes_get_their_own_screens() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let staff = app.staff("north", shop.north).await;

    // A well-formed code nobody has.
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let mut unknown = String::from("000000");
    if code_of(&order).starts_with("000000") {
        unknown = "111111".into();
    }
    let check = shopcounter::domain::damm_check_digit(unknown.as_bytes());
    unknown.push(char::from(b'0' + check));
    let res = staff.look_up(&unknown).await;
    assert_eq!(outcome(&res).as_deref(), Some("not_found"));
    assert!(res.contains(&spaced(&unknown)));

    // An order the admin cancelled.
    {
        let mut conn = app.conn();
        shopcounter::db::in_transaction(&mut conn, |c| {
            shopcounter::shop::orders::cancel_order(
                c,
                order.id,
                shopcounter::shop::orders::CancelKind::ByAdmin,
                None,
                "Customer called to cancel",
            )
        })
        .unwrap();
    }
    let res = staff.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&res).as_deref(), Some("cancelled"));
    assert!(res.contains("Customer called to cancel"));
    assert!(res.input_value("submit_token").is_none());
    assert_eq!(
        app.sql_i64(
            "SELECT COUNT(*) FROM pickup_lookups WHERE outcome IN ('not_found', 'cancelled')"
        ),
        2
    );
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_eleventh_failed_lookup_within_a_minute_gets_429() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let staff = app.staff("north", shop.north).await;
    for n in 0..10 {
        let res = staff.post("/counter/lookup", &[("code", "1234")]).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "failed lookup {n}");
    }
    let res = staff.post("/counter/lookup", &[("code", "1234")]).await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(res.contains("wait a minute"));
    // In the counter's own layout: the input, the queue, the way back, and the seconds to wait.
    assert_eq!(outcome(&res).as_deref(), Some("throttled"));
    let seconds: i64 = res
        .attr_of("[data-retry-after]", "data-retry-after")
        .expect("the seconds left")
        .parse()
        .unwrap();
    assert!((1..=60).contains(&seconds), "{seconds}");
    assert!(res.attr_of("[data-counter-input]", "name").is_some());
    assert!(res
        .attr_of("[data-queue=to_prepare]", "data-queue")
        .is_some());
    assert!(res.attr_of("nav a[href='/counter']", "href").is_some());
    // For the rest of the minute even a right code is refused, and nothing is recorded.
    let res = staff
        .post("/counter/lookup", &[("code", &code_of(&order))])
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM pickup_lookups"), 10);

    // Another counter's account is not held up.
    let other = app.staff("north2", shop.north).await;
    let res = other.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&res).as_deref(), Some("matched"));

    // A minute later the first account may look up again.
    app.sql("UPDATE pickup_lookups SET created_at = created_at - INTERVAL 61 SECOND");
    let res = staff.look_up(&code_of(&order)).await;
    assert_eq!(outcome(&res).as_deref(), Some("matched"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn failed_lookups_sent_all_at_once_are_still_throttled_at_ten() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let staff = Arc::new(app.staff("north", shop.north).await);
    staff.csrf_token().await;
    let barrier = Arc::new(Barrier::new(20));
    let mut tasks = Vec::new();
    for _ in 0..20 {
        let (staff, barrier) = (staff.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            staff
                .post("/counter/lookup", &[("code", "99")])
                .await
                .status
        }));
    }
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            StatusCode::BAD_REQUEST => {}
            StatusCode::TOO_MANY_REQUESTS => refused += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(refused, 10);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM pickup_lookups"), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_order_shows_its_whole_pick_list_and_item_count_in_the_queue() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    // 24 lines with long Chinese names (about 2.5 KB of pick list: past MySQL's default
    // group_concat_max_len of 1 KB), each line a row of the queue's statement, grouped in Rust.
    let products: Vec<i64> = (0..24)
        .map(|i| {
            app.product(
                &format!("GIFT{i:02}"),
                &format!("{i:02} 号礼盒：明前龙井绿茶、手工青瓷茶杯与竹制茶托套装"),
                900,
                50,
            )
        })
        .collect();
    let lines: Vec<(i64, i32)> = products
        .iter()
        .enumerate()
        .map(|(i, &p)| (p, 1 + (i % 3) as i32))
        .collect();
    let big = create_order(
        &app,
        &OrderSpec {
            user_id: shop.customer,
            store_id: shop.north,
            pay_method: PayMethod::Online,
            status: OrderStatus::Confirmed,
            lines: &lines,
        },
    );
    let small = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let staff = app.staff("north", shop.north).await;
    let page = staff.get("/counter").await;
    assert_eq!(page.status, StatusCode::OK);
    let doc = page.html();
    let picks = |order_no: &str| -> Vec<String> {
        let sel = scraper::Selector::parse(&format!(
            "[data-queue=to_prepare] li[data-order-no='{order_no}'] [data-pick-list] li"
        ))
        .unwrap();
        doc.select(&sel)
            .map(|li| li.text().collect::<String>().trim().to_string())
            .collect()
    };
    let expected: Vec<String> = lines
        .iter()
        .enumerate()
        .map(|(i, (_, n))| format!("{n} × {i:02} 号礼盒：明前龙井绿茶、手工青瓷茶杯与竹制茶托套装"))
        .collect();
    assert_eq!(picks(&big.order_no), expected, "every line, in line order");
    assert_eq!(
        picks(&small.order_no),
        vec!["2 × Tea Mug", "1 × Green Tea 100 g"]
    );
    let units: i32 = lines.iter().map(|(_, n)| n).sum();
    assert!(
        page.contains(&format!("{units} items")),
        "the item count of all 24 lines"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn queue_lists_orders_oldest_first_and_mark_ready_moves_them() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let first = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let second = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let third = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let elsewhere = app.confirmed_order(&shop, shop.harbour, PayMethod::Online);
    // Placed 40, 25 and 5 minutes ago; the second was paid 20 minutes ago.
    app.sql(&format!(
        "UPDATE orders SET created_at = NOW() - INTERVAL 40 MINUTE WHERE id = {};
         UPDATE orders SET created_at = NOW() - INTERVAL 25 MINUTE, paid_at = NOW() - INTERVAL 20 MINUTE WHERE id = {};
         UPDATE orders SET created_at = NOW() - INTERVAL 5 MINUTE WHERE id = {};",
        first.id, second.id, third.id
    ));
    let staff = app.staff("north", shop.north).await;
    let page = staff.get("/counter").await;
    assert_eq!(page.status, StatusCode::OK);
    let order_nos = |page: &Page, list: &str| -> Vec<String> {
        let doc = page.html();
        let sel = scraper::Selector::parse(&format!("[data-queue={list}] li")).unwrap();
        doc.select(&sel)
            .filter_map(|li| li.value().attr("data-order-no").map(str::to_string))
            .collect()
    };
    assert_eq!(
        order_nos(&page, "to_prepare"),
        vec![
            first.order_no.clone(),
            second.order_no.clone(),
            third.order_no.clone()
        ]
    );
    assert!(
        !page.contains(&elsewhere.order_no),
        "only this store's orders"
    );
    assert!(
        page.contains("40 min") && page.contains("20 min"),
        "how long each waited"
    );
    assert!(page.contains("collect ¥33.00"));

    let res = staff
        .post(&format!("/counter/orders/{}/ready", second.order_no), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let page = staff.get("/counter").await;
    assert!(page.contains("is ready for pickup"));
    assert_eq!(order_nos(&page, "waiting"), vec![second.order_no.clone()]);
    assert_eq!(
        order_nos(&page, "to_prepare"),
        vec![first.order_no.clone(), third.order_no.clone()]
    );
    let north_id = app.user_id("north");
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'ready' AND ready_by = {north_id} AND ready_at IS NOT NULL",
            second.id
        )),
        1
    );

    // Twice: nothing changes, and the staff member is told why.
    let res = staff
        .post(&format!("/counter/orders/{}/ready", second.order_no), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(staff
        .get("/counter")
        .await
        .contains("was not marked ready: it is ready for pickup"));
    // Another store's order: not found here, untouched.
    let res = staff
        .post(
            &format!("/counter/orders/{}/ready", elsewhere.order_no),
            &[],
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'confirmed'",
            elsewhere.id
        )),
        1
    );
    // A ready order is still handed over by its code.
    let screen = staff.look_up(&code_of(&second)).await;
    assert_eq!(outcome(&screen).as_deref(), Some("matched"));
    assert_eq!(
        staff.hand_over(&screen, false).await.status,
        StatusCode::SEE_OTHER
    );
    assert!(!staff.get("/counter").await.contains(&second.order_no));
    assert_invariants(&app);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_is_for_staff_and_lookups_are_private_to_their_maker() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);

    let anonymous = app.client();
    let res = anonymous.get("/counter").await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(res.location.unwrap_or_default().starts_with("/login"));

    let customer = app.customer("carol").await;
    assert_eq!(customer.get("/counter").await.status, StatusCode::FORBIDDEN);
    let res = customer
        .post("/counter/lookup", &[("code", &code_of(&order))])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);

    let staff = app.staff("north", shop.north).await;
    // Without the CSRF token: refused, nothing recorded.
    let res = staff
        .post_raw("/counter/lookup", &[("code", &code_of(&order))])
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM pickup_lookups"), 0);

    let res = staff
        .post("/counter/lookup", &[("code", &code_of(&order))])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    let result_page = res.location.unwrap();
    let colleague = app.staff("north2", shop.north).await;
    assert_eq!(
        colleague.get(&result_page).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(staff.get(&result_page).await.status, StatusCode::OK);
    // A forged hand-over token is refused before anything happens.
    let res = staff
        .post(
            &format!("/counter/orders/{}/handover", order.order_no),
            &[("submit_token", "forged"), ("payment_collected", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'confirmed'",
            order.id
        )),
        1
    );
}

/// A verified hand-over token, as the match screen would have issued it.
fn handover_token(app: &TestApp, staff_id: i64, order_id: i64) -> shopcounter::domain::TokenId {
    let signer = SubmitTokenSigner::new(
        &app.settings.derived_key("submit-token"),
        chrono::Duration::hours(2),
    );
    let now = chrono::Utc::now();
    let raw = signer.issue(staff_id, Purpose::Handover, Some(order_id), now);
    signer
        .verify(&raw, staff_id, Purpose::Handover, Some(order_id), now)
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hand_over_racing_the_pickup_window_sweep_either_hands_over_or_cancels_never_both() {
    use shopcounter::shop::counter::{hand_over, HandOver, StaffMember};
    use shopcounter::shop::sweeper::cancel_uncollected;

    let app = spawn_app().await;
    let shop = app.counter_shop();
    let staff_id = app.account("north", "north-password", Role::Staff, Some(shop.north));
    let staff = StaffMember {
        user_id: staff_id,
        store_id: shop.north,
    };
    let (mut handed, mut cancelled) = (0, 0);
    for _ in 0..12 {
        let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
        app.sql(&format!(
            "UPDATE orders SET created_at = NOW() - INTERVAL 49 HOUR WHERE id = {}",
            order.id
        ));
        let token = handover_token(&app, staff_id, order.id);
        let barrier = Arc::new(std::sync::Barrier::new(2));
        let (mut c1, mut c2) = (app.conn(), app.conn());
        let b1 = barrier.clone();
        let counter = std::thread::spawn(move || {
            b1.wait();
            hand_over(&mut c1, staff, order.id, &token, true).unwrap()
        });
        let sweeper = std::thread::spawn(move || {
            barrier.wait();
            cancel_uncollected(&mut c2, 48).unwrap()
        });
        let (outcome, swept) = (counter.join().unwrap(), sweeper.join().unwrap());
        let payments = app.sql_i64(&format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {}",
            order.id
        ));
        let releases = app.sql_i64(&format!(
            "SELECT COUNT(*) FROM stock_movements WHERE reason = 'release' AND order_id = {}",
            order.id
        ));
        match outcome {
            HandOver::Done { .. } => {
                handed += 1;
                assert_eq!(swept, 0);
                assert_eq!((payments, releases), (1, 0));
            }
            HandOver::Cancelled { .. } => {
                cancelled += 1;
                assert_eq!(swept, 1);
                assert_eq!((payments, releases), (0, 2));
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(handed + cancelled, 12);
    assert_invariants(&app);
}
