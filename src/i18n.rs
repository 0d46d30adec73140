//! Languages: the `Locale` a person reads, the Fluent catalogs (`locales/<tag>/main.ftl`, compiled
//! into the binary), and `Msg` — a message as a key with its arguments, translated only when a page
//! (or the CLI) shows it.
//!
//! Every key is written in code as a string literal in one of the greppable calls `.t("key"`,
//! `.t1("key"`, `.t2("key"`, `.t3("key"`, `.tb("key"` (templates, on the page) or `msg!("key"`
//! (Rust); the
//! catalog test below reads templates/ and src/ for exactly those and compares with both catalogs.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader};
use serde::{Deserialize, Serialize};

fluent_templates::static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around arguments: they would end up in numbers and tel: text.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

/// A language of the shop. Only these two exist; everything else is chosen between them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// Simplified Chinese, the shops' own language.
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// The BCP 47 tag: `<html lang>`, the cookie's value, the catalog folder.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// A tag as people and browsers write it: `zh`, `zh-CN`, `zh-Hans-CN`, `zh_cn` → Chinese;
    /// `en`, `en-US`, `EN-gb` → English; anything else → None.
    pub fn parse(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = tag.split('-').next().unwrap_or("");
        match primary {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// The value of `DEFAULT_LOCALE`: exactly `zh-CN` or `en` (any case).
    pub fn parse_setting(v: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(v.trim()))
    }

    /// The first language of an `Accept-Language` header (by weight, then order) that the shop
    /// has; None when it names none of them.
    pub fn from_accept_language(header: &str) -> Option<Locale> {
        let mut ranked: Vec<(f32, usize, Locale)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut fields = part.split(';');
                let tag = fields.next()?.trim();
                let q = fields
                    .filter_map(|f| f.trim().strip_prefix("q="))
                    .find_map(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                (q > 0.0).then_some(())?;
                Some((q, i, Locale::parse(tag)?))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranked.first().map(|r| r.2)
    }

    fn langid(self) -> LanguageIdentifier {
        match self {
            Locale::ZhCn => fluent_templates::langid!("zh-CN"),
            Locale::En => fluent_templates::langid!("en"),
        }
    }

    /// Parses both catalogs now (they are parsed on first use): a broken catalog stops start-up
    /// instead of the first request. The tests parse them too.
    pub fn load_catalogs() {
        for locale in Locale::ALL {
            let _ = locale.t("nav-shop");
        }
    }

    /// The message `key` with no arguments.
    pub fn t(self, key: &str) -> String {
        LOCALES.lookup(&self.langid(), key)
    }

    /// The message `key` with arguments.
    pub fn t_args(self, key: &str, args: &[(Cow<'static, str>, Arg)]) -> String {
        if args.is_empty() {
            return self.t(key);
        }
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(name, value)| (name.clone(), value.fluent()))
            .collect();
        LOCALES.lookup_with_args(&self.langid(), key, &map)
    }

    /// A `Msg` in this language.
    pub fn msg(self, m: &Msg) -> String {
        self.t_args(&m.key, &m.args)
    }

    /// A stored UTC time as the shop reads it (`SHOP_UTC_OFFSET`), in this language's way:
    /// `2026年12月3日 14:02` / `3 Dec 2026, 14:02`. The pattern is the catalog's.
    pub fn datetime(self, local: DateTime<FixedOffset>) -> String {
        local.format(&self.t("format-datetime")).to_string()
    }

    /// Day and time without the year: `12月3日 14:02` / `3 Dec 14:02`.
    pub fn day_time(self, local: DateTime<FixedOffset>) -> String {
        local.format(&self.t("format-day-time")).to_string()
    }

    /// A calendar day in full: `2026年12月3日 周四` / `Thu 3 December 2026`.
    pub fn date_long(self, date: chrono::NaiveDate) -> String {
        let day = date.format(&self.t("format-date-long")).to_string();
        self.msg(&crate::msg!(
            "format-weekday-day",
            weekday = self.weekday(date),
            day = day
        ))
    }

    fn weekday(self, date: chrono::NaiveDate) -> String {
        use chrono::Datelike;
        match date.weekday() {
            chrono::Weekday::Mon => self.t("weekday-mon"),
            chrono::Weekday::Tue => self.t("weekday-tue"),
            chrono::Weekday::Wed => self.t("weekday-wed"),
            chrono::Weekday::Thu => self.t("weekday-thu"),
            chrono::Weekday::Fri => self.t("weekday-fri"),
            chrono::Weekday::Sat => self.t("weekday-sat"),
            chrono::Weekday::Sun => self.t("weekday-sun"),
        }
    }

    /// A calendar day, short: `12月3日 周四` / `Thu 3 Dec` (weekday names are the catalog's).
    pub fn day(self, date: chrono::NaiveDate) -> String {
        let weekday = self.weekday(date);
        let day = date.format(&self.t("format-day")).to_string();
        self.msg(&crate::msg!(
            "format-weekday-day",
            weekday = weekday,
            day = day
        ))
    }
}

/// An argument of a message: a number (plural selectors and number formatting are the
/// catalog's) or a text (a name, a formatted price, a time).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Arg {
    Num(i64),
    Text(String),
}

impl Arg {
    fn fluent(&self) -> FluentValue<'static> {
        match self {
            Arg::Num(n) => FluentValue::from(*n),
            Arg::Text(s) => FluentValue::from(s.clone()),
        }
    }
}

