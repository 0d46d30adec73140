//! `POST /payments/notify`: the payment provider's callback. No session and no CSRF token — the
//! HMAC signature is the authentication. 200 `ok` when the order is paid (now or before).

use actix_web::http::StatusCode;
use actix_web::{post, web, HttpResponse};

use crate::error::AppError;
use crate::shop::payment::{record_notification, signature_is_valid, Notification, Notified};
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(notify);
}

fn plain(status: StatusCode, text: &str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(text.to_string())
}

#[post("/payments/notify")]
async fn notify(
    state: web::Data<AppState>,
    form: web::Form<Notification>,
) -> Result<HttpResponse, AppError> {
    let n = form.into_inner();
    if !signature_is_valid(&state.settings.payment_webhook_secret, &n) {
        tracing::warn!("payment callback with a bad signature refused");
        return Ok(plain(StatusCode::BAD_REQUEST, "bad signature"));
    }
    let digits = state.settings.pickup_code_digits;
    let notified = state
        .db
        .run(move |c| record_notification(c, &n, digits))
        .await?;
    Ok(match notified {
        Notified::Recorded | Notified::AlreadyPaid => plain(StatusCode::OK, "ok"),
        Notified::BadSignature => plain(StatusCode::BAD_REQUEST, "bad signature"),
        Notified::AmountMismatch => {
            plain(StatusCode::BAD_REQUEST, "amount does not match the order")
        }
        Notified::UnknownOrder => plain(StatusCode::BAD_REQUEST, "unknown order"),
        Notified::ReferenceReused => plain(
            StatusCode::BAD_REQUEST,
            "provider_ref missing or already used for another order",
        ),
        Notified::NotPayable { status } => plain(
            StatusCode::CONFLICT,
            &format!("order is {status}; payment not recorded"),
        ),
        Notified::PickupCodesExhausted | Notified::Busy => {
            plain(StatusCode::SERVICE_UNAVAILABLE, "busy, retry later")
        }
    })
}
