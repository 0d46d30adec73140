//! Page: the layout data every template gets, and the small response helpers handlers share.

use actix_web::http::header;
use actix_web::HttpResponse;
use askama::Template;

use super::session::Flash;
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{IntoArg, Locale, Msg};
use crate::shop::accounts::AuthUser;

/// What `base.html` reads, and nothing else: title, who is logged in, the flash, the CSRF token,
/// the language — and the templates' way to it: `page.t("key")`, `page.t1("key", "name", value)`,
/// `page.tm(msg)`.
pub struct Page {
    pub title: String,
    pub user: Option<AuthUser>,
    pub flash: Option<Flash>,
    pub csrf_token: String,
    /// Customers: units in the cart, for the nav.
    pub cart_count: Option<i64>,
    pub locale: Locale,
    /// Where the footer's language switch comes back to (a local path).
    pub here: String,
}

impl Page {
    /// `<html lang>`.
    pub fn lang(&self) -> &'static str {
        self.locale.tag()
    }
    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }
    pub fn t1(&self, key: &'static str, a: &'static str, va: impl IntoArg) -> String {
        self.tm(Msg::new(key).arg(a, va))
    }
    pub fn t2(
        &self,
        key: &'static str,
        a: &'static str,
        va: impl IntoArg,
        b: &'static str,
        vb: impl IntoArg,
    ) -> String {
        self.tm(Msg::new(key).arg(a, va).arg(b, vb))
    }
    #[allow(clippy::too_many_arguments)]
    pub fn t3(
        &self,
        key: &'static str,
        a: &'static str,
        va: impl IntoArg,
        b: &'static str,
        vb: impl IntoArg,
        c: &'static str,
        vc: impl IntoArg,
    ) -> String {
        self.tm(Msg::new(key).arg(a, va).arg(b, vb).arg(c, vc))
    }
    /// A message carried as key + arguments (flash, outcome, field error).
    pub fn tm(&self, m: impl AsMsg) -> String {
        self.locale.msg(m.as_msg())
    }
    /// A message with one argument shown marked (`<strong {attr}>value</strong>`, e.g. the name a
    /// test or a screen reader looks for): the text and the value are HTML-escaped; only the
    /// template's literal `attr` is not. Rendered with `|safe`.
    pub fn tb(&self, key: &'static str, name: &'static str, value: &str, attr: &str) -> String {
        self.tmb(&Msg::new(key), name, value, attr)
    }
    pub fn tmb(&self, m: &Msg, name: &'static str, value: &str, attr: &str) -> String {
        const MARK: &str = "\u{E000}";
        let text = self.tm(m.clone().arg(name, MARK));
        let marked = format!("<strong {attr}>{}</strong>", escape_html(value));
        escape_html(&text).replace(MARK, &marked)
    }
    /// The footer's link to this page in another language.
    pub fn switch_href(&self, to: &str) -> String {
        let query = serde_urlencoded::to_string([("next", self.here.as_str())]).unwrap_or_default();
        format!("/lang/{to}?{query}")
    }
    pub fn is_customer(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Customer)
    }
    pub fn is_staff(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Staff)
    }
    pub fn is_admin(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role == Role::Admin)
    }
    pub fn user_name(&self) -> &str {
        self.user
            .as_ref()
            .map(|u| u.display_name.as_str())
            .unwrap_or("")
    }
    pub fn store_name(&self) -> &str {
        self.user
            .as_ref()
            .and_then(|u| u.store_name.as_deref())
            .unwrap_or("")
    }
}

/// A message or a reference to one, however deep (templates pass fields and locals by reference).
pub trait AsMsg {
    fn as_msg(&self) -> &Msg;
}
impl AsMsg for Msg {
    fn as_msg(&self) -> &Msg {
        self
    }
}
impl<T: AsMsg + ?Sized> AsMsg for &T {
    fn as_msg(&self) -> &Msg {
        (**self).as_msg()
    }
}

