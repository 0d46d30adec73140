//! Form<T>: the only way a POST handler reads a browser form. It enforces the 16 KiB body limit
//! (413), checks the per-session CSRF token (403, nothing happens) and then parses the fields
//! (400 on a body that is not a form at all — field-level problems are the handler's to report).

use actix_web::dev::Payload;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use subtle::ConstantTimeEq;

use super::session::TypedSession;
use crate::error::AppError;

/// Largest request body the app accepts.
pub const BODY_LIMIT: usize = 16 * 1024;

pub struct Form<T>(pub T);

/// The fields of a form that is only a button: nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

#[derive(Deserialize)]
struct CsrfField {
    csrf_token: Option<String>,
}

/// Reads the body, honouring the 16 KiB limit, and maps an overflow to our 413 page.
pub async fn read_body(req: &HttpRequest, payload: &mut Payload) -> Result<Bytes, AppError> {
    if let Some(len) = req
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
    {
        if len > BODY_LIMIT {
            return Err(AppError::PayloadTooLarge);
        }
    }
    Bytes::from_request(req, payload).await.map_err(|e| {
        if e.as_response_error().status_code() == actix_web::http::StatusCode::PAYLOAD_TOO_LARGE {
            AppError::PayloadTooLarge
        } else {
            AppError::Invalid(crate::msg!("error-body-unreadable"))
        }
    })
}

fn tokens_match(given: &str, expected: &str) -> bool {
    given.len() == expected.len() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

impl<T: DeserializeOwned + 'static> FromRequest for Form<T> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let req = req.clone();
        let mut payload = payload.take();
        Box::pin(async move {
            let body = read_body(&req, &mut payload).await?;
            let session = TypedSession::from_request(&req, &mut Payload::None)
                .await
                .map_err(|_| AppError::Forbidden(crate::msg!("error-session-reload")))?;
            let field: CsrfField =
                serde_urlencoded::from_bytes(&body).unwrap_or(CsrfField { csrf_token: None });
            let ok = match (field.csrf_token, session.existing_csrf_token()) {
                (Some(given), Some(expected)) => tokens_match(&given, &expected),
                _ => false,
            };
            if !ok {
                return Err(AppError::Forbidden(crate::msg!("error-form-foreign")));
            }
            serde_urlencoded::from_bytes::<T>(&body)
                .map(Form)
                .map_err(|_| AppError::Invalid(crate::msg!("error-form-malformed-reload")))
        })
    }
}
