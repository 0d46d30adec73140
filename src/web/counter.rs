//! `/counter`: the staff screen — one input for typed or scanned codes, each lookup outcome on its
//! own screen, the Hand over and Mark ready buttons, and the store queue.

use actix_web::http::StatusCode;
use actix_web::{get, post, web, HttpResponse};
use askama::Template;
use chrono::{NaiveDateTime, Utc};
use serde::Deserialize;

use super::auth::Staff;
use super::csrf::{Form, NoFields};
use super::page::{live_part, live_unchanged, money, render_status, see_other, Page};
use super::submit;
use crate::domain::{group_digits, group_order_no, OrderStatus, PayMethod, Purpose};
use crate::domain::{InvalidCode, InvalidInput};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::msg;
use crate::shop::counter::{
    self, HandOver, Handable, Lookup, MarkReady, Queue, Queued, StaffMember, Verdict,
};
use crate::web::clock::shop_time_short;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(index)
        .service(lookup)
        .service(lookup_result)
        .service(live_queue)
        .service(hand_over)
        .service(mark_ready);
}

#[derive(Template)]
#[template(path = "counter/index.html", blocks = ["queue"])]
struct CounterPage {
    page: Page,
    /// What stays in the input (only after an invalid entry).
    code: String,
    code_error: Option<Msg>,
    /// The code that was looked up, shown on the result screen (grouped digits).
    entered: Option<String>,
    screen: Screen,
    /// The store's queue: always under the input and the result (a live part of the page).
    queue: QueueView,
}

/// What the counter shows under the input, above the queue.
enum Screen {
    /// Nothing looked up: only the queue.
    Idle,
    Match(MatchView),
    NotFound {
        code: String,
    },
    WrongStore {
        store_name: String,
    },
    /// The sentence (order, when) and who handed it over (shown marked in it).
    AlreadyPickedUp {
        text: Msg,
        by: String,
    },
    Cancelled {
        order_no: String,
        at: String,
        reason: String,
    },
    /// Anything else that refuses the hand-over (e.g. an unpaid order).
    Refused {
        title: Msg,
        text: Msg,
    },
    /// Too many wrong codes from this account: wait this long (429).
    Throttled {
        seconds: i64,
    },
}

impl Screen {
    /// The tone the page plays (static/app.js): a match, a refusal, or none.
    fn tone(&self, code_error: bool) -> Option<&'static str> {
        match self {
            Screen::Idle if code_error => Some("refusal"),
            Screen::Idle => None,
            Screen::Match(_) => Some("success"),
            _ => Some("refusal"),
        }
    }
}

struct MatchView {
    order_no: String,
    /// The order number as customers see it on their pages (`251203 091502 123456`).
    order_no_grouped: String,
    customer_name: String,
    store_name: String,
    status_label: Msg,
    ready: bool,
    note: String,
    lines: Vec<LineView>,
    /// `Some("¥12.00")` for at-counter orders (collect it), None when paid online.
    collect: Option<String>,
    submit_token: String,
    /// Shown next to the "payment collected" box.
    collect_error: Option<Msg>,
}

struct LineView {
    name: String,
    quantity: i32,
    total: String,
}

struct QueueView {
    to_prepare: Vec<QueuedView>,
    waiting: Vec<QueuedView>,
    /// What the page's script sends back to ask whether the queue changed.
    version: String,
}

struct QueuedView {
    order_no: String,
    /// The last digits, for saying it aloud.
    short_no: String,
    customer_name: String,
    items: i64,
    /// The pick list: (quantity, product name).
    pick: Vec<(i32, String)>,
    waited: Msg,
    payment: Msg,
}

fn staff_member(staff: &Staff) -> Result<StaffMember, AppError> {
    Ok(StaffMember {
        user_id: staff.user.id,
        store_id: staff.store_id()?,
    })
}

/// The store's queue (its version comes with it).
async fn load_queue(staff: &Staff) -> Result<QueueView, AppError> {
    let store_id = staff.store_id()?;
    let queue = staff
        .ctx
        .run(move |c| counter::store_queue(c, store_id))
        .await?;
    Ok(queue_view(queue, &staff.ctx.state.settings.currency_symbol))
}

/// The counter page: the input (with what was typed and why it is not a code, if so), the result
/// screen, and the store's queue under it.
async fn page_with(
    staff: &Staff,
    screen: Screen,
    code: String,
    code_error: Option<Msg>,
    entered: Option<String>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let queue = load_queue(staff).await?;
    let retry_after = match &screen {
        Screen::Throttled { seconds } => Some(*seconds),
        _ => None,
    };
    let mut res = render_status(
        &CounterPage {
            page: staff.ctx.page(msg!("title-counter")),
            code,
            code_error,
            entered,
            screen,
            queue,
        },
        status,
    )?;
    if let Some(seconds) = retry_after {
        res.headers_mut().insert(
            actix_web::http::header::RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(seconds),
        );
    }
    Ok(res)
}