/// Text made safe to put in HTML (element content or a quoted attribute).
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Renders a template into a 200 HTML response.
pub fn render<T: Template>(t: &T) -> Result<HttpResponse, AppError> {
    render_status(t, actix_web::http::StatusCode::OK)
}

/// Renders a template with a given status (a form redisplayed with errors is 400, say).
pub fn render_status<T: Template>(
    t: &T,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let body = t.render()?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// A live part of a page (SPEC §14), fetched by the page's script to replace that part.
pub fn live_part<T: Template>(t: &T) -> Result<HttpResponse, AppError> {
    let body = t.render()?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header(("x-live", "1"))
        .body(body))
}

/// The live part has not changed since the version the page shows.
pub fn live_unchanged() -> HttpResponse {
    HttpResponse::NoContent()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .finish()
}

/// 303 See Other: the answer to every successful POST. The target is always a local path
/// (checked here, so no header is ever built from something that is not one); anything else goes
/// to `/`.
pub fn see_other(location: &str) -> HttpResponse {
    let location = if is_local_path(location) {
        location
    } else {
        "/"
    };
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// `%XX` decoded to bytes (anything else kept as it is), read as UTF-8 (lossy).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The shape of a local path, checked on one spelling of it: `/` then a path character — never
/// `//` or `/\` (a browser reads both as another host), no backslash, no control or whitespace
/// character anywhere.
fn local_shape(p: &str) -> bool {
    let mut chars = p.chars();
    chars.next() == Some('/')
        && !matches!(chars.next(), Some('/' | '\\'))
        && !p.contains('\\')
        && !p.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// Whether `p` is a local path as it stands and after percent-decoding (up to three rounds, for
/// double encodings), and printable ASCII as it stands (so it is a valid header value).
pub fn is_local_path(p: &str) -> bool {
    if p.is_empty() || p.len() > 512 || !p.bytes().all(|b| b.is_ascii_graphic()) {
        return false;
    }
    let mut spelling = p.to_string();
    for _ in 0..3 {
        if !local_shape(&spelling) {
            return false;
        }
        let decoded = percent_decode(&spelling);
        if decoded == spelling {
            return true;
        }
        spelling = decoded;
    }
    local_shape(&spelling)
}

/// Only local paths are honoured as a redirect target; anything else is None (the caller then
/// uses the role's landing page).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?;
    is_local_path(n).then(|| n.to_string())
}

/// Formats integer cents with the configured currency symbol.
pub fn money(cents: i64, symbol: &str) -> String {
    crate::domain::format_cents(cents, symbol)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_refuses_what_a_browser_would_read_as_another_host_or_a_broken_header() {
        for bad in [
            "/%09/evil.example",
            "/\t/evil.example",
            "/%0a",
            "/%0d%0aSet-Cookie:x=1",
            "/%0b",
            "/%00",
            "/%2F/evil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/ /evil.example",
            " /orders",
            "/orders\n",
            "/caf\u{e9}",
            "",
        ] {
            assert_eq!(safe_next(Some(bad)), None, "{bad:?}");
        }
        assert_eq!(
            safe_next(Some("/orders?page=2")),
            Some("/orders?page=2".into())
        );
        assert_eq!(
            safe_next(Some("/admin/orders?q=caf%C3%A9")),
            Some("/admin/orders?q=caf%C3%A9".into())
        );
    }

    #[test]
    fn see_other_never_leaves_the_site() {
        let res = super::see_other("//evil.example");
        assert_eq!(res.headers().get("location").unwrap(), "/");
        let res = super::see_other("/orders/2612020001");
        assert_eq!(res.headers().get("location").unwrap(), "/orders/2612020001");
    }

    #[test]
    fn next_only_local() {
        assert_eq!(safe_next(Some("/orders")), Some("/orders".into()));
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(Some("evil")), None);
        assert_eq!(safe_next(None), None);
    }
}
