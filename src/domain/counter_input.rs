//! What the counter's single input box means: typed pickup-code digits or a scanned QR payload.
//! Invalid input is refused here, before any database lookup.

use std::fmt;

use super::order_no::OrderNo;
use super::pickup_code::{normalize_digit, InvalidCode, PickupCode};
use super::qr::{looks_like_qr_payload, parse_qr_payload, QrError};

/// Longest digit string kept for the lookup audit.
const AUDIT_MAX_DIGITS: usize = 32;

/// A valid counter entry, ready to be looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CounterInput {
    /// Digits typed (or read aloud) with a valid check digit.
    Code(PickupCode),
    /// A verified QR payload: the code must also belong to `order_no`.
    Qr {
        /// The order the QR was issued for.
        order_no: OrderNo,
        /// The pickup code inside it.
        code: PickupCode,
    },
}

impl CounterInput {
    /// The pickup code to look up, however it was entered.
    pub fn code(&self) -> &PickupCode {
        match self {
            CounterInput::Code(code) | CounterInput::Qr { code, .. } => code,
        }
    }

    /// The order number carried by a QR payload, if scanned.
    pub fn order_no(&self) -> Option<&OrderNo> {
        match self {
            CounterInput::Code(_) => None,
            CounterInput::Qr { order_no, .. } => Some(order_no),
        }
    }

    /// True when the input was a scanned QR payload.
    pub fn is_qr(&self) -> bool {
        matches!(self, CounterInput::Qr { .. })
    }
}

/// Why counter input is not a code. `Display` is the message shown to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvalidInput {
    /// Typed digits that are not a valid code.
    #[error("{}", code_message(.0))]
    Code(#[from] InvalidCode),
    /// A QR payload whose signature does not match.
    #[error("Not a valid code: this QR code was not issued by this shop.")]
    ForgedQr,
    /// A QR payload that could not be read.
    #[error("Not a valid code: the QR code could not be read — scan it again or type the code.")]
    MalformedQr,
}

fn code_message(e: &InvalidCode) -> CodeMessage<'_> {
    CodeMessage(e)
}

/// Staff-facing wording for [`InvalidCode`].
struct CodeMessage<'a>(&'a InvalidCode);

impl fmt::Display for CodeMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            InvalidCode::Empty => f.write_str("Not a valid code: nothing was entered."),
            InvalidCode::NotDigits => {
                f.write_str("Not a valid code: a pickup code has digits only — please re-type it.")
            }
            InvalidCode::WrongLength { expected, got } => write!(
                f,
                "Not a valid code: a pickup code has {expected} digits, {got} were entered."
            ),
            InvalidCode::CheckDigit => {
                f.write_str("Not a valid code: the check digit does not match — please re-type it.")
            }
        }
    }
}

impl From<QrError> for InvalidInput {
    fn from(e: QrError) -> Self {
        match e {
            QrError::Malformed => InvalidInput::MalformedQr,
            QrError::Forged => InvalidInput::ForgedQr,
        }
    }
}

/// Interprets the counter input box.
///
/// Input starting with `SC1:` (case-insensitive, after trimming) is a QR payload: its signature
/// must verify under `qr_key`, and the code inside must be a valid code of any supported length
/// (so QR codes issued before a `PICKUP_CODE_DIGITS` change still work). Anything else is typed
/// digits for codes with `code_digits` random digits (spaces and dashes ignored).
pub fn parse_counter_input(
    input: &str,
    qr_key: &[u8],
    code_digits: usize,
) -> Result<CounterInput, InvalidInput> {
    if looks_like_qr_payload(input) {
        let (order_no, digits) = parse_qr_payload(qr_key, input)?;
        // A correctly signed payload with a bad code can only come from a bug; refuse it anyway.
        let code = PickupCode::from_digits(&digits).map_err(|_| InvalidInput::MalformedQr)?;
        return Ok(CounterInput::Qr { order_no, code });
    }
    Ok(CounterInput::Code(PickupCode::parse_typed(
        input,
        code_digits,
    )?))
}

