//! The small closed vocabularies stored as text in the database: order status, payment method,
//! user role, submit-token purpose, stock movement reason and counter lookup outcome.
//!
//! `as_str()` is the database / form value and `parse()` its inverse; serde uses the same
//! snake_case spelling, so these enums can be deserialized straight from form fields.

use serde::{Deserialize, Serialize};

/// Defines `as_str`, `parse` and `ALL` for a fieldless enum from one table of variant ↔ text.
macro_rules! text_enum {
    ($ty:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        impl $ty {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$ty] = &[$($ty::$variant),+];

            /// The stored (database / form) spelling.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($ty::$variant => $text),+
                }
            }

            /// Inverse of [`Self::as_str`]; exact match, anything else is `None`.
            pub fn parse(input: &str) -> Option<Self> {
                match input {
                    $($text => Some($ty::$variant),)+
                    _ => None,
                }
            }
        }
    };
}

/// Where an order is in its lifecycle (SPEC §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    /// Online payment not made yet; expires after the payment window.
    PendingPayment,
    /// Paid (or to be paid at the counter); pickup code active; being prepared.
    Confirmed,
    /// Prepared and waiting at the counter; pickup code active.
    Ready,
    /// Handed over to the customer.
    PickedUp,
    /// Cancelled by the customer, the admin or payment expiry; stock released.
    Cancelled,
}

text_enum!(OrderStatus {
    PendingPayment => "pending_payment",
    Confirmed => "confirmed",
    Ready => "ready",
    PickedUp => "picked_up",
    Cancelled => "cancelled",
});

impl OrderStatus {
    /// Human text for customers and staff.
    pub const fn label(self) -> &'static str {
        match self {
            OrderStatus::PendingPayment => "Awaiting payment",
            OrderStatus::Confirmed => "Confirmed — being prepared",
            OrderStatus::Ready => "Ready for pickup",
            OrderStatus::PickedUp => "Picked up",
            OrderStatus::Cancelled => "Cancelled",
        }
    }

    /// True when the order's pickup code is active (confirmed or ready): it can be handed over.
    pub const fn has_active_pickup_code(self) -> bool {
        matches!(self, OrderStatus::Confirmed | OrderStatus::Ready)
    }

    /// True for the end states (picked up, cancelled): no further transition.
    pub const fn is_final(self) -> bool {
        matches!(self, OrderStatus::PickedUp | OrderStatus::Cancelled)
    }
}

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

impl PayMethod {
    /// Human text for the checkout form.
    pub const fn label(self) -> &'static str {
        match self {
            PayMethod::Online => "Pay online now",
            PayMethod::AtCounter => "Pay at the counter",
        }
    }
}

/// What a user account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Shops online and collects orders.
    Customer,
    /// Works the counter of one store.
    Staff,
    /// Manages stock, products, orders, stores and staff.
    Admin,
}

text_enum!(Role {
    Customer => "customer",
    Staff => "staff",
    Admin => "admin",
});

impl Role {
    /// Human text for admin pages.
    pub const fn label(self) -> &'static str {
        match self {
            Role::Customer => "Customer",
            Role::Staff => "Staff",
            Role::Admin => "Admin",
        }
    }
}

/// What a submit-once token is for (SPEC §6); part of its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// Creating an order from the cart.
    Checkout,
    /// Paying a pending order.
    Pay,
    /// Handing an order over at the counter.
    Handover,
    /// Admin cancelling an order.
    Cancel,
}

text_enum!(Purpose {
    Checkout => "checkout",
    Pay => "pay",
    Handover => "handover",
    Cancel => "cancel",
});

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
    pub const fn label(self) -> &'static str {
        match self {
            LookupOutcome::Matched => "Matched",
            LookupOutcome::Invalid => "Invalid code",
            LookupOutcome::NotFound => "Not found",
            LookupOutcome::WrongStore => "Another store",
            LookupOutcome::AlreadyPickedUp => "Already picked up",
            LookupOutcome::Cancelled => "Cancelled",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::de::value::{Error as DeError, StrDeserializer};
    use serde::de::IntoDeserializer;

    fn from_form<'a, T: Deserialize<'a>>(s: &'a str) -> Result<T, DeError> {
        let de: StrDeserializer<'a, DeError> = s.into_deserializer();
        T::deserialize(de)
    }

    /// as_str/parse round-trip, serde agrees, stored strings are unique and within column limits.
    macro_rules! check_round_trip {
        ($ty:ident, [$($text:literal),+]) => {{
            let expected: &[&str] = &[$($text),+];
            assert_eq!($ty::ALL.len(), expected.len());
            for (v, text) in $ty::ALL.iter().zip(expected) {
                assert_eq!(v.as_str(), *text);
                assert_eq!($ty::parse(text), Some(*v));
                assert_eq!(from_form::<$ty>(text).ok(), Some(*v));
                assert_eq!($ty::parse(&text.to_uppercase()), None);
                assert_eq!($ty::parse(&format!(" {text}")), None);
            }
            assert_eq!($ty::parse(""), None);
            assert_eq!($ty::parse("nonsense"), None);
            assert!(from_form::<$ty>("nonsense").is_err());
        }};
    }

    #[test]
    fn round_trips() {
        check_round_trip!(
            OrderStatus,
            [
                "pending_payment",
                "confirmed",
                "ready",
                "picked_up",
                "cancelled"
            ]
        );
        check_round_trip!(PayMethod, ["online", "at_counter"]);
        check_round_trip!(Role, ["customer", "staff", "admin"]);
        check_round_trip!(Purpose, ["checkout", "pay", "handover", "cancel"]);
        check_round_trip!(MovementReason, ["sale", "release", "adjustment", "restock"]);
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
    fn order_status_labels_and_rules() {
        assert_eq!(OrderStatus::PendingPayment.label(), "Awaiting payment");
        assert_eq!(OrderStatus::Confirmed.label(), "Confirmed — being prepared");
        assert_eq!(OrderStatus::Ready.label(), "Ready for pickup");
        assert_eq!(OrderStatus::PickedUp.label(), "Picked up");
        assert_eq!(OrderStatus::Cancelled.label(), "Cancelled");
        let active: Vec<_> = OrderStatus::ALL
            .iter()
            .filter(|s| s.has_active_pickup_code())
            .collect();
        assert_eq!(active, [&OrderStatus::Confirmed, &OrderStatus::Ready]);
        let finals: Vec<_> = OrderStatus::ALL.iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [&OrderStatus::PickedUp, &OrderStatus::Cancelled]);
    }

    #[test]
    fn pay_method_labels() {
        assert_eq!(PayMethod::Online.label(), "Pay online now");
        assert_eq!(PayMethod::AtCounter.label(), "Pay at the counter");
    }

    #[test]
    fn lookup_failures() {
        for o in LookupOutcome::ALL {
            assert_eq!(o.is_failure(), *o != LookupOutcome::Matched);
            assert!(!o.label().is_empty());
        }
    }

    #[test]
    fn other_labels_nonempty() {
        assert!(Role::ALL.iter().all(|r| !r.label().is_empty()));
        assert!(MovementReason::ALL.iter().all(|r| !r.label().is_empty()));
    }
}
