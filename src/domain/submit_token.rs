//! Submit-once tokens (SPEC §6): signed, stateless form values that are checked before the
//! database is touched. Consuming a token (the `submit_tokens` insert) is the caller's job.
//!
//! Format: `<id: 32 lowercase hex>.<issued: unix seconds>.<sig: 64 lowercase hex>` where
//! `sig = HMAC-SHA256(key, "id|user_id|purpose|subject-or-empty|issued")`.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use hmac::Mac;
use rand::RngCore;

use super::mac::{keyed, HmacSha256};
use serde::{Deserialize, Serialize};

use super::text_enum::text_enum;

/// What a submit-once token is for (SPEC §6); part of its signature and of its `submit_tokens` row.
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

/// How far in the future an issue time may be (clock skew between app instances).
const MAX_CLOCK_SKEW_SECONDS: i64 = 5 * 60;
/// Hex length of the random id (128 bits).
const ID_HEX_LEN: usize = 32;
/// Hex length of the full HMAC-SHA256 signature.
const SIG_HEX_LEN: usize = 64;
/// Longest issue time accepted (i64 seconds have at most 19 digits).
const MAX_ISSUED_DIGITS: usize = 19;

/// Why a submitted token is refused. Every variant means "reload the form"; nothing happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    /// Missing, truncated or not in the token format.
    #[error("this form is incomplete or damaged, please reload")]
    Malformed,
    /// Forged or altered, or issued for another user, purpose or subject.
    #[error("this form has expired, please reload")]
    BadSignature,
    /// Older than the signer's time-to-live.
    #[error("this form has expired, please reload")]
    Expired,
    /// Issued more than 5 minutes in the future (clock skew or tampering).
    #[error("this form is not valid yet, please reload")]
    FromTheFuture,
}

/// The verified random part of a token: the `submit_tokens` primary key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TokenId(String);

impl TokenId {
    /// The 32 lowercase hex characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 32 hex characters as an owned string.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for TokenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Issues and verifies submit-once tokens with the server secret.
#[derive(Clone)]
pub struct SubmitTokenSigner {
    mac: HmacSha256,
    ttl: Duration,
}

impl fmt::Debug for SubmitTokenSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmitTokenSigner")
            .field("key", &"<redacted>")
            .field("ttl", &self.ttl)
            .finish()
    }
}

