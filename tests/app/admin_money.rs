//! The admin sees money: today's takings per store and in total (captured payments minus refunds,
//! in shop time) with the last 14 days as an SVG chart; sold (paid) and held units; low stock only
//! when low; and the orders as a streamed CSV with the list's filters.

use chrono::{Duration, TimeZone, Utc};
use reqwest::StatusCode;

use shopcounter::domain::{OrderStatus, PayMethod, Role};

use super::fixtures::{create_order, OrderSpec};
use super::helpers::spawn_app;

#[tokio::test]
async fn the_dashboard_shows_todays_takings_per_store_in_shop_time_and_14_days() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let offset = app.settings.shop_utc_offset;
    // Midnight of today in the shop, as the UTC the database stores.
    let shop_now = Utc::now().with_timezone(&offset);
    let today = shop_now.date_naive();
    let start = offset
        .from_local_datetime(&today.and_hms_opt(0, 0, 0).unwrap())
        .unwrap()
        .naive_utc();
    let at = |t: chrono::NaiveDateTime| t.format("%Y-%m-%d %H:%M:%S").to_string();

    // North: one paid today, one paid yesterday and refunded today. Harbour: one paid just after
    // the shop's midnight (today), one just before it (yesterday). An at-counter order: no money yet.
    let north_today = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let north_refunded = app.confirmed_order(&shop, shop.north, PayMethod::Online);
    let harbour_today = app.confirmed_order(&shop, shop.harbour, PayMethod::Online);
    let harbour_yesterday = app.confirmed_order(&shop, shop.harbour, PayMethod::Online);
    app.confirmed_order(&shop, shop.north, PayMethod::AtCounter);
    let _ = north_today;
    app.sql(&format!(
        "UPDATE payments SET created_at = '{}' WHERE order_id = {};
         UPDATE payments SET created_at = '{}' WHERE order_id = {};
         UPDATE payments SET created_at = '{}', status = 'refunded', refunded_at = NOW() WHERE order_id = {};
         UPDATE orders SET status = 'cancelled', cancelled_at = NOW() WHERE id = {};",
        at(start + Duration::seconds(30)),
        harbour_today.id,
        at(start - Duration::seconds(30)),
        harbour_yesterday.id,
        at(start - Duration::hours(3)),
        north_refunded.id,
        north_refunded.id,
    ));

    let admin = app.admin("boss").await;
    let page = admin.get("/admin").await;
    assert_eq!(page.status, StatusCode::OK);
    let net = |store: &str| {
        page.text_of(&format!(
            "[data-takings-store='{store}'] [data-takings-net]"
        ))
    };
    assert_eq!(
        net("North Store").as_deref(),
        Some("¥0.00"),
        "33 taken, 33 refunded"
    );
    assert_eq!(net("Harbour Store").as_deref(), Some("¥33.00"));
    assert_eq!(
        page.attr_of("[data-takings-total]", "data-takings-total")
            .as_deref(),
        Some("3300")
    );
    // The chart: 14 days, today last, yesterday with the two captures before midnight.
    let days: Vec<(String, String)> = page
        .html()
        .select(&scraper::Selector::parse("[data-takings-chart] [data-day]").unwrap())
        .map(|g| {
            (
                g.value().attr("data-day").unwrap().to_string(),
                g.value().attr("data-net-cents").unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(days.len(), 14);
    let iso = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    assert_eq!(days[13], (iso(today), "3300".to_string()));
    assert_eq!(
        days[12],
        (iso(today - Duration::days(1)), "6600".to_string())
    );
    assert!(page.contains("<svg class=\"takings-chart\""));
}

#[tokio::test]
async fn sold_counts_paid_units_held_the_rest_and_low_stock_is_marked_only_when_low() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Mug", 4_500, 100);
    let kettle = app.product("KETTLE", "Kettle", 25_900, 4);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let order = |pay_method, status, qty| {
        create_order(
            &app,
            &OrderSpec {
                user_id: carol,
                store_id: store,
                pay_method,
                status,
                lines: &[(mug, qty)],
            },
        )
    };
    order(PayMethod::Online, OrderStatus::PendingPayment, 3); // held
    order(PayMethod::Online, OrderStatus::Confirmed, 1); // paid: sold
    order(PayMethod::AtCounter, OrderStatus::Confirmed, 2); // paid at the counter later: held
    let collected = order(PayMethod::AtCounter, OrderStatus::Confirmed, 4);
    // Handed over: the counter took the money.
    app.sql(&format!(
        "UPDATE orders SET status = 'picked_up', picked_up_at = NOW() WHERE id = {0};
         INSERT INTO payments (order_id, amount_cents, method, status) VALUES ({0}, 18000, 'at_counter', 'captured');",
        collected.id
    ));
    let cancelled = order(PayMethod::Online, OrderStatus::PendingPayment, 7);
    app.sql(&format!(
        "UPDATE orders SET status = 'cancelled' WHERE id = {0};
         UPDATE products SET sales = sales - 7, stock = stock + 7 WHERE id = {mug};
         INSERT INTO stock_movements (product_id, delta, reason, order_id, note, stock_after)
           VALUES ({mug}, 7, 'release', {0}, 'test', (SELECT stock FROM products WHERE id = {mug}));",
        cancelled.id
    ));

    let admin = app.admin("boss").await;
    let page = admin.get("/admin/stock").await;
    let cell = |id: i64, attr: &str| page.text_of(&format!("tr[data-product-id='{id}'] [{attr}]"));
    assert_eq!(
        cell(mug, "data-sold").as_deref(),
        Some("5"),
        "1 paid online + 4 paid at the counter"
    );
    assert_eq!(
        cell(mug, "data-held").as_deref(),
        Some("5"),
        "3 unpaid online + 2 at the counter"
    );
    assert_eq!(cell(kettle, "data-sold").as_deref(), Some("0"));
    assert!(cell(kettle, "data-low-stock").is_some(), "4 left is low");
    assert!(cell(mug, "data-low-stock").is_none());
    let mug_low_cell = page
        .text_of(&format!("tr[data-product-id='{mug}'] td:last-child"))
        .unwrap_or_default();
    assert_eq!(mug_low_cell, "", "nothing in the low column when not low");

    let dashboard = admin.get("/admin").await;
    assert_eq!(
        dashboard
            .text_of("[data-figure=units-sold-today]")
            .as_deref(),
        Some("5")
    );
    assert_eq!(
        dashboard
            .text_of("[data-figure=units-held-today]")
            .as_deref(),
        Some("5")
    );
}

/// A small CSV reader for the test: quoted fields with doubled quotes, CRLF rows.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(
        field.is_empty() && row.is_empty(),
        "the file ends with a full row"
    );
    rows
}

