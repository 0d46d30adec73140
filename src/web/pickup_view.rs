//! The pickup block of a customer's order page: the code, large and grouped, its signed QR code,
//! and "ready for pickup at …" when it is. Also what the printed pickup slip shows.

use super::page::money;
use crate::domain::{
    group_order_no, qr_payload, qr_svg, OrderNo, OrderStatus, PayMethod, PickupCode,
};
use crate::shop::orders::Order;
use crate::state::AppState;

/// What `templates/orders/_pickup.html` shows.
pub struct PickupView {
    /// The code's digits, for `data-pickup-code`.
    pub digits: String,
    /// The code as read aloud, e.g. `482 9138`.
    pub grouped: String,
    /// Inline SVG of the signed QR payload (ours, not user text: rendered unescaped).
    pub qr_svg: String,
    pub store_name: String,
    /// Status `ready`: shown prominently.
    pub ready: bool,
    /// For the printed slip.
    pub order_no_grouped: String,
    /// At-counter orders: the amount to bring, under the code.
    pub bring: Option<String>,
}

/// The pickup block for an order whose code is active (confirmed or ready), else None.
pub fn pickup_view(state: &AppState, order: &Order, store_name: &str) -> Option<PickupView> {
    let status = order.status;
    if !status.has_active_pickup_code() {
        return None;
    }
    let code = PickupCode::from_digits(order.pickup_code.as_deref()?).ok()?;
    let order_no = OrderNo::parse(&order.order_no)?;
    let payload = qr_payload(&state.qr_key, &order_no, &code);
    let svg = match qr_svg(&payload) {
        Ok(svg) => svg,
        Err(e) => {
            tracing::warn!(error = %e, "pickup QR could not be rendered");
            String::new()
        }
    };
    Some(PickupView {
        digits: code.as_str().to_owned(),
        grouped: code.grouped(),
        qr_svg: svg,
        store_name: store_name.to_owned(),
        ready: status == OrderStatus::Ready,
        order_no_grouped: group_order_no(&order.order_no),
        bring: (order.pay_method == PayMethod::AtCounter && order.paid_at.is_none())
            .then(|| money(order.total_cents, &state.settings.currency_symbol)),
    })
}
