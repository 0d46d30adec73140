//! How an order is paid (`orders.pay_method`, `payments.method`) and where a payment stands
//! (`payments.status`).

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

/// How the customer pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PayMethod {
    /// Paid online right after checkout (order starts as `pending_payment`).
    Online,
    /// Paid at the counter on hand-over (order starts as `confirmed`).
    AtCounter,
}

text_enum!(PayMethod {
    Online => "online",
    AtCounter => "at_counter",
});

/// Where a recorded payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentStatus {
    /// The money was taken (online, or at the counter on hand-over).
    Captured,
    /// Given back when an admin cancelled the paid order.
    Refunded,
}

text_enum!(PaymentStatus {
    Captured => "captured",
    Refunded => "refunded",
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text_enum::check_round_trip;

    #[test]
    fn round_trips() {
        check_round_trip!(PayMethod, ["online", "at_counter"]);
        check_round_trip!(PaymentStatus, ["captured", "refunded"]);
    }
}