#[tokio::test]
async fn the_orders_csv_has_the_lists_filters_and_streams_every_page() {
    let app = spawn_app().await;
    let shop = app.counter_shop();
    let east = app.store("SH03", "Harbour, \"East\"");
    let mut north = Vec::new();
    for _ in 0..3 {
        north.push(app.confirmed_order(&shop, shop.north, PayMethod::AtCounter));
    }
    let east_order = app.confirmed_order(&shop, east, PayMethod::Online);
    let admin = app.admin("boss").await;

    let res = admin
        .http
        .get(format!(
            "{}/admin/orders.csv?store={}",
            app.address, shop.north
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let rows = parse_csv(&res.text().await.unwrap());
    assert_eq!(
        rows[0],
        [
            "order_no",
            "created",
            "status",
            "pay_method",
            "store",
            "customer",
            "total",
            "total_cents"
        ]
    );
    let numbers: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    let mut expected: Vec<&str> = north.iter().map(|o| o.order_no.as_str()).collect();
    expected.reverse();
    assert_eq!(numbers, expected, "the store's orders, newest first");
    assert!(rows[1..]
        .iter()
        .all(|r| r[4] == "North Store" && r[6] == "33.00" && r[7] == "3300"));
    assert!(rows[1..]
        .iter()
        .all(|r| r[2] == "confirmed" && r[5] == "alice"));

    // A field with a comma and quotes survives the round trip.
    let east_rows = parse_csv(
        &admin
            .get(&format!("/admin/orders.csv?store={east}"))
            .await
            .body,
    );
    assert_eq!(east_rows.len(), 2);
    assert_eq!(east_rows[1][0], east_order.order_no);
    assert_eq!(east_rows[1][4], "Harbour, \"East\"");

    // More orders than one batch: every one of them, each once.
    app.sql(&format!(
        "INSERT INTO orders (order_no, user_id, store_id, status, pay_method, total_cents)
         WITH RECURSIVE d (i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM d WHERE i < 49)
         SELECT CONCAT('26010100000', LPAD(a.i * 50 + b.i, 7, '0')), {}, {}, 'cancelled', 'online', 100
         FROM d a CROSS JOIN d b WHERE a.i * 50 + b.i < 1234",
        shop.customer, shop.harbour
    ));
    let all = parse_csv(
        &admin
            .get(&format!(
                "/admin/orders.csv?store={}&status=cancelled",
                shop.harbour
            ))
            .await
            .body,
    );
    assert_eq!(all.len(), 1 + 1234);
    let mut seen: Vec<&str> = all[1..].iter().map(|r| r[0].as_str()).collect();
    seen.sort_unstable();
    seen.dedup();
    assert_eq!(seen.len(), 1234);
    // Bad filters are refused, as on the list.
    assert_eq!(
        admin.get("/admin/orders.csv?from=yesterday").await.status,
        StatusCode::BAD_REQUEST
    );
    // The list links to the export of what it shows.
    let list = admin
        .get(&format!("/admin/orders?store={}", shop.north))
        .await;
    assert_eq!(
        list.attr_of("[data-export-csv]", "href"),
        Some(format!("/admin/orders.csv?store={}", shop.north))
    );
}