#[get("/counter")]
async fn index(staff: Staff) -> Result<HttpResponse, AppError> {
    page_with(
        &staff,
        Screen::Idle,
        String::new(),
        None,
        None,
        StatusCode::OK,
    )
    .await
}

#[derive(Deserialize)]
struct LiveQuery {
    /// The queue version the page shows; absent: always send the queue.
    v: Option<String>,
}

/// The queue part of the counter page for its script (SPEC §14): 204 while the store's queue is
/// as the page shows it, else the queue again. Read from the database each time, so orders placed,
/// marked ready or handed over through another instance show up too.
#[get("/counter/queue")]
async fn live_queue(staff: Staff, q: web::Query<LiveQuery>) -> Result<HttpResponse, AppError> {
    let store_id = staff.store_id()?;
    if let Some(shown) = q.into_inner().v {
        let version = staff
            .ctx
            .run(move |c| counter::queue_version(c, store_id))
            .await?;
        if with_minute(&version, Utc::now().naive_utc()) == shown {
            return Ok(live_unchanged());
        }
    }
    let page = CounterPage {
        page: staff.ctx.page(msg!("title-counter")),
        code: String::new(),
        code_error: None,
        entered: None,
        screen: Screen::Idle,
        queue: load_queue(&staff).await?,
    };
    let part = live_part(&page.as_queue());
    part
}

#[derive(Deserialize)]
struct LookupForm {
    #[serde(default)]
    code: String,
}

#[post("/counter/lookup")]
async fn lookup(staff: Staff, form: Form<LookupForm>) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let input: String = form.0.code.chars().take(200).collect();
    let state = staff.ctx.state.clone();
    let entered = input.clone();
    let outcome = staff
        .ctx
        .run(move |c| {
            counter::look_up(
                c,
                who,
                &entered,
                &state.qr_key,
                state.settings.pickup_code_digits,
            )
        })
        .await?;
    match outcome {
        Lookup::Throttled {
            retry_after_seconds,
        } => {
            page_with(
                &staff,
                Screen::Throttled {
                    seconds: retry_after_seconds,
                },
                String::new(),
                None,
                None,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
        Lookup::Invalid(why) => {
            page_with(
                &staff,
                Screen::Idle,
                input,
                Some(invalid_input_message(why)),
                None,
                StatusCode::BAD_REQUEST,
            )
            .await
        }
        Lookup::Looked { lookup_id, .. } => Ok(see_other(&format!("/counter/lookups/{lookup_id}"))),
    }
}

#[get("/counter/lookups/{lookup_id}")]
async fn lookup_result(staff: Staff, path: web::Path<i64>) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let lookup_id = path.into_inner();
    let (entered, verdict) = staff
        .ctx
        .run(move |c| counter::lookup_result(c, who, lookup_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let screen = verdict_screen(&staff, verdict);
    let entered = Some(group_digits(&entered));
    page_with(&staff, screen, String::new(), None, entered, StatusCode::OK).await
}

#[derive(Deserialize)]
struct HandOverForm {
    #[serde(default)]
    submit_token: String,
    payment_collected: Option<String>,
}

impl HandOverForm {
    /// The "I have collected …" box: ticked is any value but empty or `0`.
    fn payment_collected(&self) -> bool {
        self.payment_collected
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "0")
    }
}

#[post("/counter/orders/{order_no}/handover")]
async fn hand_over(
    staff: Staff,
    path: web::Path<String>,
    form: Form<HandOverForm>,
) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let order_no = path.into_inner();
    let number = order_no.clone();
    let state = staff.ctx.state.clone();
    let form = form.0;
    let posted = form.submit_token.clone();
    let collected = form.payment_collected();
    let outcome = staff
        .ctx
        .run(move |c| {
            // The form's token is checked against the order the address names, read in the
            // hand-over's own transaction (no query before it).
            let token_for = |order_id| {
                submit::check(
                    &state,
                    &posted,
                    who.user_id,
                    Purpose::Handover,
                    Some(order_id),
                )
            };
            counter::hand_over_by_number(c, who, &order_no, &token_for, collected)
        })
        .await?;
    // A refusal shows the order's code, as a lookup's result screen does (one more read, only then).
    let entered = match outcome {
        HandOver::Done { .. } | HandOver::AlreadySubmitted { .. } => None,
        _ => staff
            .ctx
            .run(move |c| counter::pickup_code_of(c, &number))
            .await?
            .map(|code| group_digits(&code)),
    };
    hand_over_screen(&staff, outcome, form.submit_token, entered).await
}

