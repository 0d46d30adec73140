//! The HTTP side of `AppError`: its status code, `Retry-After` when it passes by itself, the
//! login redirect, and the error page — rendered in `ResponseError::error_response`, because actix
//! never calls `Responder` for the `Err` of a handler. The cause chain goes to the log, never to
//! the page.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{header, StatusCode};
use actix_web::middleware::Next;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::msg;

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(e).context("rendering a template"))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    code: u16,
    title: &'a str,
    message: &'a str,
    /// Where the way back leads: the shop, or the counter for a page of the counter.
    area: Area,
    locale: Locale,
    /// Where the footer's language switch comes back to.
    here: &'a str,
}

impl ErrorPage<'_> {
    fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }
    fn lang(&self) -> &'static str {
        self.locale.tag()
    }
    fn switch_href(&self, to: &str) -> String {
        let query = serde_urlencoded::to_string([("next", self.here)]).unwrap_or_default();
        format!("/lang/{to}?{query}")
    }
}

/// Which part of the shop an error page belongs to (its layout and its way back).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Shop,
    Counter,
}

/// What the error page says: a title and one sentence (never the cause, which goes to the log).
fn title_and_message(e: &AppError) -> (Msg, Msg) {
    match e {
        AppError::NotFound => (msg!("error-not-found-title"), msg!("error-not-found")),
        AppError::Invalid(m) => (msg!("error-invalid-title"), m.clone()),
        AppError::Conflict(m) => (msg!("error-conflict-title"), m.clone()),
        AppError::Forbidden(m) => (msg!("error-forbidden-title"), m.clone()),
        AppError::LoginRequired { .. } => (msg!("error-login-title"), msg!("error-login")),
        AppError::TooManyRequests(m) => (msg!("error-too-many-title"), m.clone()),
        AppError::PayloadTooLarge => (msg!("error-too-large-title"), msg!("error-too-large")),
        AppError::Unavailable(_) => (msg!("error-unavailable-title"), msg!("error-unavailable")),
        AppError::Busy => (msg!("error-busy-title"), msg!("error-busy")),
        AppError::Database(_) | AppError::Unexpected(_) => {
            (msg!("error-unexpected-title"), msg!("error-unexpected"))
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Invalid(_) => StatusCode::BAD_REQUEST,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::LoginRequired { .. } => StatusCode::SEE_OTHER,
            AppError::TooManyRequests(_) => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::Unavailable(_) | AppError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Database(_) | AppError::Unexpected(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// In the default language: the `error_pages` middleware renders it again in the request's.
    fn error_response(&self) -> HttpResponse {
        self.page_response(Area::Shop, Locale::default(), "/")
    }
}

impl AppError {
    /// The log line of a refused or failed request (once per request, where it is answered).
    fn log(&self) {
        let status = self.status_code();
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), error = %self, "request refused");
        }
    }

    /// The error page in the layout of an area, with its status and Retry-After.
    pub fn page_response(&self, area: Area, locale: Locale, here: &str) -> HttpResponse {
        let status = self.status_code();
        if let AppError::LoginRequired { next } = self {
            let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login?{query}")))
                .finish();
        }
        let (title, message) = title_and_message(self);
        let (title, message) = (locale.msg(&title), locale.msg(&message));
        let page = ErrorPage {
            code: status.as_u16(),
            title: &title,
            message: &message,
            area,
            locale,
            here,
        };
        let body = page.render().unwrap_or_else(|_| {
            format!(
                "<!doctype html><title>{0}</title><h1>{0}</h1>",
                status.as_u16()
            )
        });
        let mut res = HttpResponse::build(status);
        res.content_type("text/html; charset=utf-8");
        if matches!(
            self,
            AppError::Unavailable(_) | AppError::Busy | AppError::TooManyRequests(_)
        ) {
            res.insert_header((header::RETRY_AFTER, "5"));
        }
        res.body(body)
    }
}

/// Every error page in the request's language (`web::locale`), and those of the counter's
/// addresses (a 403 for an expired form, a 404 for an old result link…) in the counter's layout,
/// with the way back to `/counter` instead of the catalog. `ResponseError::error_response` has no
/// request to read the language from, so the page it made is made again here. (A refusal by a
/// middleware further out keeps the default language.)
pub async fn error_pages(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    // The language and the way back are read only for an error page (most answers are not),
    // from the request as routed: its path, query, headers and cookies are the ones sent.
    let page = res
        .response()
        .error()
        .and_then(|e| e.as_error::<AppError>())
        .filter(|e| !matches!(e, AppError::LoginRequired { .. }))
        .map(|e| {
            e.log();
            let req = res.request();
            let path = req.path();
            let area = if path == "/counter" || path.starts_with("/counter/") {
                Area::Counter
            } else {
                Area::Shop
            };
            e.page_response(
                area,
                super::locale::of_request(req),
                &super::locale::here(req),
            )
        });
    Ok(match page {
        Some(page) => ServiceResponse::new(res.request().clone(), page),
        None => res.map_into_boxed_body(),
    })
}
