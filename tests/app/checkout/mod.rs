//! Cart, checkout, orders, pay, expiry: through HTTP, with the invariants checked in SQL afterwards.

mod cart;
mod concurrency;
mod orders;
mod payment;

use reqwest::StatusCode;

use super::helpers::{Client, Page, TestApp};

/// The customer-side flows, one method per step.
impl Client {
    pub async fn add_to_cart(&self, product_id: i64, quantity: &str) -> Page {
        self.post(
            "/cart/items",
            &[
                ("product_id", &product_id.to_string()),
                ("quantity", quantity),
            ],
        )
        .await
    }

    /// The checkout page's submit token and the total it shows (cents).
    pub async fn checkout_form(&self) -> (String, String) {
        let page = self.get("/checkout").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        (
            page.input_value("submit_token").expect("a submit_token"),
            page.input_value("seen_total_cents")
                .expect("a seen_total_cents"),
        )
    }

    pub async fn submit_checkout(
        &self,
        token: &str,
        seen_total: &str,
        store_id: i64,
        pay_method: &str,
    ) -> Page {
        self.try_submit_checkout(token, seen_total, store_id, pay_method)
            .await
            .expect("POST")
    }

    /// [`Client::submit_checkout`], with no answer at all (the server died) as an error.
    pub async fn try_submit_checkout(
        &self,
        token: &str,
        seen_total: &str,
        store_id: i64,
        pay_method: &str,
    ) -> Result<Page, reqwest::Error> {
        self.try_post(
            "/checkout",
            &[
                ("store_id", &store_id.to_string()),
                ("pay_method", pay_method),
                ("note", ""),
                ("seen_total_cents", seen_total),
                ("submit_token", token),
            ],
        )
        .await
    }

    /// Checks out the selected lines; returns the response (303 to the order on success).
    pub async fn checkout(&self, store_id: i64, pay_method: &str) -> Page {
        let (token, total) = self.checkout_form().await;
        self.submit_checkout(&token, &total, store_id, pay_method)
            .await
    }

    /// Checks out and returns the new order's number (asserting success).
    pub async fn order_now(&self, store_id: i64, pay_method: &str) -> String {
        let page = self.checkout(store_id, pay_method).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
        order_no_from(&page)
    }

    /// The pay form's submit token on the order page.
    pub async fn pay_token(&self, order_no: &str) -> String {
        let page = self.get(&format!("/orders/{order_no}")).await;
        page.input_value("submit_token")
            .unwrap_or_else(|| panic!("a pay form on the order page: {}", page.body))
    }

    pub async fn pay_with(&self, order_no: &str, token: &str) -> Page {
        self.post(
            &format!("/orders/{order_no}/pay"),
            &[("submit_token", token)],
        )
        .await
    }

    pub async fn pay(&self, order_no: &str) -> Page {
        let token = self.pay_token(order_no).await;
        self.pay_with(order_no, &token).await
    }
}

/// The order number a checkout redirected to.
pub fn order_no_from(page: &Page) -> String {
    page.location
        .as_deref()
        .and_then(|l| l.strip_prefix("/orders/"))
        .unwrap_or_else(|| panic!("a redirect to an order, got {:?}", page.location))
        .to_string()
}

/// A shop with one store and the given products.
pub fn shop(app: &TestApp) -> i64 {
    app.store("SH01", "North Store")
}
