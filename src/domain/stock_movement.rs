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
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            MovementReason::Sale => crate::msg!("movement-sale"),
            MovementReason::Release => crate::msg!("movement-release"),
            MovementReason::Adjustment => crate::msg!("movement-adjustment"),
            MovementReason::Restock => crate::msg!("movement-restock"),
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
        assert!(MovementReason::ALL
            .iter()
            .all(|r| !r.label().key.is_empty()));
    }
}
