//! What a user account may do (`users.role`).

use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text_enum::check_round_trip;

    #[test]
    fn round_trips() {
        check_round_trip!(Role, ["customer", "staff", "admin"]);
    }
}
