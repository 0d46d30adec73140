//! The shop's clock: stored UTC times as the shop reads them (`SHOP_UTC_OFFSET`), and the shop's
//! calendar days as UTC intervals for the admin's date filters.

use chrono::{Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};

use crate::i18n::Locale;

/// A stored UTC time as the shop reads it, in the reader's language: `2026年12月3日 14:02`,
/// `3 Dec 2026, 14:02`.
pub fn shop_time(utc: NaiveDateTime, offset: FixedOffset, locale: Locale) -> String {
    locale.datetime(offset.from_utc_datetime(&utc))
}

/// The same in one fixed form for files (the CSV export): `2026-12-02 09:14`.
pub fn shop_time_iso(utc: NaiveDateTime, offset: FixedOffset) -> String {
    offset
        .from_utc_datetime(&utc)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// The same, short for the counter's screens: `14:02` today, else `12月3日 14:02` / `3 Dec 14:02`.
pub fn shop_time_short(utc: NaiveDateTime, offset: FixedOffset, locale: Locale) -> String {
    let local = offset.from_utc_datetime(&utc);
    if local.date_naive() == shop_today(offset) {
        local.format("%H:%M").to_string()
    } else {
        locale.day_time(local)
    }
}

/// The UTC interval [start, end) of a calendar day in the shop's time zone.
pub fn shop_day(day: NaiveDate, offset: FixedOffset) -> (NaiveDateTime, NaiveDateTime) {
    let start =
        day.and_time(NaiveTime::MIN) - Duration::seconds(i64::from(offset.local_minus_utc()));
    (start, start + Duration::days(1))
}

/// Today in the shop's time zone.
pub fn shop_today(offset: FixedOffset) -> NaiveDate {
    Utc::now().with_timezone(&offset).date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shop_day_is_shifted_by_the_offset() {
        let plus8 = FixedOffset::east_opt(8 * 3600).unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let (start, end) = shop_day(day, plus8);
        assert_eq!(start.to_string(), "2026-12-01 16:00:00");
        assert_eq!(end.to_string(), "2026-12-02 16:00:00");
        assert_eq!(shop_time(start, plus8, Locale::En), "2 Dec 2026, 00:00");
        assert_eq!(shop_time(start, plus8, Locale::ZhCn), "2026年12月2日 00:00");
    }
}
