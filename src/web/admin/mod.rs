//! `/admin`: the back office — one module per page area. Handlers check the admin, validate the
//! form, call one `shop` function and render; times are shown in the shop's time zone.

mod dashboard;
mod lookups;
mod orders;
mod products;
mod staff;
mod stock;
mod stores;

use actix_web::web;

pub fn routes(cfg: &mut web::ServiceConfig) {
    dashboard::routes(cfg);
    stock::routes(cfg);
    products::routes(cfg);
    orders::routes(cfg);
    stores::routes(cfg);
    staff::routes(cfg);
    lookups::routes(cfg);
}

/// An optional id from a query or form field: empty is None, junk is an error message.
pub fn optional_id(raw: &str, field: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<i64>()
        .ok()
        .filter(|v| *v > 0)
        .map(Some)
        .ok_or_else(|| format!("Choose a {field} from the list."))
}

/// Trims a free-text field and checks its length in characters.
pub fn text_field(raw: &str, max: usize, required: bool, what: &str) -> Result<String, String> {
    let t = raw.trim();
    if required && t.is_empty() {
        return Err(format!("{what} is required."));
    }
    if t.chars().count() > max {
        return Err(format!("{what} can be at most {max} characters."));
    }
    Ok(t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn optional_ids_and_text_fields() {
        assert_eq!(optional_id(" ", "store"), Ok(None));
        assert_eq!(optional_id("7", "store"), Ok(Some(7)));
        assert!(optional_id("x", "store").is_err());
        assert!(optional_id("-1", "store").is_err());
        assert_eq!(text_field("  a ", 3, true, "Name"), Ok("a".into()));
        assert!(text_field("", 3, true, "Name").is_err());
        assert!(text_field("abcd", 3, false, "Name").is_err());
    }
}
