//! HMAC-SHA256, the one MAC of the app: submit tokens and QR payloads here, and outside `domain`
//! the keys derived from the master secret (`config`) and the payment callback's signature.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// HMAC-SHA256, the only MAC used by the domain layer.
pub type HmacSha256 = Hmac<Sha256>;

/// A fresh HMAC-SHA256 instance keyed with `key` (any length is accepted).
pub fn keyed(key: &[u8]) -> HmacSha256 {
    // `new_from_slice` only rejects key lengths, and HMAC accepts keys of any length.
    HmacSha256::new_from_slice(key).expect("HMAC accepts any key length") // ok: cannot fail
}

/// HMAC-SHA256 of `message` under `key`, ready to be finalized or verified.
pub fn hmac_of(key: &[u8], message: &[u8]) -> HmacSha256 {
    let mut mac = keyed(key);
    mac.update(message);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4231_test_case_2() {
        let tag = hmac_of(b"Jefe", b"what do ya want for nothing?")
            .finalize()
            .into_bytes();
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn empty_and_long_keys_are_accepted() {
        let _ = keyed(b"");
        let _ = keyed(&[7u8; 1000]);
    }
}
