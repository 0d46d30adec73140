//! What one counter lookup came to, as written to the audit (`pickup_lookups.outcome`).

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

/// Result of one counter lookup, as written to `pickup_lookups`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LookupOutcome {
    /// An active order of this store.
    Matched,
    /// Not a valid code (format, check digit, forged or unreadable QR): no database lookup made.
    Invalid,
    /// Valid code, but no active order has it.
    NotFound,
    /// The order belongs to another store: do not hand over.
    WrongStore,
    /// The order was already handed over.
    AlreadyPickedUp,
    /// The order was cancelled.
    Cancelled,
}

text_enum!(LookupOutcome {
    Matched => "matched",
    Invalid => "invalid",
    NotFound => "not_found",
    WrongStore => "wrong_store",
    AlreadyPickedUp => "already_picked_up",
    Cancelled => "cancelled",
});

impl LookupOutcome {
    /// Everything but `Matched` counts towards the wrong-code rate limit.
    pub const fn is_failure(self) -> bool {
        !matches!(self, LookupOutcome::Matched)
    }

    /// Human text for the audit page.
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            LookupOutcome::Matched => crate::msg!("lookup-matched"),
            LookupOutcome::Invalid => crate::msg!("lookup-invalid"),
            LookupOutcome::NotFound => crate::msg!("lookup-not-found"),
            LookupOutcome::WrongStore => crate::msg!("lookup-wrong-store"),
            LookupOutcome::AlreadyPickedUp => crate::msg!("lookup-already-picked-up"),
            LookupOutcome::Cancelled => crate::msg!("lookup-cancelled"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text_enum::check_round_trip;

    #[test]
    fn round_trips() {
        check_round_trip!(
            LookupOutcome,
            [
                "matched",
                "invalid",
                "not_found",
                "wrong_store",
                "already_picked_up",
                "cancelled"
            ]
        );
    }

    #[test]
    fn lookup_failures() {
        for o in LookupOutcome::ALL {
            assert_eq!(o.is_failure(), *o != LookupOutcome::Matched);
            assert!(!o.label().key.is_empty());
        }
    }
}
