//! The counter in real Chromium: type a code with spaces, see the match, hand over, and be back
//! at an empty, focused input. Screenshots land in target/screenshots/ to be looked at.

use fantoccini::{Client, Locator};

use shopcounter::domain::{group_digits, group_order_no, PayMethod};

use super::browser::{assert_fits_the_width, Browser};
use super::helpers::{spawn_app, TestApp};

async fn active_element_is_the_code_input(c: &Client) -> bool {
    c.execute(
        "return document.activeElement === document.querySelector('[data-counter-input]');",
        vec![],
    )
    .await
    .expect("script")
    .as_bool()
    .unwrap_or(false)
}

/// The clerk `north`, of the store `store`.
fn north_clerk(app: &TestApp, store: i64) {
    app.account(
        "north",
        "north-password",
        shopcounter::domain::Role::Staff,
        Some(store),
    );
}

/// A browser of `width` × `height` in which the clerk `north` has logged in and landed on the counter.
async fn north_at_the_counter(address: &str, width: u32, height: u32) -> Browser {
    let browser = Browser::start(width, height).await;
    browser.log_in(address, "north", "north-password").await;
    browser
        .client
        .wait()
        .for_element(Locator::Css("[data-counter-input]"))
        .await
        .expect("the counter");
    browser
}

async fn input_value(c: &Client) -> String {
    c.find(Locator::Css("[data-counter-input]"))
        .await
        .expect("the code input")
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_types_a_code_with_spaces_hands_over_and_is_back_at_an_empty_focused_input() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    // Something in the queue, for the screenshot.
    let waiting = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = NOW() - INTERVAL 7 MINUTE WHERE id = {};
         UPDATE orders SET created_at = NOW() - INTERVAL 12 MINUTE WHERE id = {};",
        waiting.id, order.id
    ));
    north_clerk(&app, shop.north);

    // Staff land on the counter, the input focused and empty.
    let browser = north_at_the_counter(&app.address, 1280, 800).await;
    let c = &browser.client;
    assert!(c.current_url().await.unwrap().path() == "/counter");
    assert!(active_element_is_the_code_input(c).await);
    browser.screenshot("counter-queue-1280").await;

    // The customer reads the code aloud; staff type it with spaces, then Enter.
    let code = order.pickup_code.clone().unwrap();
    let input = c.find(Locator::Css("[data-counter-input]")).await.unwrap();
    input
        .send_keys(&format!("{}\u{E007}", group_digits(&code)))
        .await
        .expect("type the code");
    let matched = c
        .wait()
        .for_element(Locator::Css("[data-outcome=matched]"))
        .await
        .expect("the match screen");
    let text = matched.text().await.unwrap();
    assert!(text.contains("alice"), "{text}");
    assert!(text.contains("COLLECT ¥33.00"), "{text}");
    assert!(text.contains("Tea Mug"), "{text}");
    assert_eq!(match_order_no(c).await, group_order_no(&order.order_no));
    browser.screenshot("counter-match-1280").await;

    c.find(Locator::Css("input[name=payment_collected]"))
        .await
        .expect("the payment box")
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("button.handover"))
        .await
        .expect("the Hand over button")
        .click()
        .await
        .unwrap();
    c.wait()
        .for_element(Locator::Css(".flash-ok"))
        .await
        .expect("a confirmation");
    assert_eq!(c.current_url().await.unwrap().path(), "/counter");
    assert_eq!(input_value(c).await, "");
    assert!(
        active_element_is_the_code_input(c).await,
        "ready for the next customer"
    );
    browser.screenshot("counter-after-handover-1280").await;

    // A mistyped code: the message is next to the input, and the input is focused again.
    let input = c.find(Locator::Css("[data-counter-input]")).await.unwrap();
    let mut typo = code.clone().into_bytes();
    typo[0] = if typo[0] == b'9' { b'0' } else { typo[0] + 1 };
    input
        .send_keys(&format!("{}\u{E007}", String::from_utf8(typo).unwrap()))
        .await
        .unwrap();
    let error = c
        .wait()
        .for_element(Locator::Css("#code-error"))
        .await
        .expect("the error");
    assert!(error.text().await.unwrap().starts_with("Not a valid code"));
    assert!(active_element_is_the_code_input(c).await);
    browser.screenshot("counter-invalid-1280").await;

    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM orders WHERE id = {} AND status = 'picked_up'",
            order.id
        )),
        1
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT COUNT(*) FROM payments WHERE order_id = {} AND method = 'at_counter'",
            order.id
        )),
        1
    );
    browser.close().await;
}

