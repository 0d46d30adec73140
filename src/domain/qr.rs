//! The pickup QR code: a signed payload `SC1:<order_no>:<code>:<sig>` and its SVG rendering.
//!
//! `sig` is the first 32 lowercase hex characters (128 bits) of
//! HMAC-SHA256(key, "order_no|code"), so a QR cannot be forged for another order.

use hmac::Mac;
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use super::mac::{hmac_of, HmacSha256};
use super::order_no::OrderNo;
use super::pickup_code::PickupCode;

/// Payload prefix (version 1). Matched case-insensitively when parsing.
pub const QR_PREFIX: &str = "SC1:";
/// Hex characters of the truncated signature.
const SIG_HEX_LEN: usize = 32;
/// Longest digit string accepted as the code part (longer is malformed, not forged).
const MAX_CODE_LEN: usize = 32;

/// Why a scanned payload is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// Not of the form `SC1:<18 digits>:<digits>:<32 hex>`.
    #[error("this QR code could not be read")]
    Malformed,
    /// Well-formed but the signature does not match: not issued by this shop for this order.
    #[error("this QR code was not issued by this shop")]
    Forged,
}

/// The payload could not be encoded as a QR code (only for absurdly long input).
#[derive(Debug, thiserror::Error)]
#[error("could not render the QR code: {0}")]
pub struct QrRenderError(#[from] qrcode::types::QrError);

fn signature(key: &[u8], order_no: &str, code: &str) -> HmacSha256 {
    hmac_of(key, format!("{order_no}|{code}").as_bytes())
}

/// The signed payload for an order's pickup QR code.
pub fn qr_payload(key: &[u8], order_no: &OrderNo, code: &PickupCode) -> String {
    let tag = signature(key, order_no.as_str(), code.as_str())
        .finalize()
        .into_bytes();
    let sig = hex::encode(tag);
    format!(
        "{QR_PREFIX}{}:{}:{}",
        order_no.as_str(),
        code.as_str(),
        &sig[..SIG_HEX_LEN]
    )
}

/// True when the trimmed input starts with the payload prefix (case-insensitive).
pub fn looks_like_qr_payload(input: &str) -> bool {
    input
        .trim()
        .get(..QR_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(QR_PREFIX))
}

/// Parses and verifies a scanned payload; returns the order number and the code digits.
///
/// The input is trimmed; prefix and hex signature are case-insensitive (some scanners change
/// case). The code digits are returned as-is: checking them as a [`PickupCode`] is the caller's
/// job. The signature is compared in constant time.
pub fn parse_qr_payload(key: &[u8], input: &str) -> Result<(OrderNo, String), QrError> {
    let s = input.trim();
    if !looks_like_qr_payload(s) {
        return Err(QrError::Malformed);
    }
    let rest = s.get(QR_PREFIX.len()..).ok_or(QrError::Malformed)?;
    let mut parts = rest.split(':');
    let (Some(order_no), Some(code), Some(sig_hex), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(QrError::Malformed);
    };
    let order_no = OrderNo::parse(order_no).ok_or(QrError::Malformed)?;
    if code.is_empty() || code.len() > MAX_CODE_LEN || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(QrError::Malformed);
    }
    if sig_hex.len() != SIG_HEX_LEN || !sig_hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(QrError::Malformed);
    }
    let sig = hex::decode(sig_hex).map_err(|_| QrError::Malformed)?;
    signature(key, order_no.as_str(), code)
        .verify_truncated_left(&sig)
        .map_err(|_| QrError::Forged)?;
    Ok((order_no, code.to_owned()))
}

/// Renders `payload` as an SVG QR code (error correction M, quiet zone, at least 240×240)
/// for inlining in HTML: no XML declaration, starts with `<svg`.
pub fn qr_svg(payload: &str) -> Result<String, QrRenderError> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::M)?;
    let svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .build();
    Ok(strip_xml_declaration(svg))
}

