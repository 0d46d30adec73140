//! Cart and order line quantities: a whole number from 1 to 99.

use std::fmt;

/// A validated line quantity, always within `1..=Quantity::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quantity(i32);

/// The quantity entered is not a whole number from 1 to 99.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("Quantity must be a whole number from 1 to 99.")]
pub struct QuantityError;

impl Quantity {
    /// Smallest allowed quantity.
    pub const MIN: i32 = 1;
    /// Largest allowed quantity (also the cap when lines merge).
    pub const MAX: i32 = 99;

    /// Parses form input: surrounding whitespace is ignored, then ASCII digits only
    /// (no sign, no decimal point, no exponent), value 1..=99. Leading zeros are tolerated ("07").
    pub fn parse(input: &str) -> Result<Quantity, QuantityError> {
        let s = input.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QuantityError);
        }
        // Digits only, so the only possible parse failure is overflow: too big anyway.
        let value: u64 = s.parse().map_err(|_| QuantityError)?;
        let value = i32::try_from(value).map_err(|_| QuantityError)?;
        Quantity::new(value)
    }

    /// Wraps an integer that must be within 1..=99 (e.g. read back from the database).
    pub fn new(value: i32) -> Result<Quantity, QuantityError> {
        if (Self::MIN..=Self::MAX).contains(&value) {
            Ok(Quantity(value))
        } else {
            Err(QuantityError)
        }
    }

    /// The quantity as an integer (1..=99).
    pub fn get(self) -> i32 {
        self.0
    }

    /// Sum of two quantities, capped at [`Quantity::MAX`] (merging the same product into one cart line).
    #[must_use]
    pub fn saturating_add(self, other: Quantity) -> Quantity {
        Quantity((self.0 + other.0).min(Self::MAX))
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl From<Quantity> for i32 {
    fn from(q: Quantity) -> i32 {
        q.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_1_to_99() {
        for n in 1..=99 {
            assert_eq!(Quantity::parse(&n.to_string()).map(Quantity::get), Ok(n));
            assert_eq!(Quantity::new(n).map(Quantity::get), Ok(n));
        }
    }

    #[test]
    fn trims_whitespace_and_tolerates_leading_zeros() {
        assert_eq!(Quantity::parse("  3 ").map(Quantity::get), Ok(3));
        assert_eq!(Quantity::parse("\t42\n").map(Quantity::get), Ok(42));
        assert_eq!(Quantity::parse("07").map(Quantity::get), Ok(7));
        assert_eq!(
            Quantity::parse("0000000000000000000000099").map(Quantity::get),
            Ok(99)
        );
    }

    #[test]
    fn rejects_bad_input() {
        for bad in [
            "",
            "   ",
            "0",
            "00",
            "-1",
            "-0",
            "+3",
            "100",
            "999",
            "abc",
            "1.5",
            "1.0",
            "1e2",
            "3 4",
            "٣", // Arabic-Indic digit three: not ASCII
            "9223372036854775807",
            "9223372036854775808",
            "18446744073709551616",
            "99999999999999999999999999999999999",
            "2147483648",
            "4294967297",
            "0x10",
        ] {
            assert_eq!(Quantity::parse(bad), Err(QuantityError), "{bad:?}");
        }
    }

    #[test]
    fn new_rejects_out_of_range() {
        for bad in [i32::MIN, -1, 0, 100, i32::MAX] {
            assert_eq!(Quantity::new(bad), Err(QuantityError));
        }
    }

    #[test]
    fn saturating_add_caps_at_99() {
        let q = |n| Quantity::new(n).unwrap();
        assert_eq!(q(2).saturating_add(q(3)).get(), 5);
        assert_eq!(q(50).saturating_add(q(49)).get(), 99);
        assert_eq!(q(50).saturating_add(q(50)).get(), 99);
        assert_eq!(q(99).saturating_add(q(99)).get(), 99);
    }

    #[test]
    fn display_and_error_message() {
        assert_eq!(Quantity::new(12).unwrap().to_string(), "12");
        assert_eq!(i32::from(Quantity::new(12).unwrap()), 12);
        assert_eq!(
            QuantityError.to_string(),
            "Quantity must be a whole number from 1 to 99."
        );
    }
}
