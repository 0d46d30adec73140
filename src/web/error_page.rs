//! The HTTP side of `AppError`: its status code, `Retry-After` when it passes by itself, the
//! login redirect, and the error page — rendered in `ResponseError::error_response`, because actix
//! never calls `Responder` for the `Err` of a handler. The cause chain goes to the log, never to
//! the page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use crate::error::AppError;

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
}

/// What the error page says: a title and one sentence (never the cause, which goes to the log).
fn title_and_message(e: &AppError) -> (&'static str, String) {
    match e {
            AppError::NotFound => ("Not found", "There is nothing here. The link may be old, or the page belongs to someone else.".into()),
            AppError::Invalid(m) => ("That did not work", m.clone()),
            AppError::Conflict(m) => ("Please reload", m.clone()),
            AppError::Forbidden(m) => ("Not allowed", m.clone()),
            AppError::LoginRequired { .. } => ("Please log in", "Please log in to continue.".into()),
            AppError::TooManyRequests(m) => ("Slow down", m.clone()),
            AppError::PayloadTooLarge => ("Too much data", "That form sent more than the shop accepts (16 KiB).".into()),
            AppError::Unavailable(_) => (
                "Temporarily unavailable",
                "The shop cannot reach its database right now. Please try again in a moment; if you had just placed an order or paid, look at My orders first (sending the same form again never makes it twice).".into(),
            ),
            AppError::Busy => ("Very busy", "The shop is very busy right now. Nothing was changed; please try again.".into()),
            AppError::Database(_) | AppError::Unexpected(_) => (
                "Something went wrong",
                "Something went wrong on our side. Nothing was changed; please try again.".into(),
            ),
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

    fn error_response(&self) -> HttpResponse {
        let status = self.status_code();
        if let AppError::LoginRequired { next } = self {
            let query = serde_urlencoded::to_string([("next", next.as_str())]).unwrap_or_default();
            return HttpResponse::SeeOther()
                .insert_header((header::LOCATION, format!("/login?{query}")))
                .finish();
        }
        if status.is_server_error() {
            tracing::error!(error = ?self, "request failed");
        } else {
            tracing::info!(status = status.as_u16(), error = %self, "request refused");
        }
        let (title, message) = title_and_message(self);
        let page = ErrorPage {
            code: status.as_u16(),
            title,
            message: &message,
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
