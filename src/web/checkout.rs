//! `/checkout`: the confirm page (selected lines, total, store, pay method, note) and placing the
//! order. Every outcome of `place_order` has its own message on this page.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use serde::Deserialize;

use super::auth::Customer;
use super::cart::{line_views, LineView};
use super::csrf::Form;
use super::page::{money, render_status, see_other, Page};
use super::submit;
use crate::domain::{PayMethod, Purpose};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::cart;
use crate::shop::checkout::{place_order, CheckoutRequest, Placed, Refused, MAX_NOTE_CHARS};
use crate::shop::stores::{self, Store};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(confirm_page).service(place);
}

pub struct StoreOption {
    pub id: i64,
    pub name: String,
    pub address: String,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "checkout/checkout.html")]
struct CheckoutPage {
    page: Page,
    lines: Vec<LineView>,
    total: String,
    total_cents: i64,
    stores: Vec<StoreOption>,
    pay_at_counter: bool,
    note: String,
    submit_token: String,
    /// Why the order was not placed: (outcome name for `data-outcome`, message).
    problem: Option<(&'static str, Msg)>,
    store_error: Option<Msg>,
    pay_method_error: Option<Msg>,
    note_error: Option<Msg>,
}

/// What the form said (as typed), to show it again.
#[derive(Deserialize, Default, Clone)]
struct CheckoutForm {
    #[serde(default)]
    store_id: String,
    #[serde(default)]
    pay_method: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    seen_total_cents: String,
    #[serde(default)]
    submit_token: String,
}

/// What was wrong with the form, field by field.
#[derive(Default)]
struct FieldErrors {
    store: Option<Msg>,
    pay_method: Option<Msg>,
    note: Option<Msg>,
    /// The total the page showed did not come back: the page was incomplete.
    incomplete: bool,
}

impl FieldErrors {
    /// The banner for an incomplete page; the fields carry their own messages.
    fn problem(&self) -> Option<(&'static str, Msg)> {
        self.incomplete
            .then(|| ("prices_changed", msg!("checkout-incomplete")))
    }
}

/// The customer's choices on the checkout form, parsed.
struct Choice {
    store_id: i64,
    pay_method: PayMethod,
    note: String,
    seen_total_cents: i64,
}

impl TryFrom<&CheckoutForm> for Choice {
    type Error = FieldErrors;

