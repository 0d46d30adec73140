//! Page: the layout data every template gets, and the small response helpers handlers share.

use actix_web::http::header;
use actix_web::HttpResponse;
use askama::Template;

use super::session::Flash;
use crate::domain::Role;
use crate::error::AppError;
use crate::shop::accounts::AuthUser;

/// What `base.html` reads, and nothing else: title, who is logged in, the flash, the CSRF token.
pub struct Page {
    pub title: String,
    pub user: Option<AuthUser>,
    pub flash: Option<Flash>,
    pub csrf_token: String,
    /// Customers: units in the cart, for the nav.
    pub cart_count: Option<i64>,
}

impl Page {
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

/// 303 See Other: the answer to every successful POST.
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, location))
        .finish()
}

/// Only local paths are honoured as a redirect target (no `//host`, no scheme, no backslashes).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let local = n.starts_with('/')
        && !n.starts_with("//")
        && !n.contains('\\')
        && !n.contains("://")
        && n.len() <= 512;
    local.then(|| n.to_string())
}

/// Formats integer cents with the configured currency symbol.
pub fn money(cents: i64, symbol: &str) -> String {
    crate::domain::format_cents(cents, symbol)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

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
