//! The pure domain layer: plain types and business rules with no I/O, no database and no HTTP.
//!
//! Everything here is deterministic given its inputs (time and randomness are passed in by
//! the caller, except the CSPRNG nonce of submit tokens), so it is unit-tested in place.

pub mod counter_input;
pub mod lookup_outcome;
pub mod mac;
pub mod money;
pub mod order_no;
pub mod order_status;
pub mod payment;
pub mod pickup_code;
pub mod qr;
pub mod quantity;
pub mod role;
pub mod stock_movement;
pub mod submit_token;
mod text_enum;

pub use counter_input::{digits_only, parse_counter_input, CounterInput, InvalidInput};
pub use lookup_outcome::LookupOutcome;
pub use money::{format_cents, parse_price, PriceError, MAX_PRICE_CENTS};
pub use order_no::{group_order_no, OrderNo};
pub use order_status::OrderStatus;
pub use payment::{PayMethod, PaymentStatus};
pub use pickup_code::{damm_check_digit, damm_is_valid, group_digits, InvalidCode, PickupCode};
pub use qr::{
    looks_like_qr_payload, parse_qr_payload, qr_payload, qr_svg, QrError, QrRenderError, QR_PREFIX,
};
pub use quantity::{Quantity, QuantityError};
pub use role::Role;
pub use stock_movement::MovementReason;
pub use submit_token::{Purpose, SubmitTokenSigner, TokenError, TokenId};