fn is_lower_hex(s: &str) -> bool {
    s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn signed_message(
    id: &str,
    user_id: i64,
    purpose: Purpose,
    subject: Option<i64>,
    issued: i64,
) -> String {
    let subject = subject.map(|s| s.to_string()).unwrap_or_default();
    format!("{id}|{user_id}|{}|{subject}|{issued}", purpose.as_str())
}

impl SubmitTokenSigner {
    /// A signer with the server secret `key` (use ≥ 32 random bytes) and token lifetime `ttl`
    /// (SPEC default: 2 hours).
    pub fn new(key: &[u8], ttl: Duration) -> SubmitTokenSigner {
        SubmitTokenSigner {
            mac: keyed(key),
            ttl,
        }
    }

    /// The configured lifetime.
    pub fn ttl(&self) -> Duration {
        self.ttl
    }

    fn mac_for(&self, message: &str) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(message.as_bytes());
        mac
    }

    /// A fresh token for a form: 128 random bits from the OS CSPRNG, the issue time and the
    /// signature binding them to `user_id`, `purpose` and `subject` (e.g. the order id).
    pub fn issue(
        &self,
        user_id: i64,
        purpose: Purpose,
        subject: Option<i64>,
        now: DateTime<Utc>,
    ) -> String {
        let mut nonce = [0u8; ID_HEX_LEN / 2];
        if rand::rngs::OsRng.try_fill_bytes(&mut nonce).is_err() {
            // thread_rng is a CSPRNG seeded from the OS as well; only reached if getrandom fails.
            rand::thread_rng().fill_bytes(&mut nonce);
        }
        let id = hex::encode(nonce);
        let issued = now.timestamp();
        let sig = self
            .mac_for(&signed_message(&id, user_id, purpose, subject, issued))
            .finalize()
            .into_bytes();
        format!("{id}.{issued}.{}", hex::encode(sig))
    }

    /// Checks a submitted token for this user, purpose and subject at `now`; returns its id
    /// (to be inserted into `submit_tokens`). The signature is compared in constant time and
    /// checked before the time, so an altered time is `BadSignature`.
    pub fn verify(
        &self,
        value: &str,
        user_id: i64,
        purpose: Purpose,
        subject: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<TokenId, TokenError> {
        let mut parts = value.split('.');
        let (Some(id), Some(issued_text), Some(sig_hex), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        if id.len() != ID_HEX_LEN || !is_lower_hex(id) {
            return Err(TokenError::Malformed);
        }
        if issued_text.is_empty()
            || issued_text.len() > MAX_ISSUED_DIGITS
            || !issued_text.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(TokenError::Malformed);
        }
        let issued: i64 = issued_text.parse().map_err(|_| TokenError::Malformed)?;
        if sig_hex.len() != SIG_HEX_LEN || !is_lower_hex(sig_hex) {
            return Err(TokenError::Malformed);
        }
        let sig = hex::decode(sig_hex).map_err(|_| TokenError::Malformed)?;

        // The signed text uses the canonical issue time, so "0123" cannot pass as "123".
        if issued.to_string() != issued_text {
            return Err(TokenError::BadSignature);
        }
        self.mac_for(&signed_message(id, user_id, purpose, subject, issued))
            .verify_slice(&sig)
            .map_err(|_| TokenError::BadSignature)?;

        let now_secs = now.timestamp();
        if issued > now_secs.saturating_add(MAX_CLOCK_SKEW_SECONDS) {
            return Err(TokenError::FromTheFuture);
        }
        if now_secs.saturating_sub(issued) > self.ttl.num_seconds() {
            return Err(TokenError::Expired);
        }
        Ok(TokenId(id.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    use super::super::mac::hmac_of;

    const KEY: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn sign_raw(key: &[u8], message: &str) -> String {
        hex::encode(hmac_of(key, message.as_bytes()).finalize().into_bytes())
    }

    #[test]
    fn purpose_round_trips() {
        crate::domain::text_enum::check_round_trip!(
            Purpose,
            ["checkout", "pay", "handover", "cancel"]
        );
    }

    fn signer() -> SubmitTokenSigner {
        SubmitTokenSigner::new(KEY, Duration::hours(2))
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 6, 1, 12, 0, 0).unwrap()
    }

    #[test]
    fn round_trip() {
        let s = signer();
        let tok = s.issue(42, Purpose::Pay, Some(7), t0());
        let id = s.verify(&tok, 42, Purpose::Pay, Some(7), t0()).unwrap();
        assert_eq!(id.as_str(), &tok[..32]);
        assert_eq!(id.as_str().len(), 32);
        assert!(is_lower_hex(id.as_str()));
        assert_eq!(id.to_string(), id.clone().into_string());
        let tok = s.issue(42, Purpose::Checkout, None, t0());
        assert!(s.verify(&tok, 42, Purpose::Checkout, None, t0()).is_ok());
    }

    #[test]
    fn format_is_id_dot_time_dot_sig() {
        let tok = signer().issue(1, Purpose::Handover, Some(3), t0());
        let parts: Vec<&str> = tok.split('.').collect();
        assert_eq!(parts.len(), 3);
        assert_eq!(parts[0].len(), 32);
        assert_eq!(parts[1], t0().timestamp().to_string());
        assert_eq!(parts[2].len(), 64);
        let msg = format!("{}|1|handover|3|{}", parts[0], parts[1]);
        assert_eq!(sign_raw(KEY, &msg), parts[2]);
        let tok2 = signer().issue(1, Purpose::Handover, None, t0());
        let p2: Vec<&str> = tok2.split('.').collect();
        assert_eq!(
            sign_raw(KEY, &format!("{}|1|handover||{}", p2[0], p2[1])),
            p2[2]
        );
    }

    #[test]
    fn ids_are_random() {
        let s = signer();
        let ids: std::collections::HashSet<String> = (0..500)
            .map(|_| s.issue(1, Purpose::Pay, None, t0())[..32].to_owned())
            .collect();
        assert_eq!(ids.len(), 500);
    }

    #[test]
    fn altered_context_is_bad_signature() {
        let s = signer();
        let tok = s.issue(42, Purpose::Pay, Some(7), t0());
        let bad = Err(TokenError::BadSignature);
        assert_eq!(s.verify(&tok, 43, Purpose::Pay, Some(7), t0()), bad);
        assert_eq!(s.verify(&tok, 42, Purpose::Checkout, Some(7), t0()), bad);
        assert_eq!(s.verify(&tok, 42, Purpose::Handover, Some(7), t0()), bad);
        assert_eq!(s.verify(&tok, 42, Purpose::Pay, Some(8), t0()), bad);
        assert_eq!(s.verify(&tok, 42, Purpose::Pay, None, t0()), bad);
        let other_key = SubmitTokenSigner::new(b"another key", Duration::hours(2));
        assert_eq!(other_key.verify(&tok, 42, Purpose::Pay, Some(7), t0()), bad);
    }

    #[test]
    fn altered_parts_are_bad_signature() {
        let s = signer();
        let tok = s.issue(42, Purpose::Pay, Some(7), t0());
        let parts: Vec<&str> = tok.split('.').collect();
        let flip = |c: char| if c == '0' { '1' } else { '0' };
        // altered id (first char)
        let mut id: Vec<char> = parts[0].chars().collect();
        id[0] = flip(id[0]);
        let id: String = id.into_iter().collect();
        let t = format!("{id}.{}.{}", parts[1], parts[2]);
        assert_eq!(
            s.verify(&t, 42, Purpose::Pay, Some(7), t0()),
            Err(TokenError::BadSignature)
        );
        // altered time (earlier, later, or padded)
        for issued in [
            (t0().timestamp() - 1).to_string(),
            (t0().timestamp() + 1).to_string(),
            format!("0{}", parts[1]),
        ] {
            let t = format!("{}.{issued}.{}", parts[0], parts[2]);
            assert_eq!(
                s.verify(&t, 42, Purpose::Pay, Some(7), t0()),
                Err(TokenError::BadSignature)
            );
        }
        // altered signature (last char)
        let mut sig: Vec<char> = parts[2].chars().collect();
        let last = sig.len() - 1;
        sig[last] = flip(sig[last]);
        let sig: String = sig.into_iter().collect();
        let t = format!("{}.{}.{sig}", parts[0], parts[1]);
        assert_eq!(
            s.verify(&t, 42, Purpose::Pay, Some(7), t0()),
            Err(TokenError::BadSignature)
        );
    }

    #[test]
    fn expiry_and_future() {
        let s = signer();
        let tok = s.issue(1, Purpose::Pay, None, t0());
        let at = |secs: i64| s.verify(&tok, 1, Purpose::Pay, None, t0() + Duration::seconds(secs));
        assert!(at(0).is_ok());
        assert!(at(7200).is_ok());
        assert_eq!(at(7201), Err(TokenError::Expired));
        assert_eq!(at(86_400 * 365), Err(TokenError::Expired));
        assert!(at(-300).is_ok());
        assert_eq!(at(-301), Err(TokenError::FromTheFuture));
        let short = SubmitTokenSigner::new(KEY, Duration::seconds(10));
        assert_eq!(short.ttl(), Duration::seconds(10));
        assert_eq!(
            short.verify(&tok, 1, Purpose::Pay, None, t0() + Duration::seconds(11)),
            Err(TokenError::Expired)
        );
    }

    #[test]
    fn malformed_never_panics() {
        let s = signer();
        let good = s.issue(1, Purpose::Pay, None, t0());
        let parts: Vec<&str> = good.split('.').collect();
        let upper = good.to_uppercase();
        let huge = "9".repeat(40);
        let cases = vec![
            String::new(),
            ".".into(),
            "..".into(),
            "...".into(),
            format!("{good}."),
            format!(".{good}"),
            format!("{good}.extra"),
            format!("{}.{}", parts[0], parts[1]),
            format!("{}..{}", parts[0], parts[2]),
            format!("{}.{huge}.{}", parts[0], parts[2]),
            format!("{}.99999999999999999999.{}", parts[0], parts[2]),
            format!("{}.-5.{}", parts[0], parts[2]),
            format!("{}.+5.{}", parts[0], parts[2]),
            format!("{}.1e9.{}", parts[0], parts[2]),
            format!("{}.{}.{}", &parts[0][..31], parts[1], parts[2]),
            format!("{}0.{}.{}", parts[0], parts[1], parts[2]),
            format!("{}.{}.{}", parts[0], parts[1], &parts[2][..63]),
            format!("{}.{}.{}zz", parts[0], parts[1], &parts[2][..62]),
            format!("{}g.{}.{}", &parts[0][..31], parts[1], parts[2]),
            upper,
            "ééééééééééééééééééééééééééééééé.1.2".into(),
            "x".repeat(100_000),
            "\0\0\0".into(),
        ];
        for c in cases {
            assert_eq!(
                s.verify(&c, 1, Purpose::Pay, None, t0()),
                Err(TokenError::Malformed),
                "{c:?}"
            );
        }
        // extreme times must not overflow
        let max_tok = format!("{}.{}.{}", parts[0], i64::MAX, parts[2]);
        assert_eq!(
            s.verify(&max_tok, 1, Purpose::Pay, None, t0()),
            Err(TokenError::BadSignature)
        );
        let extreme = SubmitTokenSigner::new(KEY, Duration::MAX);
        let epoch = Utc.timestamp_opt(0, 0).unwrap();
        let tok = extreme.issue(1, Purpose::Pay, None, epoch);
        assert!(extreme
            .verify(&tok, 1, Purpose::Pay, None, DateTime::<Utc>::MAX_UTC)
            .is_ok());
        let tok = extreme.issue(1, Purpose::Pay, None, DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            extreme.verify(&tok, 1, Purpose::Pay, None, epoch),
            Err(TokenError::FromTheFuture)
        );
    }

    #[test]
    fn messages_and_debug() {
        assert_eq!(
            TokenError::BadSignature.to_string(),
            "this form has expired, please reload"
        );
        assert_eq!(
            TokenError::Expired.to_string(),
            "this form has expired, please reload"
        );
        assert!(TokenError::Malformed.to_string().ends_with("please reload"));
        assert!(TokenError::FromTheFuture
            .to_string()
            .ends_with("please reload"));
        let dbg = format!("{:?}", signer());
        assert!(!dbg.contains("0123456789abcdef"));
    }
}
