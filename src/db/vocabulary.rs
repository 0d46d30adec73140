//! The stored vocabularies: each closed `domain` enum maps to its text column here, so rows,
//! filters and inserts carry the enum and no reader parses strings again. `domain` stays free of
//! diesel; the spelling is the enum's own `as_str`/`parse`.
//!
//! A value the enum does not know is a deserialization error naming the vocabulary and the value
//! (an old or hand-edited row), never a silent default.

use std::io::Write;

use diesel::deserialize::{self, FromSql};
use diesel::mysql::{Mysql, MysqlValue};
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};

use crate::domain::{
    LookupOutcome, MovementReason, OrderStatus, PayMethod, PaymentStatus, Purpose, Role,
};

/// `ToSql`/`FromSql` on `Text` for a `domain` enum with `as_str`/`parse`, plus the `AsExpression`
/// and `FromSqlRow` impls diesel's derives write (through a proxy, since the enum lives in `domain`).
macro_rules! stored_as_text {
    ($($ty:ident => $proxy:ident, $what:literal;)+) => {$(
        #[derive(AsExpression, FromSqlRow)]
        #[diesel(foreign_derive, sql_type = Text)]
        #[allow(dead_code)]
        struct $proxy($ty);

        impl ToSql<Text, Mysql> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Mysql>) -> serialize::Result {
                out.write_all(self.as_str().as_bytes())?;
                Ok(IsNull::No)
            }
        }

        impl FromSql<Text, Mysql> for $ty {
            fn from_sql(value: MysqlValue<'_>) -> deserialize::Result<Self> {
                let text = std::str::from_utf8(value.as_bytes())?;
                $ty::parse(text)
                    .ok_or_else(|| format!(concat!("unknown ", $what, " stored: {:?}"), text).into())
            }
        }
    )+};
}

stored_as_text! {
    OrderStatus => OrderStatusColumn, "order status";
    PayMethod => PayMethodColumn, "pay method";
    PaymentStatus => PaymentStatusColumn, "payment status";
    Role => RoleColumn, "role";
    Purpose => PurposeColumn, "submit token purpose";
    MovementReason => MovementReasonColumn, "stock movement reason";
    LookupOutcome => LookupOutcomeColumn, "lookup outcome";
}
