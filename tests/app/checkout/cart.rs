//! The cart: merging lines, the 99 cap, selection, removal, and bad input (never a 500).

use reqwest::StatusCode;

use super::super::helpers::spawn_app;

#[tokio::test]
async fn the_same_product_is_one_line_and_quantities_cap_at_99() {
    let app = spawn_app().await;
    let mug = app.product("MUG", "Tea Mug", 1250, 500);
    let alice = app.customer("alice").await;
    let added = alice.add_to_cart(mug, "2").await;
    assert_eq!(added.status, StatusCode::SEE_OTHER);
    // Back to the catalog (at the product), with the message and the cart's count.
    assert_eq!(
        added.location.as_deref(),
        Some(format!("/#product-{mug}").as_str())
    );
    let catalog = alice.get("/").await;
    assert_eq!(
        catalog.text_of("[data-flash]").as_deref(),
        Some("Added 2 × Tea Mug · View cart (2)")
    );
    assert_eq!(
        catalog.attr_of("[data-flash] a", "href").as_deref(),
        Some("/cart")
    );
    assert_eq!(catalog.text_of("[data-cart-count]").as_deref(), Some("2"));
    alice.add_to_cart(mug, "3").await;
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM cart_items"), 1);
    assert_eq!(app.sql_i64("SELECT quantity FROM cart_items"), 5);
    alice.add_to_cart(mug, "60").await;
    alice.add_to_cart(mug, "60").await;
    assert_eq!(app.sql_i64("SELECT quantity FROM cart_items"), 99);
    let cart = alice.get("/cart").await;
    assert_eq!(cart.status, StatusCode::OK);
    assert!(cart.contains("Tea Mug"));
}

#[tokio::test]
async fn lines_can_be_changed_deselected_and_removed() {
    let app = spawn_app().await;
    let mug = app.product("MUG", "Tea Mug", 1250, 50);
    let tea = app.product("TEA", "Green Tea", 800, 50);
    let alice = app.customer("alice").await;
    alice.add_to_cart(mug, "1").await;
    alice.add_to_cart(tea, "1").await;
    let res = alice
        .post(
            &format!("/cart/items/{mug}"),
            &[("quantity", "4"), ("selected", "1")],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    // Unticked checkbox: the field is absent.
    alice
        .post(&format!("/cart/items/{tea}"), &[("quantity", "2")])
        .await;
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT quantity FROM cart_items WHERE product_id = {mug}"
        )),
        4
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT selected FROM cart_items WHERE product_id = {tea}"
        )),
        0
    );
    let cart = alice.get("/cart").await;
    assert_eq!(cart.text_of("[data-cart-total]").as_deref(), Some("¥50.00"));
    let checkout = alice.get("/checkout").await;
    assert!(checkout.contains("Tea Mug") && !checkout.contains("Green Tea"));
    let removed = alice.post(&format!("/cart/items/{mug}/delete"), &[]).await;
    assert_eq!(removed.status, StatusCode::SEE_OTHER);
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM cart_items"), 1);
}

#[tokio::test]
async fn bad_quantities_are_400_naming_the_field() {
    let app = spawn_app().await;
    let mug = app.product("MUG", "Tea Mug", 1250, 50);
    let alice = app.customer("alice").await;
    for bad in ["0", "-1", "100", "abc", "9223372036854775808", "", "1.5"] {
        let res = alice.add_to_cart(mug, bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "add {bad:?}");
        assert_eq!(
            res.attr_of("[data-field-error]", "data-field-error")
                .as_deref(),
            Some("quantity"),
            "add {bad:?}"
        );
        assert!(res.contains("Quantity must be a whole number from 1 to 99."));
    }
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM cart_items"), 0);
    alice.add_to_cart(mug, "2").await;
    for bad in ["0", "-1", "100", "abc", "9223372036854775808"] {
        let res = alice
            .post(
                &format!("/cart/items/{mug}"),
                &[("quantity", bad), ("selected", "1")],
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "update {bad:?}");
        assert_eq!(
            res.attr_of("[data-field-error]", "data-field-error")
                .as_deref(),
            Some("quantity")
        );
    }
    assert_eq!(app.sql_i64("SELECT quantity FROM cart_items"), 2);
    // Unknown, inactive or malformed products.
    assert_eq!(
        alice.add_to_cart(999_999, "1").await.status,
        StatusCode::NOT_FOUND
    );
    app.sql(&format!(
        "UPDATE products SET active = FALSE WHERE id = {mug}"
    ));
    assert_eq!(
        alice.add_to_cart(mug, "1").await.status,
        StatusCode::NOT_FOUND
    );
    let res = alice
        .post("/cart/items", &[("product_id", "abc"), ("quantity", "1")])
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST);
    assert!(res.contains("product_id"));
    let res = alice.post("/cart/items/abc", &[("quantity", "1")]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn after_a_checkout_the_nav_counts_the_lines_left_in_the_cart() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Tea Mug", 1250, 50);
    let tea = app.product("TEA", "Green Tea", 800, 50);
    let alice = app.customer("alice").await;
    alice.add_to_cart(mug, "2").await;
    alice.add_to_cart(tea, "3").await;
    // The tea stays in the cart, unselected.
    alice
        .post(&format!("/cart/items/{tea}"), &[("quantity", "3")])
        .await;
    let order_no = alice.order_now(store, "online").await;
    let order = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(order.status, StatusCode::OK);
    assert_eq!(
        order.text_of("[data-cart-count]").as_deref(),
        Some("3"),
        "the two mugs left the cart, the three teas are still in it"
    );
    assert_eq!(
        app.sql_i64("SELECT COALESCE(SUM(quantity), 0) FROM cart_items"),
        3
    );
    // Everything checked out: no count in the nav.
    alice
        .post(
            &format!("/cart/items/{tea}"),
            &[("quantity", "3"), ("selected", "1")],
        )
        .await;
    let order_no = alice.order_now(store, "online").await;
    let order = alice.get(&format!("/orders/{order_no}")).await;
    assert_eq!(order.text_of("[data-cart-count]"), None);
}
