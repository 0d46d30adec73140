//! Money: integer cents formatted for display, and prices parsed from admin forms. No floats.

/// The largest price an admin form accepts: 100 000 000.00 in cents.
pub const MAX_PRICE_CENTS: i64 = 100_000_000 * 100;

/// Why a price typed into an admin form was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PriceError {
    /// Nothing was entered.
    #[error("Price is required.")]
    Empty,
    /// A minus sign.
    #[error("Price cannot be negative.")]
    Negative,
    /// Not of the form `12`, `12.5` or `12.50`.
    #[error("Price must be a number like 12 or 12.50.")]
    NotANumber,
    /// Three or more digits after the decimal point.
    #[error("Price can have at most 2 decimal places.")]
    TooManyDecimals,
    /// Above [`MAX_PRICE_CENTS`].
    #[error("Price is too large (at most 100000000.00).")]
    TooLarge,
}

/// Formats cents with a currency symbol and two decimals: `¥12.50`, `¥0.05`, `-¥3.00`.
/// Thousands are not separated. Works for the whole `i64` range.
pub fn format_cents(cents: i64, symbol: &str) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    format!("{sign}{symbol}{}.{:02}", abs / 100, abs % 100)
}

/// Parses a price from an admin form into cents: `12` → 1200, `12.5` → 1250, `0.99` → 99.
///
/// Surrounding whitespace is ignored. Accepted: ASCII digits, optionally followed by `.` and
/// one or two digits. Refused: empty input, any sign, more than two decimals, letters,
/// exponents, thousands separators, and values above [`MAX_PRICE_CENTS`]. Zero is allowed.
pub fn parse_price(input: &str) -> Result<i64, PriceError> {
    let s = input.trim();
    if s.is_empty() {
        return Err(PriceError::Empty);
    }
    if s.starts_with('-') {
        return Err(PriceError::Negative);
    }
    let (whole, frac) = match s.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (s, None),
    };
    let all_digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) {
        return Err(PriceError::NotANumber);
    }
    let frac_cents: i64 = match frac {
        None => 0,
        Some(f) if !all_digits(f) => return Err(PriceError::NotANumber),
        Some(f) if f.len() > 2 => return Err(PriceError::TooManyDecimals),
        Some(f) => {
            let v: i64 = f.parse().map_err(|_| PriceError::NotANumber)?;
            if f.len() == 1 {
                v * 10
            } else {
                v
            }
        }
    };
    // Leading zeros are harmless; anything longer than i64 can hold is too large anyway.
    let whole_units: i64 = match whole.trim_start_matches('0') {
        "" => 0,
        w if w.len() > 18 => return Err(PriceError::TooLarge),
        w => w.parse().map_err(|_| PriceError::NotANumber)?,
    };
    let cents = whole_units
        .checked_mul(100)
        .and_then(|c| c.checked_add(frac_cents))
        .ok_or(PriceError::TooLarge)?;
    if cents > MAX_PRICE_CENTS {
        return Err(PriceError::TooLarge);
    }
    Ok(cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_cents() {
        assert_eq!(format_cents(1250, "¥"), "¥12.50");
        assert_eq!(format_cents(5, "¥"), "¥0.05");
        assert_eq!(format_cents(0, "¥"), "¥0.00");
        assert_eq!(format_cents(-300, "¥"), "-¥3.00");
        assert_eq!(format_cents(-5, "¥"), "-¥0.05");
        assert_eq!(format_cents(123_456_789, "$"), "$1234567.89");
        assert_eq!(format_cents(100, ""), "1.00");
        assert_eq!(format_cents(i64::MAX, "¥"), "¥92233720368547758.07");
        assert_eq!(format_cents(i64::MIN, "¥"), "-¥92233720368547758.08");
    }

    #[test]
    fn parses_prices() {
        assert_eq!(parse_price("12"), Ok(1200));
        assert_eq!(parse_price("12.5"), Ok(1250));
        assert_eq!(parse_price("12.50"), Ok(1250));
        assert_eq!(parse_price("12.05"), Ok(1205));
        assert_eq!(parse_price("0.99"), Ok(99));
        assert_eq!(parse_price("0.01"), Ok(1));
        assert_eq!(parse_price("0"), Ok(0));
        assert_eq!(parse_price("0.0"), Ok(0));
        assert_eq!(parse_price(" 7.25 "), Ok(725));
        assert_eq!(parse_price("007.10"), Ok(710));
        assert_eq!(parse_price("100000000"), Ok(MAX_PRICE_CENTS));
        assert_eq!(parse_price("100000000.00"), Ok(MAX_PRICE_CENTS));
    }

    #[test]
    fn round_trips_with_format() {
        for cents in [0, 1, 9, 10, 99, 100, 101, 1250, 99_999, MAX_PRICE_CENTS] {
            let shown = format_cents(cents, "");
            assert_eq!(parse_price(&shown), Ok(cents), "{shown}");
        }
    }

    #[test]
    fn rejects_bad_prices() {
        use PriceError::*;
        let cases = [
            ("", Empty),
            ("   ", Empty),
            ("-1", Negative),
            ("-0.50", Negative),
            ("+1", NotANumber),
            ("abc", NotANumber),
            ("12a", NotANumber),
            ("¥12", NotANumber),
            ("1,000", NotANumber),
            ("1 000", NotANumber),
            ("1e3", NotANumber),
            (".5", NotANumber),
            ("12.", NotANumber),
            ("1.2.3", NotANumber),
            ("1..2", NotANumber),
            ("12.-5", NotANumber),
            ("NaN", NotANumber),
            ("inf", NotANumber),
            ("12.345", TooManyDecimals),
            ("0.001", TooManyDecimals),
            ("100000000.01", TooLarge),
            ("100000001", TooLarge),
            ("92233720368547758", TooLarge),
            ("9223372036854775808", TooLarge),
            ("99999999999999999999999999999999", TooLarge),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_price(input), Err(expected), "{input:?}");
        }
    }

    #[test]
    fn messages_are_human_readable() {
        assert_eq!(PriceError::Empty.to_string(), "Price is required.");
        assert_eq!(
            PriceError::NotANumber.to_string(),
            "Price must be a number like 12 or 12.50."
        );
        assert!(PriceError::TooLarge
            .to_string()
            .starts_with("Price is too large"));
    }
}