/// The order number the match screen shows (as the customer's pages show it: grouped).
async fn match_order_no(c: &Client) -> String {
    let line = c
        .find(Locator::Css("[data-match-order-no]"))
        .await
        .expect("the order line of the match")
        .text()
        .await
        .expect("text");
    // "Order 251203 091502 123456 · North Store"
    line.trim_start_matches("Order ")
        .split(" · ")
        .next()
        .unwrap_or_default()
        .to_string()
}

/// Whether the element is wholly inside the window (not cut off, not below the fold).
async fn on_screen(c: &Client, css: &str) -> bool {
    c.execute(
        "var r = document.querySelector(arguments[0]).getBoundingClientRect(); \
         return r.left >= 0 && r.right <= window.innerWidth && r.width > 0;",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("script")
    .as_bool()
    .unwrap_or(false)
}

/// How much of `main`'s content width the first element matching `css` takes (0 to 1).
async fn width_share(c: &Client, css: &str) -> f64 {
    c.execute(
        "var m = document.querySelector('main'), s = getComputedStyle(m); \
         var inner = m.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight); \
         return document.querySelector(arguments[0]).getBoundingClientRect().width / inner;",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("script")
    .as_f64()
    .unwrap_or(0.0)
}

/// The computed font size of the first element matching `css`, in px.
async fn font_px(c: &Client, css: &str) -> f64 {
    c.execute(
        "return parseFloat(getComputedStyle(document.querySelector(arguments[0])).fontSize);",
        vec![serde_json::json!(css)],
    )
    .await
    .expect("script")
    .as_f64()
    .unwrap_or(0.0)
}

/// The counter on a phone (a clerk's own, or a small shop's only device): the lookup, the match
/// and the queue fit the width, the code and the amount stay large enough to read at arm's length,
/// and Hand over is on screen.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_fits_a_phone_and_stays_readable_at_arms_length() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let waiting = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    app.confirmed_order(&shop, shop.north, PayMethod::Online);
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = NOW() - INTERVAL 7 MINUTE WHERE id = {}",
        waiting.id
    ));
    north_clerk(&app, shop.north);
    for (width, height) in [(360, 780), (390, 844)] {
        let browser = north_at_the_counter(&app.address, width, height).await;
        let c = &browser.client;
        assert_eq!(
            c.execute("return window.innerWidth;", vec![])
                .await
                .unwrap()
                .as_i64(),
            Some(i64::from(width)),
            "a true {width} px page"
        );
        assert_fits_the_width(c, &format!("the counter's lookup and queue at {width} px")).await;
        assert!(
            on_screen(c, ".counter-lookup button[type=submit]").await,
            "Look up is on screen at {width} px"
        );
        // The code input and a queue row's who-and-what get the width, not a squeezed column.
        for css in ["[data-counter-input]", "[data-queue=to_prepare] .queue-who"] {
            let share = width_share(c, css).await;
            assert!(
                share >= 0.9,
                "{css} takes {share:.2} of the width at {width} px"
            );
        }
        browser.screenshot(&format!("counter-queue-{width}")).await;

        let code = order.pickup_code.clone().unwrap();
        let input = c.find(Locator::Css("[data-counter-input]")).await.unwrap();
        input
            .send_keys(&format!("{}\u{E007}", group_digits(&code)))
            .await
            .expect("type the code");
        c.wait()
            .for_element(Locator::Css("[data-outcome=matched]"))
            .await
            .expect("the match screen");
        assert_fits_the_width(c, &format!("the match screen at {width} px")).await;
        assert_eq!(match_order_no(c).await, group_order_no(&order.order_no));
        assert!(
            on_screen(c, "button.handover").await,
            "Hand over fits at {width} px"
        );
        assert!(
            font_px(c, "[data-payment=collect]").await >= 28.0,
            "the amount to collect is large at {width} px"
        );
        assert!(
            font_px(c, "[data-entered-code]").await >= 22.0,
            "the entered code is large at {width} px"
        );
        browser.screenshot(&format!("counter-match-{width}")).await;
        c.execute(
            "document.querySelector('button.handover').scrollIntoView({block: 'end'});",
            vec![],
        )
        .await
        .unwrap();
        browser
            .screenshot(&format!("counter-match-{width}-handover"))
            .await;
        browser.close().await;
    }
}

