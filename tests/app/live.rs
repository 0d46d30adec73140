//! Live parts over HTTP (SPEC §14): the order page's and the counter queue's version checks answer
//! 204 while nothing changed and the part again once it did — read from the database, so a change
//! made by another instance (here: straight in SQL) shows up too. Also the counter's pick lists,
//! the entered code on result screens, the tones, and its error pages.

use reqwest::StatusCode;

use shopcounter::domain::{group_digits, PayMethod};

use super::helpers::{spawn_app, Page};

fn live_version(page: &Page, css: &str) -> String {
    page.attr_of(css, "data-live-version")
        .unwrap_or_else(|| panic!("{css} carries its version: {}", page.body))
}

#[tokio::test]
async fn the_order_page_part_comes_again_only_when_the_order_changed() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let alice = app.client();
    alice.login("alice", "alice-password").await;
    let path = format!("/orders/{}", order.order_no);
    let page = alice.get(&path).await;
    let version = live_version(&page, "[data-live]");
    assert_eq!(
        page.attr_of("[data-live]", "data-live").as_deref(),
        Some(format!("{path}/live").as_str())
    );
    // Pay at the counter: the amount to bring is under the code.
    assert_eq!(
        page.text_of("[data-bring]").as_deref(),
        Some("Bring ¥33.00")
    );

    let same = alice.get(&format!("{path}/live?v={version}")).await;
    assert_eq!(same.status, StatusCode::NO_CONTENT);
    assert!(same.body.is_empty());

    // The counter (of any instance) marks it ready.
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = NOW() WHERE id = {}",
        order.id
    ));
    let changed = alice.get(&format!("{path}/live?v={version}")).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(
        changed.body.trim_start().starts_with("<article"),
        "only the part"
    );
    assert!(!changed.contains("<html"), "not the whole page");
    assert_eq!(
        changed
            .attr_of("[data-order-status]", "data-order-status")
            .as_deref(),
        Some("ready")
    );
    assert!(changed.attr_of("[data-pickup-ready]", "class").is_some());
    assert_eq!(live_version(&changed, "[data-live]"), "ready");

    // Someone else's order stays unknown.
    let bob = app.customer("bob").await;
    assert_eq!(
        bob.get(&format!("{path}/live?v=ready")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_counter_queue_part_comes_again_when_an_order_arrives_with_its_pick_list() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let first = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let staff = app.staff("north", shop.north).await;
    let page = staff.get("/counter").await;
    let version = live_version(&page, "[data-live='/counter/queue']");
    // The pick list: what to put in the bag, per order.
    assert_eq!(
        page.text_of(&format!(
            "[data-queue=to_prepare] li[data-order-no='{}'] [data-pick-list]",
            first.order_no
        ))
        .as_deref(),
        Some("2 × Tea Mug 1 × Green Tea 100 g")
    );
    let same = staff.get(&format!("/counter/queue?v={version}")).await;
    assert_eq!(same.status, StatusCode::NO_CONTENT);

    let second = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let changed = staff.get(&format!("/counter/queue?v={version}")).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert!(changed
        .body
        .trim_start()
        .starts_with("<div class=\"queue\""));
    assert!(changed.contains(&second.order_no));
    let version = live_version(&changed, "[data-live]");

    // Mark ready and hand-over change it too; another store's orders do not.
    app.confirmed_order(&shop, shop.harbour, PayMethod::Online);
    assert_eq!(
        staff
            .get(&format!("/counter/queue?v={version}"))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = NOW() WHERE id = {}",
        first.id
    ));
    let changed = staff.get(&format!("/counter/queue?v={version}")).await;
    assert_eq!(changed.status, StatusCode::OK);
    let version = live_version(&changed, "[data-live]");
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        first.id
    ));
    assert_eq!(
        staff
            .get(&format!("/counter/queue?v={version}"))
            .await
            .status,
        StatusCode::OK
    );
    // Only staff see it.
    let alice = app.client();
    alice.login("alice", "alice-password").await;
    assert_eq!(
        alice.get("/counter/queue").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn result_screens_show_the_entered_code_the_queue_and_the_tone() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let code = order.pickup_code.clone().unwrap();
    let staff = app.staff("north", shop.north).await;

    let idle = staff.get("/counter").await;
    assert!(
        idle.attr_of("[data-tone]", "data-tone").is_none(),
        "no tone"
    );

    let matched = staff.look_up(&code).await;
    assert_eq!(
        matched.text_of("[data-entered-code]"),
        Some(group_digits(&code))
    );
    assert_eq!(
        matched.attr_of("[data-tone]", "data-tone").as_deref(),
        Some("success")
    );
    assert!(
        matched
            .attr_of("[data-queue=to_prepare]", "data-queue")
            .is_some(),
        "the queue stays under the result"
    );

    // A well-formed code nobody has.
    let mut other = String::from(if code.starts_with("000000") {
        "111111"
    } else {
        "000000"
    });
    let check = shopcounter::domain::damm_check_digit(other.as_bytes());
    other.push(char::from(b'0' + check));
    let missing = staff.look_up(&other).await;
    assert_eq!(
        missing.text_of("[data-entered-code]"),
        Some(group_digits(&other))
    );
    assert_eq!(
        missing.attr_of("[data-tone]", "data-tone").as_deref(),
        Some("refusal")
    );
    let typo = staff.look_up("12").await;
    assert_eq!(
        typo.attr_of("[data-tone]", "data-tone").as_deref(),
        Some("refusal")
    );

    // Pressing Hand over on an old match screen after the order left: the code is shown too.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {}",
        order.id
    ));
    let late = staff.hand_over(&matched, false).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(
        late.text_of("[data-entered-code]"),
        Some(group_digits(&code))
    );
}

#[tokio::test]
async fn counter_error_pages_keep_the_counter_layout_and_lead_back_to_it() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let staff = app.staff("north", shop.north).await;
    // A form without its CSRF token (e.g. a page left open across a new login).
    let refused = staff.post_raw("/counter/lookup", &[("code", "1234")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        refused.attr_of("[data-back]", "href").as_deref(),
        Some("/counter")
    );
    assert!(refused.attr_of("nav a[href='/counter']", "href").is_some());
    let gone = staff.get("/counter/lookups/999999").await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    assert_eq!(
        gone.attr_of("[data-back]", "href").as_deref(),
        Some("/counter")
    );
    // Elsewhere the way back is the shop.
    let elsewhere = staff.get("/no/such/page").await;
    assert_eq!(
        elsewhere.attr_of("[data-back]", "href").as_deref(),
        Some("/")
    );
}
