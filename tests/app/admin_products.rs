//! Admin products: create (duplicate SKU is a form error), edit, deactivate / reactivate.

use reqwest::StatusCode;

use shopcounter::domain::{OrderStatus, PayMethod, Role};

use super::fixtures::{create_order, OrderSpec};
use super::helpers::spawn_app;

#[tokio::test]
async fn an_admin_creates_a_product_with_its_restock_and_a_duplicate_sku_is_a_form_error() {
    let app = spawn_app().await;
    let admin = app.admin("boss").await;
    let fields = [
        ("sku", "MATCHA"),
        ("name", "Matcha 30 g"),
        ("description", "Ceremonial grade."),
        ("price", "98.50"),
        ("stock", "7"),
        ("low_stock_threshold", "2"),
    ];
    let res = admin.post("/admin/products", &fields).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.sql_i64("SELECT price_cents FROM products WHERE sku = 'MATCHA'"),
        9_850
    );
    assert_eq!(
        app.sql_i64("SELECT low_stock_threshold FROM products WHERE sku = 'MATCHA'"),
        2
    );
    assert_eq!(
        app.sql_i64("SELECT COUNT(*) FROM stock_movements WHERE reason = 'restock' AND delta = 7 AND actor_user_id IS NOT NULL"),
        1
    );
    let dup = admin.post("/admin/products", &fields).await;
    assert_eq!(dup.status, StatusCode::BAD_REQUEST);
    assert!(dup
        .text_of("[data-error=sku]")
        .unwrap()
        .contains("already has this SKU"));
    assert_eq!(dup.input_value("name").as_deref(), Some("Matcha 30 g"));
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM products"), 1);
    let bad = admin
        .post(
            "/admin/products",
            &[
                ("sku", "X Y"),
                ("name", ""),
                ("price", "-1"),
                ("stock", "abc"),
                ("low_stock_threshold", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    for field in ["sku", "name", "price", "stock"] {
        assert!(
            bad.text_of(&format!("[data-error={field}]")).is_some(),
            "{field}"
        );
    }
    assert_eq!(app.sql_i64("SELECT COUNT(*) FROM products"), 1);
}

#[tokio::test]
async fn a_price_edit_leaves_existing_order_lines_alone() {
    let app = spawn_app().await;
    let store = app.store("SH01", "North Store");
    let mug = app.product("MUG", "Tea Mug", 4_500, 10);
    let carol = app.account("carol", "carol-password", Role::Customer, None);
    let o = create_order(
        &app,
        &OrderSpec {
            user_id: carol,
            store_id: store,
            pay_method: PayMethod::Online,
            status: OrderStatus::Confirmed,
            lines: &[(mug, 2)],
        },
    );
    let admin = app.admin("boss").await;
    let form = admin.get(&format!("/admin/products/{mug}")).await;
    assert_eq!(form.input_value("price").as_deref(), Some("45.00"));
    let res = admin
        .post(
            &format!("/admin/products/{mug}"),
            &[
                ("name", "Big Tea Mug"),
                ("description", "Now 500 ml."),
                ("price", "52"),
                ("low_stock_threshold", "3"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT price_cents FROM products WHERE id = {mug}"
        )),
        5_200
    );
    assert_eq!(
        app.sql_i64(&format!("SELECT COUNT(*) FROM order_lines WHERE order_id = {} AND unit_price_cents = 4500 AND product_name = 'Tea Mug'", o.id)),
        1
    );
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT total_cents FROM orders WHERE id = {}",
            o.id
        )),
        9_000
    );
    let bad = admin
        .post(
            &format!("/admin/products/{mug}"),
            &[
                ("name", "Mug"),
                ("price", "1.234"),
                ("low_stock_threshold", "3"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text_of("[data-error=price]").is_some());
    assert_eq!(
        app.sql_i64(&format!(
            "SELECT price_cents FROM products WHERE id = {mug}"
        )),
        5_200
    );
    assert_eq!(
        admin.get("/admin/products/999999").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_deactivated_product_leaves_the_catalog_until_reactivated() {
    let app = spawn_app().await;
    let mug = app.product("MUG", "Tea Mug", 4_500, 10);
    let admin = app.admin("boss").await;
    let res = admin
        .post(&format!("/admin/products/{mug}/deactivate"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(
        app.sql_i64(&format!("SELECT active FROM products WHERE id = {mug}")),
        0
    );
    let visitor = app.client();
    assert!(!visitor.get("/").await.contains("Tea Mug"));
    assert!(
        admin.get("/admin/products").await.contains("Tea Mug"),
        "admins still see it"
    );
    let res = admin
        .post(&format!("/admin/products/{mug}/activate"), &[])
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert!(visitor.get("/").await.contains("Tea Mug"));
}