/// What pressing Hand over came to: back to the queue with a word, or a screen that says why not.
async fn hand_over_screen(
    staff: &Staff,
    outcome: HandOver,
    submit_token: String,
    entered: Option<String>,
) -> Result<HttpResponse, AppError> {
    let symbol = &staff.ctx.state.settings.currency_symbol;
    let offset = staff.ctx.state.settings.shop_utc_offset;
    let conflict = |screen| {
        page_with(
            staff,
            screen,
            String::new(),
            None,
            entered.clone(),
            StatusCode::CONFLICT,
        )
    };
    match outcome {
        HandOver::Done {
            order_no,
            customer_name,
            collected_cents,
        } => {
            let text = match collected_cents {
                Some(c) => msg!(
                    "counter-handed-over-collected",
                    order = short_no(&order_no),
                    name = customer_name,
                    amount = money(c, symbol)
                ),
                None => msg!(
                    "counter-handed-over",
                    order = short_no(&order_no),
                    name = customer_name
                ),
            };
            staff.ctx.flash("ok", text);
            Ok(see_other("/counter"))
        }
        HandOver::AlreadySubmitted { order_no } => {
            staff.ctx.flash(
                "info",
                msg!("counter-handed-over-twice", order = short_no(&order_no)),
            );
            Ok(see_other("/counter"))
        }
        HandOver::AlreadyHandedOver { order_no, by, at } => {
            let at = at.map(|t| shop_time_short(t, offset, staff.ctx.locale));
            conflict(already_picked_up(order_no, by, at)).await
        }
        HandOver::PaymentNotCollected(order) => {
            let mut view = match_view(*order, symbol, submit_token);
            view.collect_error = Some(msg!("counter-tick-collected"));
            let status = StatusCode::BAD_REQUEST;
            let screen = Screen::Match(view);
            page_with(staff, screen, String::new(), None, entered.clone(), status).await
        }
        HandOver::WrongStore { store_name } => conflict(Screen::WrongStore { store_name }).await,
        HandOver::Cancelled { order_no } => {
            conflict(Screen::Cancelled {
                order_no: group_order_no(&order_no),
                at: "none".into(),
                reason: "none".into(),
            })
            .await
        }
        HandOver::NotPaid { order_no } => {
            conflict(Screen::Refused {
                title: msg!("counter-not-paid-title"),
                text: msg!("counter-not-paid", order = short_no(&order_no)),
            })
            .await
        }
    }
}

#[post("/counter/orders/{order_no}/ready")]
async fn mark_ready(
    staff: Staff,
    path: web::Path<String>,
    _form: Form<NoFields>,
) -> Result<HttpResponse, AppError> {
    let who = staff_member(&staff)?;
    let order_no = path.into_inner();
    let outcome = staff
        .ctx
        .run(move |c| counter::mark_ready(c, who, &order_no))
        .await?;
    match outcome {
        MarkReady::Done { order_no } => staff.ctx.flash(
            "ok",
            msg!("counter-marked-ready", order = short_no(&order_no)),
        ),
        MarkReady::NotConfirmed { order_no, status } => staff.ctx.flash(
            "info",
            msg!(
                "counter-not-marked-ready",
                order = short_no(&order_no),
                status = status.as_str()
            ),
        ),
        MarkReady::NotHere => return Err(AppError::NotFound),
    }
    Ok(see_other("/counter"))
}

/// The screen for what a lookup found.
fn verdict_screen(staff: &Staff, verdict: Verdict) -> Screen {
    let settings = &staff.ctx.state.settings;
    let offset = settings.shop_utc_offset;
    let locale = staff.ctx.locale;
    match verdict {
        Verdict::Match(order) => {
            let token = submit::issue(
                &staff.ctx.state,
                staff.user.id,
                Purpose::Handover,
                Some(order.order_id),
            );
            Screen::Match(match_view(order, &settings.currency_symbol, token))
        }
        Verdict::NotFound { code } => Screen::NotFound { code },
        Verdict::WrongStore { store_name } => Screen::WrongStore { store_name },
        Verdict::AlreadyPickedUp { order_no, at, by } => {
            already_picked_up(order_no, by, at.map(|t| shop_time_short(t, offset, locale)))
        }
        Verdict::Cancelled {
            order_no,
            at,
            reason,
        } => Screen::Cancelled {
            order_no: group_order_no(&order_no),
            at: at
                .map(|t| shop_time_short(t, offset, locale))
                .unwrap_or_else(|| "none".into()),
            reason: Some(reason)
                .filter(|r| !r.is_empty())
                .map(|r| locale.msg(&super::orders::cancel_reason(&r)))
                .unwrap_or_else(|| "none".into()),
        },
    }
}

