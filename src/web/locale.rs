//! The request's language: the `lang` cookie (the footer's switch) wins, then `Accept-Language`,
//! then `DEFAULT_LOCALE`. And the switch itself: `GET /lang/{tag}?next=…` sets the cookie and
//! goes back (303) to `next` when it is a local path.
//!
//! The switch is a GET link, not a form: it changes nothing but a preference cookie of the browser
//! that follows it, so it needs no CSRF token and works for anonymous visitors.

use actix_web::cookie::{time::Duration, Cookie, SameSite};
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::page::{safe_next, see_other};
use crate::i18n::Locale;
use crate::state::AppState;

/// The cookie that remembers the switch.
pub const COOKIE: &str = "lang";

/// Cookie first, then the header, then the configured default.
pub fn choose(cookie: Option<&str>, accept_language: Option<&str>, default: Locale) -> Locale {
    cookie
        .and_then(Locale::parse_setting)
        .or_else(|| accept_language.and_then(Locale::from_accept_language))
        .unwrap_or(default)
}

/// The language of a request (see `choose`).
pub fn of_request(req: &HttpRequest) -> Locale {
    let default = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.settings.default_locale)
        .unwrap_or_default();
    let cookie = req.cookie(COOKIE);
    let accept = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    choose(cookie.as_ref().map(|c| c.value()), accept, default)
}

/// The `next` of the footer's switch: where this page can be fetched again. A GET's own path
/// and query; a POST's page (a form shown again with its errors) goes to the first segment of its
/// path (`/counter/lookup` → `/counter`, `/checkout` → `/checkout`), which is always a page.
pub fn here(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        return req
            .uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
    }
    let first = req.path().split('/').find(|s| !s.is_empty()).unwrap_or("");
    match first {
        "" | "logout" | "payments" => "/".into(),
        s => format!("/{s}"),
    }
}

#[derive(Deserialize)]
struct SwitchQuery {
    next: Option<String>,
}

/// `GET /lang/{tag}`: remember the language in a cookie (a year) and go back to `next`.
async fn switch(
    req: HttpRequest,
    tag: web::Path<String>,
    query: web::Query<SwitchQuery>,
) -> HttpResponse {
    let Some(locale) = Locale::parse_setting(&tag) else {
        return see_other("/");
    };
    let secure = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.settings.cookie_secure);
    let next = safe_next(query.next.as_deref()).unwrap_or_else(|| "/".into());
    let cookie = Cookie::build(COOKIE, locale.tag())
        .path("/")
        .max_age(Duration::days(365))
        .same_site(SameSite::Lax)
        .http_only(true)
        .secure(secure)
        .finish();
    let mut res = see_other(&next);
    if let Ok(v) = header::HeaderValue::from_str(&cookie.to_string()) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/lang/{tag}", web::get().to(switch));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cookie_wins_then_the_header_then_the_default() {
        let zh = Some("zh-CN,zh;q=0.9");
        assert_eq!(choose(Some("en"), zh, Locale::ZhCn), Locale::En);
        assert_eq!(choose(None, zh, Locale::En), Locale::ZhCn);
        assert_eq!(choose(None, Some("en-US"), Locale::ZhCn), Locale::En);
        assert_eq!(choose(None, None, Locale::En), Locale::En);
        assert_eq!(choose(Some("klingon"), None, Locale::ZhCn), Locale::ZhCn);
        assert_eq!(choose(None, Some("fr"), Locale::En), Locale::En);
    }
}
