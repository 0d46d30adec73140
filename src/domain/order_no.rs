//! Order numbers: UTC `yymmddHHMMSS` followed by 6 random digits (18 ASCII digits in all).
//!
//! Uniqueness is the database's job (UNIQUE index, regenerate on duplicate key); this module
//! only builds and validates the text.

use std::fmt;

use chrono::{DateTime, Utc};
use rand::Rng;

/// A syntactically valid order number: exactly 18 ASCII digits.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OrderNo(String);

impl OrderNo {
    /// Number of digits in an order number.
    pub const LEN: usize = 18;

    /// A new order number for `now`: UTC `yymmddHHMMSS` + 6 random digits (leading zeros kept).
    pub fn generate(now: DateTime<Utc>, rng: &mut impl Rng) -> OrderNo {
        let suffix: u32 = rng.gen_range(0..1_000_000);
        OrderNo(format!("{}{suffix:06}", now.format("%y%m%d%H%M%S")))
    }

    /// Accepts exactly 18 ASCII digits (no trimming); anything else is `None`.
    pub fn parse(input: &str) -> Option<OrderNo> {
        (input.len() == Self::LEN && input.bytes().all(|b| b.is_ascii_digit()))
            .then(|| OrderNo(input.to_owned()))
    }

    /// The 18 digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 18 digits as an owned string (e.g. for a database insert).
    pub fn into_string(self) -> String {
        self.0
    }
}

/// An order number grouped for reading: date, time, random part (`251203 091502 123456`).
/// Anything that is not 18 digits is returned as it is.
pub fn group_order_no(order_no: &str) -> String {
    if order_no.len() == 18 && order_no.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{} {} {}",
            &order_no[..6],
            &order_no[6..12],
            &order_no[12..]
        )
    } else {
        order_no.to_string()
    }
}

impl fmt::Display for OrderNo {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for OrderNo {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use rand::rngs::StdRng;
    use rand::SeedableRng;

    #[test]
    fn generate_has_utc_timestamp_prefix_and_18_digits() {
        let now = Utc.with_ymd_and_hms(2025, 3, 7, 14, 2, 9).unwrap();
        let mut rng = StdRng::seed_from_u64(1);
        for _ in 0..1000 {
            let no = OrderNo::generate(now, &mut rng);
            assert_eq!(no.as_str().len(), 18);
            assert!(no.as_str().starts_with("250307140209"), "{no}");
            assert_eq!(OrderNo::parse(no.as_str()), Some(no.clone()));
        }
    }

    #[test]
    fn generate_pads_small_random_parts() {
        struct Zero;
        impl rand::RngCore for Zero {
            fn next_u32(&mut self) -> u32 {
                0
            }
            fn next_u64(&mut self) -> u64 {
                0
            }
            fn fill_bytes(&mut self, dest: &mut [u8]) {
                dest.fill(0);
            }
            fn try_fill_bytes(&mut self, dest: &mut [u8]) -> Result<(), rand::Error> {
                dest.fill(0);
                Ok(())
            }
        }
        let now = Utc.with_ymd_and_hms(2031, 12, 31, 23, 59, 59).unwrap();
        let no = OrderNo::generate(now, &mut Zero);
        assert_eq!(no.as_str(), "311231235959000000");
    }

    #[test]
    fn random_suffixes_vary() {
        let now = Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        let set: std::collections::HashSet<_> =
            (0..200).map(|_| OrderNo::generate(now, &mut rng)).collect();
        assert!(set.len() > 190);
    }

    #[test]
    fn parse_rejects_bad_input() {
        for bad in [
            "",
            "12345678901234567",
            "1234567890123456789",
            "12345678901234567a",
            " 123456789012345678",
            "123456789012345678 ",
            "-12345678901234567",
            "１２３４５６７８９０１２３４５６７８",
        ] {
            assert_eq!(OrderNo::parse(bad), None, "{bad:?}");
        }
        let ok = OrderNo::parse("250307140209123456").unwrap();
        assert_eq!(ok.to_string(), "250307140209123456");
        assert_eq!(ok.as_ref(), "250307140209123456");
        assert_eq!(ok.into_string(), "250307140209123456");
    }

    #[test]
    fn order_numbers_group_as_date_time_and_random_part() {
        assert_eq!(
            super::group_order_no("251203091502123456"),
            "251203 091502 123456"
        );
        assert_eq!(super::group_order_no("12345"), "12345");
    }
}
