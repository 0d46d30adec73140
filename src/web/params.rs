//! Query parameters read into typed values with a range. A value out of range or of the wrong
//! shape is refused with a 400 that names the parameter (via `QueryConfig`'s error handler, which
//! passes these messages through) — never ignored, never a 500.

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

fn id<'de, D: Deserializer<'de>>(name: &str, d: D) -> Result<Option<i64>, D::Error> {
    let raw: Option<String> = Option::deserialize(d)?;
    match raw.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 1)
            .map(Some)
            .ok_or_else(|| D::Error::custom(format!("`{name}` must be a whole number from 1"))),
    }
}

/// `before=<id>`: a keyset cursor (an id from 1).
pub fn before<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    id("before", d)
}

/// `after=<id>`: a keyset cursor (an id from 1).
pub fn after<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    id("after", d)
}

/// The message a refused query parameter gets on the 400 page.
pub fn refusal(e: &actix_web::error::QueryPayloadError) -> crate::i18n::Msg {
    let detail = match e {
        actix_web::error::QueryPayloadError::Deserialize(inner) => inner.to_string(),
        other => other.to_string(),
    };
    crate::msg!("error-param-refused", detail = detail)
}

#[cfg(test)]
mod tests {
    #[derive(serde::Deserialize, Debug)]
    struct Q {
        #[serde(default, deserialize_with = "super::before")]
        before: Option<i64>,
    }

    #[test]
    fn cursors_are_ids_from_one_or_absent() {
        let q: Q = serde_urlencoded::from_str("before=42").unwrap();
        assert_eq!(q.before, Some(42));
        let q: Q = serde_urlencoded::from_str("").unwrap();
        assert_eq!(q.before, None);
        for bad in [
            "before=abc",
            "before=0",
            "before=-1",
            "before=99999999999999999999",
        ] {
            let e = serde_urlencoded::from_str::<Q>(bad).unwrap_err();
            assert!(e.to_string().contains("`before`"), "{bad}: {e}");
        }
    }
}