/// What can be a message argument: integers (as numbers), texts, and references to either
/// (templates pass fields by reference).
pub trait IntoArg {
    fn into_arg(self) -> Arg;
}

macro_rules! int_arg {
    ($($t:ty),*) => {$(
        impl IntoArg for $t {
            fn into_arg(self) -> Arg {
                Arg::Num(i64::try_from(self).unwrap_or(i64::MAX))
            }
        }
    )*};
}
int_arg!(i64, i32, u32, u64, usize, u16, u8);

impl IntoArg for String {
    fn into_arg(self) -> Arg {
        Arg::Text(self)
    }
}
impl IntoArg for &str {
    fn into_arg(self) -> Arg {
        Arg::Text(self.to_string())
    }
}
impl<T: IntoArg + Clone> IntoArg for &T {
    fn into_arg(self) -> Arg {
        self.clone().into_arg()
    }
}

/// A message not yet in any language: a catalog key and its arguments. Outcomes, flashes and
/// error texts travel as this and are translated when the page is rendered in the reader's
/// language. Build one with `msg!("key")` or `msg!("key", n = 3, name = x)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Msg {
    pub key: Cow<'static, str>,
    #[serde(default)]
    pub args: Vec<(Cow<'static, str>, Arg)>,
}

impl Msg {
    pub const fn new(key: &'static str) -> Msg {
        Msg {
            key: Cow::Borrowed(key),
            args: Vec::new(),
        }
    }

    pub fn arg(mut self, name: &'static str, value: impl IntoArg) -> Msg {
        self.args.push((Cow::Borrowed(name), value.into_arg()));
        self
    }
}

/// For logs (`AppError`'s Display): the key and its arguments, never translated.
impl std::fmt::Display for Msg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.key)?;
        for (name, value) in &self.args {
            match value {
                Arg::Num(n) => write!(f, " {name}={n}")?,
                Arg::Text(s) => write!(f, " {name}={s:?}")?,
            }
        }
        Ok(())
    }
}

