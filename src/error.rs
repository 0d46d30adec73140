//! AppError: the one error type of the app, mapped once to a status code and an HTML error page.
//!
//! Expected business outcomes (sold out, wrong code, already paid) are not errors: the shop layer
//! returns them as outcome enums and the web layer renders them on the page.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use askama::Template;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Bad input that has no form to show it on (400).
    #[error("{0}")]
    Invalid(String),
    /// The request no longer fits the state of things, e.g. an expired form (409).
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    Forbidden(String),
    /// Anonymous user on a page that needs a login: 303 to /login?next=…
    #[error("login required")]
    LoginRequired { next: String },
    #[error("{0}")]
    TooManyRequests(String),
    #[error("request body too large")]
    PayloadTooLarge,
    /// The database does not answer (down, restarting, pool exhausted): 503, recovers by itself.
    #[error("temporarily unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Retries ran out on lock contention (deadlock / lock-wait timeout): 503 "busy, try again".
    #[error("busy")]
    Busy,
    #[error("database error")]
    Database(#[source] DieselError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

impl std::fmt::Debug for AppError {
    /// The whole cause chain, for the logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{self}")?;
        let mut source = std::error::Error::source(self);
        while let Some(cause) = source {
            write!(f, "\n  caused by: {cause}")?;
            source = cause.source();
        }
        Ok(())
    }
}

impl From<DieselError> for AppError {
    fn from(e: DieselError) -> Self {
        match e {
            DieselError::NotFound => AppError::NotFound,
            e if is_connection_error(&e) => AppError::Unavailable(anyhow::Error::new(e)),
            e => AppError::Database(e),
        }
    }
}

impl From<r2d2::Error> for AppError {
    fn from(e: r2d2::Error) -> Self {
        AppError::Unavailable(anyhow::Error::new(e))
    }
}

impl From<askama::Error> for AppError {
    fn from(e: askama::Error) -> Self {
        AppError::Unexpected(anyhow::Error::new(e).context("rendering a template"))
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Unexpected(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

/// The server went away or the connection broke: the database is (for now) unavailable.
pub fn is_connection_error(e: &DieselError) -> bool {
    match e {
        DieselError::DatabaseError(
            DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
            _,
        ) => true,
        DieselError::DatabaseError(_, info) => {
            let m = info.message();
            m.contains("server has gone away")
                || m.contains("Lost connection")
                || m.contains("Can't connect")
                || m.contains("shutdown in progress")
                || m.contains("Server shutdown")
        }
        _ => false,
    }
}

/// Deadlock (1213) or lock-wait timeout (1205): the whole transaction may simply run again.
pub fn is_retryable(e: &AppError) -> bool {
    match e {
        AppError::Database(DieselError::DatabaseError(
            DatabaseErrorKind::SerializationFailure,
            _,
        )) => true,
        AppError::Database(DieselError::DatabaseError(_, info)) => {
            let m = info.message();
            m.contains("Deadlock found") || m.contains("Lock wait timeout")
        }
        _ => false,
    }
}

/// A duplicate key (1062).
pub fn is_unique_violation(e: &DieselError) -> bool {
    matches!(
        e,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// The UNIQUE index a duplicate key hit, when MySQL names it (e.g. `uq_orders_order_no`).
pub fn violated_key(e: &DieselError) -> Option<String> {
    match e {
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            let m = info.message();
            // "Duplicate entry 'x' for key 'orders.uq_orders_order_no'" (MySQL 8) or "... key 'uq_orders_order_no'"
            let key = m.rsplit("for key ").next()?.trim().trim_matches('\'');
            Some(key.rsplit('.').next().unwrap_or(key).to_string())
        }
        _ => None,
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    code: u16,
    title: &'a str,
    message: &'a str,
}

impl AppError {
    fn title_and_message(&self) -> (&'static str, String) {
        match self {
            AppError::NotFound => ("Not found", "There is nothing here. The link may be old, or the page belongs to someone else.".into()),
            AppError::Invalid(m) => ("That did not work", m.clone()),
            AppError::Conflict(m) => ("Please reload", m.clone()),
            AppError::Forbidden(m) => ("Not allowed", m.clone()),
            AppError::LoginRequired { .. } => ("Please log in", "Please log in to continue.".into()),
            AppError::TooManyRequests(m) => ("Slow down", m.clone()),
            AppError::PayloadTooLarge => ("Too much data", "That form sent more than the shop accepts (16 KiB).".into()),
            AppError::Unavailable(_) => (
                "Temporarily unavailable",
                "The shop cannot reach its database right now. Nothing was changed; please try again in a moment.".into(),
            ),
            AppError::Busy => ("Very busy", "The shop is very busy right now. Nothing was changed; please try again.".into()),
            AppError::Database(_) | AppError::Unexpected(_) => (
                "Something went wrong",
                "Something went wrong on our side. Nothing was changed; please try again.".into(),
            ),
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
        let (title, message) = self.title_and_message();
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