/// Makes the page look as printed: the stylesheet's `@media print` rules applied on screen.
const EMULATE_PRINT: &str = r#"
  // The print rules appended to the page's own stylesheet through the CSSOM: the CSP (no inline
  // style) would refuse a <style> element.
  var rules = [];
  for (const sheet of document.styleSheets) {
    for (const rule of sheet.cssRules) {
      if (rule instanceof CSSMediaRule && rule.media.mediaText.includes("print")) {
        for (const inner of rule.cssRules) rules.push(inner.cssText);
      }
    }
  }
  var target = document.styleSheets[0];
  var css = 0;
  for (const r of rules) { target.insertRule(r, target.cssRules.length); css += r.length; }
  return css;
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_page_on_a_phone_shows_the_code_large_and_the_qr() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let order = app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    app.sql(&format!(
        "UPDATE orders SET status = 'ready', ready_at = NOW() WHERE id = {}",
        order.id
    ));
    let browser = Browser::start(390, 844).await;
    browser
        .log_in(&app.address, "alice", "alice-password")
        .await;
    let c = &browser.client;
    c.goto(&format!("{}/orders/{}", app.address, order.order_no))
        .await
        .unwrap();
    let code = c
        .wait()
        .for_element(Locator::Css("[data-pickup-code]"))
        .await
        .expect("the pickup code");
    assert_eq!(
        code.text().await.unwrap(),
        group_digits(order.pickup_code.as_deref().unwrap())
    );
    let ready = c
        .find(Locator::Css("[data-pickup-ready]"))
        .await
        .expect("ready banner");
    assert_eq!(
        ready.text().await.unwrap(),
        "Ready for pickup at North Store"
    );
    // The code fits the phone's width and is big enough to read across a counter.
    let (width, font_px) = {
        let v = c
            .execute(
                "var e = document.querySelector('[data-pickup-code]'); \
                 return [e.scrollWidth <= e.clientWidth, parseFloat(getComputedStyle(e).fontSize)];",
                vec![],
            )
            .await
            .unwrap();
        (v[0].as_bool().unwrap(), v[1].as_f64().unwrap())
    };
    assert!(width, "the code does not overflow");
    assert!(font_px >= 40.0, "code font {font_px}px");
    c.find(Locator::Css(".qr svg")).await.expect("the QR");
    browser.screenshot("order-pickup-phone").await;

    // The printed slip: only the pickup block, with order number and store.
    c.execute(EMULATE_PRINT, vec![]).await.unwrap();
    let visible = c
        .execute(
            "return [...document.querySelectorAll('main *')].filter(e => e.offsetParent !== null \
             && !e.closest('.pickup-slip') && !e.querySelector('.pickup-slip')).length;",
            vec![],
        )
        .await
        .unwrap();
    let printed = c
        .execute(
            "return [...document.querySelectorAll('main *')].filter(e => e.offsetParent !== null \
             && !e.closest('.pickup-slip') && !e.querySelector('.pickup-slip')).map(e => e.tagName + '.' + e.className).join(' ');",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        visible.as_i64(),
        Some(0),
        "nothing but the slip is printed: {printed}"
    );
    browser.screenshot("order-pickup-print").await;
    browser.close().await;
}
