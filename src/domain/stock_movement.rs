//! Why a row of the stock ledger (`stock_movements.reason`) changed the stock.

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

/// Why a row of the stock ledger (`stock_movements`) changed the stock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MovementReason {
    /// Taken by a checkout (negative delta).
    Sale,
    /// Given back by a cancellation or payment expiry (positive delta).
    Release,
    /// Admin correction with a signed delta.
    Adjustment,
    /// New stock arrived (positive delta).
    Restock,
}

text_enum!(MovementReason {
    Sale => "sale",
    Release => "release",
    Adjustment => "adjustment",
    Restock => "restock",
});

impl MovementReason {
    /// Human text for the ledger page.
    pub const fn label(self) -> &'static str {
        match self {
            MovementReason::Sale => "Sale",
            MovementReason::Release => "Released (cancelled or expired)",
            MovementReason::Adjustment => "Adjustment",
            MovementReason::Restock => "Restock",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text_enum::check_round_trip;

    #[test]
    fn round_trips_and_labels() {
        check_round_trip!(MovementReason, ["sale", "release", "adjustment", "restock"]);
        assert!(MovementReason::ALL.iter().all(|r| !r.label().is_empty()));
    }
}