/// What was entered, reduced to digits for the `pickup_lookups` audit: ASCII digits only
/// (full-width digits converted), at most 32.
pub fn digits_only(input: &str) -> String {
    input
        .chars()
        .filter_map(normalize_digit)
        .take(AUDIT_MAX_DIGITS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::pickup_code::damm_check_digit;
    use super::super::qr::qr_payload;
    use super::*;

    const KEY: &[u8] = b"counter-test-key";

    fn order() -> OrderNo {
        OrderNo::parse("250307140209123456").unwrap()
    }

    #[test]
    fn typed_codes() {
        let got = parse_counter_input(" 482-9138 ", KEY, 6).unwrap();
        assert_eq!(got.code().as_str(), "4829138");
        assert_eq!(got.order_no(), None);
        assert!(!got.is_qr());
        assert_eq!(
            got,
            CounterInput::Code(PickupCode::from_digits("4829138").unwrap())
        );
    }

    #[test]
    fn typed_errors_have_staff_messages() {
        let err = |s: &str| parse_counter_input(s, KEY, 6).unwrap_err();
        assert_eq!(err("4829137"), InvalidInput::Code(InvalidCode::CheckDigit));
        assert_eq!(
            err("4829137").to_string(),
            "Not a valid code: the check digit does not match — please re-type it."
        );
        assert_eq!(err("   "), InvalidInput::Code(InvalidCode::Empty));
        assert_eq!(
            err("   ").to_string(),
            "Not a valid code: nothing was entered."
        );
        assert_eq!(err("48a9138"), InvalidInput::Code(InvalidCode::NotDigits));
        assert!(err("48a9138").to_string().starts_with("Not a valid code: "));
        assert_eq!(
            err("5724").to_string(),
            "Not a valid code: a pickup code has 7 digits, 4 were entered."
        );
        // "SC1" without the colon is not a QR and not digits
        assert_eq!(err("SC1"), InvalidInput::Code(InvalidCode::NotDigits));
    }

    #[test]
    fn scanned_qr() {
        let code = PickupCode::from_digits("4829138").unwrap();
        let payload = qr_payload(KEY, &order(), &code);
        for input in [
            payload.clone(),
            format!("  {payload}\n"),
            payload.to_lowercase(),
        ] {
            let got = parse_counter_input(&input, KEY, 6).unwrap();
            assert!(got.is_qr());
            assert_eq!(got.code(), &code);
            assert_eq!(got.order_no(), Some(&order()));
        }
    }

    #[test]
    fn qr_with_a_code_of_another_length_still_works() {
        // Issued under PICKUP_CODE_DIGITS=3 and =10; the counter is now configured for 6.
        for body in ["572", "4829137562"] {
            let check = damm_check_digit(body.as_bytes());
            let code = PickupCode::from_digits(&format!("{body}{check}")).unwrap();
            let payload = qr_payload(KEY, &order(), &code);
            let got = parse_counter_input(&payload, KEY, 6).unwrap();
            assert_eq!(got.code(), &code);
        }
    }

    #[test]
    fn forged_and_malformed_qr() {
        let code = PickupCode::from_digits("4829138").unwrap();
        let payload = qr_payload(KEY, &order(), &code);
        assert_eq!(
            parse_counter_input(&payload, b"another key", 6),
            Err(InvalidInput::ForgedQr)
        );
        let tampered = payload.replace("4829138", "5724");
        assert_eq!(
            parse_counter_input(&tampered, KEY, 6),
            Err(InvalidInput::ForgedQr)
        );
        assert_eq!(
            parse_counter_input("SC1:garbage", KEY, 6),
            Err(InvalidInput::MalformedQr)
        );
        assert_eq!(
            parse_counter_input("sc1:", KEY, 6),
            Err(InvalidInput::MalformedQr)
        );
        assert!(InvalidInput::ForgedQr
            .to_string()
            .starts_with("Not a valid code: "));
        assert!(InvalidInput::MalformedQr
            .to_string()
            .starts_with("Not a valid code: "));
    }

    #[test]
    fn correctly_signed_but_invalid_code_is_refused() {
        // Sign a bad code by hand: the signature is fine, the check digit is not.
        use super::super::mac::hmac_of;
        use hmac::Mac;
        for bad_code in ["4829137", "12", "123456789012"] {
            let sig = hex::encode(
                hmac_of(KEY, format!("250307140209123456|{bad_code}").as_bytes())
                    .finalize()
                    .into_bytes(),
            );
            let payload = format!("SC1:250307140209123456:{bad_code}:{}", &sig[..32]);
            assert_eq!(
                parse_counter_input(&payload, KEY, 6),
                Err(InvalidInput::MalformedQr),
                "{bad_code}"
            );
        }
    }

    #[test]
    fn digits_only_for_audit() {
        assert_eq!(digits_only(" 482-9137 "), "4829137");
        assert_eq!(digits_only("abc"), "");
        assert_eq!(digits_only("\u{FF14}\u{FF18}2"), "482");
        assert_eq!(digits_only("٤٨٢"), "");
        assert_eq!(digits_only(&"9".repeat(100)), "9".repeat(32));
        assert_eq!(
            digits_only("SC1:250307140209123456:4829138:ab12"),
            "1250307140209123456482913812"
        );
    }
}
