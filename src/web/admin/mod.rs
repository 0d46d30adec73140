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
use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

pub fn routes(cfg: &mut web::ServiceConfig) {
    dashboard::routes(cfg);
    stock::routes(cfg);
    products::routes(cfg);
    orders::routes(cfg);
    stores::routes(cfg);
    staff::routes(cfg);
    lookups::routes(cfg);
}

/// A stored UTC time as the shop reads it, e.g. `2026-12-02 09:14`.
pub fn local_time(utc: NaiveDateTime, offset: FixedOffset) -> String {
    offset
        .from_utc_datetime(&utc)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The UTC interval [start, end) of a calendar day in the shop's time zone.
pub fn local_day(day: NaiveDate, offset: FixedOffset) -> (NaiveDateTime, NaiveDateTime) {
    let start =
        day.and_time(NaiveTime::MIN) - Duration::seconds(i64::from(offset.local_minus_utc()));
    (start, start + Duration::days(1))
}

/// Today in the shop's time zone.
pub fn local_today(offset: FixedOffset) -> NaiveDate {
    chrono::Utc::now().with_timezone(&offset).date_naive()
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
    fn a_shop_day_is_shifted_by_the_offset() {
        let plus8 = FixedOffset::east_opt(8 * 3600).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let (start, end) = local_day(day, plus8);
        assert_eq!(start.to_string(), "2026-12-01 16:00:00");
        assert_eq!(end.to_string(), "2026-12-02 16:00:00");
        assert_eq!(local_time(start, plus8), "2026-12-02 00:00");
    }

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