/// "Already handed over by X at 14:02" (`at` is "none" for the catalog when not known).
fn already_picked_up(order_no: String, by: String, at: Option<String>) -> Screen {
    Screen::AlreadyPickedUp {
        text: msg!(
            "counter-already",
            order = group_order_no(&order_no),
            at = at.unwrap_or_else(|| "none".into())
        ),
        by,
    }
}

fn match_view(order: Handable, symbol: &str, submit_token: String) -> MatchView {
    MatchView {
        collect: order
            .collect_at_counter()
            .then(|| money(order.total_cents, symbol)),
        status_label: order.status.label(),
        ready: order.status == OrderStatus::Ready,
        lines: order
            .lines
            .into_iter()
            .map(|l| LineView {
                name: l.product_name,
                quantity: l.quantity,
                total: money(l.line_total_cents, symbol),
            })
            .collect(),
        order_no_grouped: group_order_no(&order.order_no),
        order_no: order.order_no,
        customer_name: order.customer_name,
        store_name: order.store_name,
        note: order.note,
        submit_token,
        collect_error: None,
    }
}

fn queue_view(queue: Queue, symbol: &str) -> QueueView {
    let now = Utc::now().naive_utc();
    let view = |q: Queued| QueuedView {
        short_no: short_no(&q.order_no),
        waited: waited(q.since, now),
        payment: match q.pay_method {
            PayMethod::Online => msg!("counter-queue-paid"),
            PayMethod::AtCounter => {
                msg!(
                    "counter-queue-collect",
                    amount = money(q.total_cents, symbol)
                )
            }
        },
        order_no: q.order_no,
        customer_name: q.customer_name,
        items: q.items,
        pick: q.lines.into_iter().map(|(name, n)| (n, name)).collect(),
    };
    QueueView {
        to_prepare: queue.to_prepare.into_iter().map(view).collect(),
        waiting: queue.waiting.into_iter().map(view).collect(),
        version: with_minute(&queue.version, now),
    }
}

/// The queue's version as the page carries it: with the minute, so that the "waited" times move
/// on by themselves too.
fn with_minute(version: &str, now: NaiveDateTime) -> String {
    format!("{version}@{}", now.and_utc().timestamp() / 60)
}

/// The last six digits of an order number: what staff and customers say aloud.
fn short_no(order_no: &str) -> String {
    let start = order_no.len().saturating_sub(6);
    format!("…{}", order_no.get(start..).unwrap_or(order_no))
}

/// How long something has waited, in words that fit a queue row.
fn waited(since: NaiveDateTime, now: NaiveDateTime) -> Msg {
    let minutes = (now - since).num_minutes().max(0);
    match minutes {
        0 => msg!("waited-just-now"),
        1..=59 => msg!("waited-minutes", min = minutes),
        60..=1439 => msg!(
            "waited-hours",
            h = minutes / 60,
            min = format!("{:02}", minutes % 60)
        ),
        _ => msg!("waited-days", d = minutes / 1440, h = (minutes % 1440) / 60),
    }
}

/// Why what was typed or scanned is not a code, in the reader's words.
fn invalid_input_message(why: InvalidInput) -> Msg {
    match why {
        InvalidInput::Code(InvalidCode::Empty) => msg!("code-empty"),
        InvalidInput::Code(InvalidCode::NotDigits) => msg!("code-not-digits"),
        InvalidInput::Code(InvalidCode::WrongLength { expected, got }) => {
            msg!("code-wrong-length", expected = expected, got = got)
        }
        InvalidInput::Code(InvalidCode::CheckDigit) => msg!("code-check-digit"),
        InvalidInput::ForgedQr => msg!("code-forged-qr"),
        InvalidInput::MalformedQr => msg!("code-malformed-qr"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waiting_times_read_naturally() {
        let t = |m: i64| {
            let now = Utc::now().naive_utc();
            crate::i18n::Locale::En.msg(&waited(now - chrono::Duration::minutes(m), now))
        };
        assert_eq!(t(0), "just now");
        assert_eq!(t(12), "12 min");
        assert_eq!(t(125), "2 h 05 min");
        assert_eq!(t(60 * 50), "2 d 2 h");
    }

    #[test]
    fn short_numbers_keep_the_last_six_digits() {
        assert_eq!(short_no("250307140209123456"), "…123456");
        assert_eq!(short_no("123"), "…123");
    }
}