/// `msg!("key", n = 3)`: a `Msg` (the key is a literal, so the catalog test can find it).
#[macro_export]
macro_rules! msg {
    ($key:literal $(, $name:ident = $value:expr)* $(,)?) => {
        $crate::i18n::Msg::new($key)$(.arg(stringify!($name), $value))*
    };
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::Path;

    #[test]
    fn accept_language_picks_the_first_language_the_shop_has() {
        let cases = [
            ("zh-CN,zh;q=0.9", Some(Locale::ZhCn)),
            ("en-US", Some(Locale::En)),
            ("en-US,en;q=0.9,zh-CN;q=0.8", Some(Locale::En)),
            ("fr-FR,fr;q=0.9,zh;q=0.5,en;q=0.4", Some(Locale::ZhCn)),
            ("de, en;q=0", None),
            ("zh-TW", Some(Locale::ZhCn)),
            ("en;q=0.5, zh-Hans-CN", Some(Locale::ZhCn)),
            ("*", None),
            ("", None),
        ];
        for (header, want) in cases {
            assert_eq!(Locale::from_accept_language(header), want, "{header:?}");
        }
    }

    #[test]
    fn the_setting_takes_exact_tags_only() {
        assert_eq!(Locale::parse_setting("zh-CN"), Some(Locale::ZhCn));
        assert_eq!(Locale::parse_setting("EN"), Some(Locale::En));
        assert_eq!(Locale::parse_setting("fr"), None);
        assert_eq!(Locale::parse_setting("zh"), None);
    }

    #[test]
    fn plurals_and_arguments_come_from_the_catalog_without_isolation_marks() {
        let one = Locale::En.msg(&crate::msg!("sold-out-left", name = "Tea", left = 0));
        let two = Locale::En.msg(&crate::msg!("sold-out-left", name = "Tea", left = 2));
        assert!(one.contains("Tea is sold out"), "{one}");
        assert!(two.contains("only 2 left of Tea"), "{two}");
        let zh = Locale::ZhCn.msg(&crate::msg!("sold-out-left", name = "茶", left = 2));
        assert!(zh.contains("茶") && zh.contains('2'), "{zh}");
        for s in [one, two, zh] {
            assert!(!s.contains('\u{2068}') && !s.contains('\u{2069}'), "{s:?}");
        }
    }

    #[test]
    fn dates_follow_the_locale() {
        let offset = FixedOffset::east_opt(8 * 3600).unwrap();
        let utc = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(6, 2, 0)
            .unwrap();
        let local = chrono::TimeZone::from_utc_datetime(&offset, &utc);
        assert_eq!(Locale::ZhCn.datetime(local), "2026年12月3日 14:02");
        assert_eq!(Locale::En.datetime(local), "3 Dec 2026, 14:02");
        assert_eq!(Locale::ZhCn.day_time(local), "12月3日 14:02");
        assert_eq!(Locale::En.day_time(local), "3 Dec 14:02");
        assert_eq!(Locale::En.day(utc.date()), "Thu 3 Dec");
        assert_eq!(Locale::ZhCn.day(utc.date()), "12月3日 周四");
    }

    /// The keys a catalog defines: every line `key = …` at the start of a line.
    fn catalog_keys(locale: Locale) -> BTreeSet<String> {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("locales")
            .join(locale.tag())
            .join("main.ftl");
        let text = std::fs::read_to_string(&path).expect("catalog");
        text.lines()
            .filter_map(|line| {
                let (key, _) = line.split_once(" =")?;
                let ok = key.starts_with(|c: char| c.is_ascii_lowercase())
                    && key
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
                ok.then(|| key.to_string())
            })
            .collect()
    }

    /// Every key literal in the calls that take one (see the module's first lines).
    fn used_keys() -> BTreeSet<String> {
        // The key is the call's first argument, a literal (rustfmt may put it on the next line).
        const CALLS: [&str; 6] = [".t(", ".t1(", ".t2(", ".t3(", ".tb(", "msg!("];
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["templates", "src"] {
            walk(&root.join(dir), &mut files);
        }
        let mut keys = BTreeSet::new();
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source file");
            for call in CALLS {
                for (at, _) in text.match_indices(call) {
                    let rest = text[at + call.len()..].trim_start();
                    let Some(rest) = rest.strip_prefix('"') else {
                        continue;
                    };
                    let key: String = rest.chars().take_while(|c| *c != '"').collect();
                    // This file names the calls in its own text; those are not keys.
                    if !key.is_empty() && !key.contains(['\\', ' ']) && key != "key" {
                        keys.insert(key);
                    }
                }
            }
        }
        keys
    }

    fn walk(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read dir").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(&path, out);
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "html" || e == "txt")
            {
                out.push(path);
            }
        }
    }

    /// A catalog line that Fluent could not parse would leave its message out of the bundle (and
    /// the page would show the key): every key defined must resolve in its own language.
    #[test]
    fn every_message_of_both_catalogs_parses_and_resolves() {
        for locale in Locale::ALL {
            let path = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("locales")
                .join(locale.tag())
                .join("main.ftl");
            let text = std::fs::read_to_string(&path).expect("catalog");
            // Each message with every variable it names given a value (a number: selectors
            // then take their default variant, which must exist too).
            let keys = catalog_keys(locale);
            let mut blocks: Vec<(String, String)> = Vec::new();
            for line in text.lines() {
                let key = line.split_once(" =").map(|(k, _)| k.to_string());
                match key.filter(|k| keys.contains(k)) {
                    Some(k) => blocks.push((k, line.to_string())),
                    None => {
                        if let Some((_, body)) = blocks.last_mut() {
                            body.push_str(line);
                        }
                    }
                }
            }
            assert_eq!(blocks.len(), keys.len());
            for (key, body) in blocks {
                let args: HashMap<Cow<'static, str>, FluentValue> = body
                    .split('$')
                    .skip(1)
                    .map(|rest| {
                        let name: String = rest
                            .chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect();
                        (Cow::Owned(name), FluentValue::from(7))
                    })
                    .collect();
                let found = LOCALES.try_lookup_with_args(&locale.langid(), &key, &args);
                assert!(found.is_some(), "{} {key} does not resolve", locale.tag());
            }
        }
    }

    /// Keys only code that formats (dates, weekdays) uses by name through `Locale::t` with a
    /// literal: they are found by the same scan, so nothing is listed here.
    #[test]
    fn every_key_used_exists_in_both_catalogs_and_none_is_orphaned() {
        let used = used_keys();
        assert!(used.len() > 50, "the scan found too few keys: {used:?}");
        for locale in Locale::ALL {
            let defined = catalog_keys(locale);
            let missing: Vec<_> = used.difference(&defined).collect();
            let orphaned: Vec<_> = defined.difference(&used).collect();
            assert!(
                missing.is_empty(),
                "keys used but not in {}: {missing:?}",
                locale.tag()
            );
            assert!(
                orphaned.is_empty(),
                "keys in {} that nothing uses: {orphaned:?}",
                locale.tag()
            );
        }
    }
}
