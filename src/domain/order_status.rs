//! Where an order is in its lifecycle (SPEC §3), and what each state allows.

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

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
    /// The states whose pickup code is active: the order can be handed over.
    pub const ACTIVE: [OrderStatus; 2] = [OrderStatus::Confirmed, OrderStatus::Ready];
    /// The states an order can still be cancelled from.
    pub const LIVE: [OrderStatus; 3] = [
        OrderStatus::PendingPayment,
        OrderStatus::Confirmed,
        OrderStatus::Ready,
    ];

    /// Human text for customers and staff.
    pub fn label(self) -> crate::i18n::Msg {
        match self {
            OrderStatus::PendingPayment => crate::msg!("status-pending-payment"),
            OrderStatus::Confirmed => crate::msg!("status-confirmed"),
            OrderStatus::Ready => crate::msg!("status-ready"),
            OrderStatus::PickedUp => crate::msg!("status-picked-up"),
            OrderStatus::Cancelled => crate::msg!("status-cancelled"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text_enum::check_round_trip;

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
    }

    #[test]
    fn order_status_labels_and_rules() {
        let en = |s: OrderStatus| crate::i18n::Locale::En.msg(&s.label());
        assert_eq!(en(OrderStatus::PendingPayment), "Awaiting payment");
        assert_eq!(en(OrderStatus::Confirmed), "Confirmed — being prepared");
        assert_eq!(en(OrderStatus::Ready), "Ready for pickup");
        assert_eq!(en(OrderStatus::PickedUp), "Picked up");
        assert_eq!(en(OrderStatus::Cancelled), "Cancelled");
        let active: Vec<_> = OrderStatus::ALL
            .iter()
            .filter(|s| s.has_active_pickup_code())
            .copied()
            .collect();
        assert_eq!(active, OrderStatus::ACTIVE);
        let finals: Vec<_> = OrderStatus::ALL.iter().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [&OrderStatus::PickedUp, &OrderStatus::Cancelled]);
        let live: Vec<_> = OrderStatus::ALL
            .iter()
            .filter(|s| !s.is_final())
            .copied()
            .collect();
        assert_eq!(live, OrderStatus::LIVE);
    }
}
