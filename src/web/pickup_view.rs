//! The pickup block of a customer's order page: the code, large and grouped, and its QR code.
//! (Filled in by the counter issue; until then confirmed orders show no code.)

use crate::shop::orders::Order;
use crate::startup::AppState;

/// What `templates/orders/_pickup.html` shows.
pub struct PickupView {
    /// The code's digits, for `data-pickup-code`.
    pub digits: String,
    /// The code as read aloud, e.g. `482 9138`.
    pub grouped: String,
    /// Inline SVG of the signed QR payload.
    pub qr_svg: String,
    pub store_name: String,
    /// Status `ready`: shown prominently.
    pub ready: bool,
}

/// The pickup block for an order whose code is active (confirmed or ready), else None.
pub fn pickup_view(_state: &AppState, _order: &Order, _store_name: &str) -> Option<PickupView> {
    None
}