    fn try_from(form: &CheckoutForm) -> Result<Choice, FieldErrors> {
        let store_id: Option<i64> = form.store_id.trim().parse().ok().filter(|id| *id > 0);
        let pay_method = PayMethod::parse(form.pay_method.trim());
        let note = form.note.trim().to_string();
        let note_fits = note.chars().count() <= MAX_NOTE_CHARS;
        let seen_total_cents: Option<i64> = form.seen_total_cents.trim().parse().ok();
        match (store_id, pay_method, note_fits, seen_total_cents) {
            (Some(store_id), Some(pay_method), true, Some(seen_total_cents)) => Ok(Choice {
                store_id,
                pay_method,
                note,
                seen_total_cents,
            }),
            _ => Err(FieldErrors {
                store: store_id.is_none().then(|| msg!("checkout-choose-store")),
                pay_method: pay_method
                    .is_none()
                    .then(|| msg!("checkout-choose-payment")),
                note: (!note_fits).then(|| msg!("checkout-note-too-long", max = MAX_NOTE_CHARS)),
                incomplete: seen_total_cents.is_none(),
            }),
        }
    }
}

/// Renders the confirm page from the cart as it is now.
async fn checkout_page(
    customer: &Customer,
    form: &CheckoutForm,
    submit_token: String,
    problem: Option<(&'static str, Msg)>,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let ctx = &customer.ctx;
    let user_id = customer.user.id;
    let (lines, all_stores) = ctx
        .run(move |c| Ok((cart::selected_lines(c, user_id)?, stores::active_stores(c)?)))
        .await?;
    ctx.session
        .set_checkout_products(lines.iter().map(|l| l.product_id).collect());
    let symbol = &ctx.state.settings.currency_symbol;
    let total_cents = cart::total_cents(&lines);
    let chosen: Option<i64> = form.store_id.trim().parse().ok();
    let only_one = all_stores.len() == 1;
    let stores = all_stores
        .into_iter()
        .map(|s: Store| StoreOption {
            chosen: only_one || Some(s.id) == chosen,
            id: s.id,
            name: s.name,
            address: s.address,
        })
        .collect();
    let problem = match problem {
        None if lines.is_empty() => Some(("empty_selection", msg!("checkout-empty-selection"))),
        p => p,
    };
    render_status(
        &CheckoutPage {
            page: ctx.page(msg!("title-checkout")),
            lines: line_views(&lines, symbol),
            total: money(total_cents, symbol),
            total_cents,
            stores,
            pay_at_counter: form.pay_method == PayMethod::AtCounter.as_str(),
            note: form.note.clone(),
            submit_token,
            problem,
            store_error: errors.store,
            pay_method_error: errors.pay_method,
            note_error: errors.note,
        },
        status,
    )
}

#[get("/checkout")]
async fn confirm_page(customer: Customer) -> Result<HttpResponse, AppError> {
    let token = submit::issue(
        &customer.ctx.state,
        customer.user.id,
        Purpose::Checkout,
        None,
    );
    checkout_page(
        &customer,
        &CheckoutForm::default(),
        token,
        None,
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The message and status each refusal gets on the page.
fn refusal(refused: &Refused) -> (&'static str, Msg, StatusCode) {
    match refused {
        Refused::SoldOut { name, available } => (
            "sold_out",
            msg!("sold-out-left", name = name, left = available),
            StatusCode::CONFLICT,
        ),
        Refused::NoLongerSold { name } => (
            "no_longer_sold",
            msg!("checkout-no-longer-sold", name = name),
            StatusCode::CONFLICT,
        ),
        Refused::PricesChanged => (
            "prices_changed",
            msg!("checkout-prices-changed"),
            StatusCode::CONFLICT,
        ),
        Refused::Busy => (
            "busy",
            msg!("checkout-busy"),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
        Refused::EmptySelection => (
            "empty_selection",
            msg!("checkout-empty-selection"),
            StatusCode::BAD_REQUEST,
        ),
        Refused::UnknownStore => (
            "unknown_store",
            msg!("checkout-unknown-store"),
            StatusCode::BAD_REQUEST,
        ),
        Refused::PickupCodesExhausted => (
            "pickup_codes_exhausted",
            msg!("checkout-codes-exhausted"),
            StatusCode::SERVICE_UNAVAILABLE,
        ),
    }
}

#[post("/checkout")]
async fn place(customer: Customer, form: Form<CheckoutForm>) -> Result<HttpResponse, AppError> {
    let form = form.0;
    let state = &customer.ctx.state;
    let user_id = customer.user.id;
    let token = submit::check(state, &form.submit_token, user_id, Purpose::Checkout, None)?;
    let choice = match Choice::try_from(&form) {
        Ok(choice) => choice,
        Err(errors) => {
            let problem = errors.problem();
            let token = form.submit_token.clone();
            let status = StatusCode::BAD_REQUEST;
            return checkout_page(&customer, &form, token, problem, errors, status).await;
        }
    };
    let pay_method = choice.pay_method;
    let req = CheckoutRequest {
        user_id,
        store_id: choice.store_id,
        pay_method,
        note: choice.note,
        seen_total_cents: choice.seen_total_cents,
        token,
        payment_window_seconds: state.settings.payment_window_seconds,
        pickup_code_digits: state.settings.pickup_code_digits,
    };
    // Buyers of a hot product queue here, in the app, before they take a database connection:
    // for the products the checkout page showed (no statement, no hop of its own), or as the cart
    // says when the page was not shown in this session.
    let ids = match customer.ctx.session.checkout_products() {
        Some(ids) => ids,
        None => {
            customer
                .ctx
                .run(move |c| cart::selected_product_ids(c, user_id))
                .await?
        }
    };
    if state.admission.would_wait(&ids) {
        // Queue as a cheap task, not while holding a connection others could use.
        customer.ctx.db.release();
    }
    let admitted = state.admission.admit(ids).await;
    let placed = customer.ctx.run(move |c| place_order(c, &req)).await;
    drop(admitted);
    // The checked-out lines left the cart: the nav's count goes down by their units, or (not
    // known) is counted again on the next page.
    match (&placed, customer.ctx.session.cart_count()) {
        (Ok(Ok(Placed::Created { units, .. })), Some(n)) if n >= *units => {
            customer.ctx.session.set_cart_count(n - units)
        }
        _ => customer.ctx.session.forget_cart_count(),
    }
    match placed? {
        Ok(placed) => Ok(placed_redirect(&customer, placed, pay_method)),
        Err(refused) => {
            let (kind, message, status) = refusal(&refused);
            let errors = FieldErrors {
                store: (refused == Refused::UnknownStore).then(|| message.clone()),
                ..FieldErrors::default()
            };
            let token = form.submit_token.clone();
            let problem = Some((kind, message));
            checkout_page(&customer, &form, token, problem, errors, status).await
        }
    }
}

/// To the order, with a word on what happens next.
fn placed_redirect(customer: &Customer, placed: Placed, pay_method: PayMethod) -> HttpResponse {
    let (order_no, kind, text) = match (placed, pay_method) {
        (Placed::Created { order_no, .. }, PayMethod::Online) => {
            (order_no, "ok", msg!("checkout-placed-online"))
        }
        (Placed::Created { order_no, .. }, PayMethod::AtCounter) => {
            (order_no, "ok", msg!("checkout-placed-at-counter"))
        }
        (Placed::AlreadySubmitted { order_no }, _) => {
            (order_no, "info", msg!("checkout-already-placed"))
        }
    };
    customer.ctx.flash(kind, text);
    see_other(&format!("/orders/{order_no}"))
}