fn strip_xml_declaration(svg: String) -> String {
    let trimmed = svg.trim_start();
    if trimmed.starts_with("<?xml") {
        if let Some(end) = trimmed.find("?>") {
            return trimmed[end + 2..].trim_start().to_owned();
        }
    }
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &[u8] = b"qr-test-key";

    fn order() -> OrderNo {
        OrderNo::parse("250307140209123456").unwrap()
    }

    fn code() -> PickupCode {
        PickupCode::from_digits("4829138").unwrap()
    }

    #[test]
    fn payload_shape_and_round_trip() {
        let p = qr_payload(KEY, &order(), &code());
        let parts: Vec<&str> = p.split(':').collect();
        assert_eq!(parts.len(), 4);
        assert_eq!(parts[0], "SC1");
        assert_eq!(parts[1], "250307140209123456");
        assert_eq!(parts[2], "4829138");
        assert_eq!(parts[3].len(), 32);
        assert!(parts[3]
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
        let full = hex::encode(
            hmac_of(KEY, b"250307140209123456|4829138")
                .finalize()
                .into_bytes(),
        );
        assert_eq!(parts[3], &full[..32]);
        assert_eq!(
            parse_qr_payload(KEY, &p),
            Ok((order(), "4829138".to_owned()))
        );
    }

    #[test]
    fn tolerant_of_case_and_whitespace() {
        let p = qr_payload(KEY, &order(), &code());
        for variant in [
            format!("  {p}\r\n"),
            p.to_lowercase(),
            p.to_uppercase(),
            format!("\t{p}"),
        ] {
            assert_eq!(
                parse_qr_payload(KEY, &variant),
                Ok((order(), "4829138".to_owned())),
                "{variant}"
            );
        }
        assert!(looks_like_qr_payload(" sc1:whatever"));
        assert!(!looks_like_qr_payload("SC2:"));
        assert!(!looks_like_qr_payload("SC"));
        assert!(!looks_like_qr_payload("éé"));
    }

    #[test]
    fn forged_payloads() {
        let p = qr_payload(KEY, &order(), &code());
        let sig = p.rsplit(':').next().unwrap().to_owned();
        // same signature, another order / another code
        let other_order = format!("SC1:250307140209123457:4829138:{sig}");
        let other_code = format!("SC1:250307140209123456:5724:{sig}");
        let zero_sig = format!("SC1:250307140209123456:4829138:{}", "0".repeat(32));
        for f in [other_order, other_code, zero_sig] {
            assert_eq!(parse_qr_payload(KEY, &f), Err(QrError::Forged), "{f}");
        }
        assert_eq!(parse_qr_payload(b"other key", &p), Err(QrError::Forged));
    }

    #[test]
    fn malformed_payloads() {
        let p = qr_payload(KEY, &order(), &code());
        let sig = p.rsplit(':').next().unwrap().to_owned();
        let cases = vec![
            String::new(),
            "SC1".into(),
            "SC1:".into(),
            ":::".into(),
            "SC1:::".into(),
            "4829138".into(),
            format!("SC2:250307140209123456:4829138:{sig}"),
            format!("XSC1:250307140209123456:4829138:{sig}"),
            format!("SC1:25030714020912345:4829138:{sig}"),
            format!("SC1:25030714020912345a:4829138:{sig}"),
            format!("SC1:250307140209123456::{sig}"),
            format!("SC1:250307140209123456:48-29138:{sig}"),
            format!("SC1:250307140209123456:{}:{sig}", "1".repeat(33)),
            format!("SC1:250307140209123456:4829138:{}", &sig[..31]),
            format!("SC1:250307140209123456:4829138:{sig}0"),
            format!("SC1:250307140209123456:4829138:{}g", &sig[..31]),
            format!("SC1:250307140209123456:4829138:{sig}:extra"),
            format!("SC1 :250307140209123456:4829138:{sig}"),
            format!("SC1:250307140209123456:4829138:{}", "é".repeat(16)),
            "SC1:".repeat(10_000),
        ];
        for c in cases {
            assert_eq!(parse_qr_payload(KEY, &c), Err(QrError::Malformed), "{c:?}");
        }
    }

    #[test]
    fn svg_is_inlineable() {
        let p = qr_payload(KEY, &order(), &code());
        let svg = qr_svg(&p).unwrap();
        assert!(svg.starts_with("<svg"), "{}", &svg[..40]);
        assert!(!svg.contains("<?xml"));
        assert!(svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox"));
    }

    #[test]
    fn svg_of_too_much_data_is_an_error() {
        let huge = "x".repeat(10_000);
        let err = qr_svg(&huge).unwrap_err();
        assert!(err.to_string().starts_with("could not render the QR code"));
    }

    #[test]
    fn strip_declaration_only_when_present() {
        assert_eq!(strip_xml_declaration("<svg/>".into()), "<svg/>");
        assert_eq!(
            strip_xml_declaration("<?xml version=\"1.0\"?>\n<svg/>".into()),
            "<svg/>"
        );
        assert_eq!(strip_xml_declaration("<?xml broken".into()), "<?xml broken");
    }
}
