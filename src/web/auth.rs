//! Who is asking: `Ctx` (session + the logged-in user, if any) and the role guards built on it.
//! Anonymous on a guarded page → 303 to /login?next=…; logged in with the wrong role → 403 page.
//!
//! A role guard does not wait for the database before the handler starts: the cookie remembers
//! who its session record belonged to when it was last checked (`TypedSession::known_user`), and
//! the record is checked again on the request's first statement, in the same blocking hop as the
//! handler's own work (a [`Prelude`] of the request's `RequestDb`). A record that is gone (logged
//! out, disabled, password changed, idle) refuses that work before any of it runs, exactly as the
//! read before the handler did; a handler that sends no statement at all is checked after it
//! returns, before its answer leaves (`check_deferred_identity`). Without a remembered user (the
//! first request after logging in) the user is read before the handler, as for `Ctx`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::page::Page;
use super::session::TypedSession;
use crate::db::{Lane, Prelude, RequestDb};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::msg;
use crate::shop::accounts::AuthUser;
use crate::shop::sessions::{self, SessionToken, SessionUser};
use crate::state::AppState;

/// Session, current user and app state: what every page handler starts from.
pub struct Ctx {
    pub session: TypedSession,
    pub user: Option<AuthUser>,
    pub state: web::Data<AppState>,
    /// The request's database: the user was read on its connection, and every `db.run` of the
    /// handler runs on that same connection (one pool checkout per request).
    pub db: RequestDb,
    /// The request's language (`web::locale`).
    pub locale: Locale,
    /// Where this page is fetched again (for the footer's language switch).
    pub here: String,
    /// The check of the session's record still to come (a role guard that started from the
    /// cookie's remembered user), or None when the user was read before the handler.
    deferred: Option<Arc<Identity>>,
}

impl Ctx {
    /// Runs `f` on the request's connection (see `RequestDb::run`): how a handler calls `shop`.
    /// The session's user was read on that connection, or is checked there first in the same hop.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut diesel::MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        let Some(identity) = &self.deferred else {
            return self.db.run(f).await;
        };
        identity.attempted.store(true, Ordering::SeqCst);
        let result = self.db.run(f).await;
        identity.settle(&self.session);
        match identity.refusal() {
            Some(refused) => Err(refused),
            None => result,
        }
    }

    /// The user as last read: the checked record once the request's first statement ran (its
    /// names may have changed since the cookie remembered them), else the user the request began with.
    fn current_user(&self) -> Option<AuthUser> {
        if let Some(identity) = &self.deferred {
            if let Verdict::Valid(found) = identity.verdict() {
                return Some(found.user);
            }
        }
        self.user.clone()
    }

    /// The layout data for a page: title, user, the flash message (taken) and the CSRF token.
    pub fn page(&self, title: Msg) -> Page {
        let user = self.current_user();
        Page {
            title: self.locale.msg(&title),
            locale: self.locale,
            here: self.here.clone(),
            cart_count: user
                .as_ref()
                .filter(|u| u.role == Role::Customer)
                .and_then(|_| self.session.cart_count()),
            user,
            flash: self.session.take_flash(),
            csrf_token: self.session.csrf_token(),
        }
    }

    pub fn flash(&self, kind: &str, text: Msg) {
        self.session.flash(kind, text);
    }
}

/// What the check of a deferred session record found.
#[derive(Debug, Clone)]
enum Verdict {
    /// Not checked yet.
    Pending,
    /// The record is live and belongs to the remembered account, role and store.
    Valid(SessionUser),
    /// Logged out (on any copy of the cookie), disabled, password changed, or idle too long.
    Gone,
    /// Live, but the account's role or store is no longer what the cookie remembered.
    Changed(AuthUser),
}

/// A role guard's check of the session record, run on the request's first statement.
struct Identity {
    token: SessionToken,
    /// The user the cookie remembered: what the handler was given.
    known: AuthUser,
    /// Where to come back to after logging in again.
    next: String,
    /// The cookie does not know the units in the customer's cart: count them in the same read.
    count_cart: bool,
    verdict: Mutex<Verdict>,
    /// Some work of the request was sent to the database (so the check was, or was tried).
    attempted: AtomicBool,
    /// The verdict's effect on the cookie has been applied.
    settled: AtomicBool,
}

impl Identity {
    fn verdict(&self) -> Verdict {
        match self.verdict.lock() {
            Ok(v) => v.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    fn set_verdict(&self, verdict: Verdict) {
        match self.verdict.lock() {
            Ok(mut v) => *v = verdict,
            Err(poisoned) => *poisoned.into_inner() = verdict,
        }
    }

    /// The error that refuses the request's work, when the check found the session no good.
    fn refusal(&self) -> Option<AppError> {
        match self.verdict() {
            Verdict::Pending | Verdict::Valid(_) => None,
            Verdict::Gone => Some(AppError::LoginRequired {
                next: self.next.clone(),
            }),
            // Nothing was done; the cookie remembers the account as it is now for the reload.
            Verdict::Changed(_) => Some(AppError::Conflict(msg!("error-session-reload"))),
        }
    }

    /// The check, on the request's connection before its work: reads the record the first time,
    /// answers from memory after that.
    fn check(&self, conn: &mut diesel::MysqlConnection) -> Result<(), AppError> {
        if let Verdict::Pending = self.verdict() {
            let verdict = match sessions::user_of(conn, &self.token, self.count_cart)? {
                None => Verdict::Gone,
                Some(found) if same_account(&found.user, &self.known) => Verdict::Valid(found),
                Some(found) => Verdict::Changed(found.user),
            };
            self.set_verdict(verdict);
        }
        match self.refusal() {
            Some(refused) => Err(refused),
            None => Ok(()),
        }
    }

    /// Applies what the check found to the cookie, once: the user remembered afresh, the cart
    /// count, or the session logged out.
    fn settle(&self, session: &TypedSession) {
        let verdict = self.verdict();
        if matches!(verdict, Verdict::Pending) || self.settled.swap(true, Ordering::SeqCst) {
            return;
        }
        match verdict {
            Verdict::Pending => {}
            Verdict::Valid(found) => remember(session, &found),
            Verdict::Gone => session.log_out(),
            Verdict::Changed(user) => session.set_known_user(&user),
        }
    }
}

/// The same account in the same role and store (names may change without mattering here).
fn same_account(a: &AuthUser, b: &AuthUser) -> bool {
    a.id == b.id && a.role == b.role && a.store_id == b.store_id
}

/// What a read of the session record leaves in the cookie: the user, and the nav's cart count
/// when it is not known.
fn remember(session: &TypedSession, found: &SessionUser) {
    session.set_known_user(&found.user);
    if found.user.role == Role::Customer && session.cart_count().is_none() {
        if let Some(n) = found.cart_units {
            session.set_cart_count(n);
        }
    }
}

/// Kept in the request's extensions for [`check_deferred_identity`].
#[derive(Clone)]
struct DeferredCheck {
    identity: Arc<Identity>,
    prelude: Prelude,
    lane: Lane,
}

/// After the handler of a role-guarded page that started from the cookie's remembered user: if it
/// sent no statement, the session record is checked now, before the answer leaves; if the check
/// refused (or could not run), the answer is that refusal instead of the handler's page.
pub async fn check_deferred_identity(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let res = next.call(req).await?;
    let deferred = res.request().extensions().get::<DeferredCheck>().cloned();
    let Some(d) = deferred else {
        return Ok(res.map_into_boxed_body());
    };
    let identity = &d.identity;
    let refused = match identity.verdict() {
        Verdict::Pending if !identity.attempted.load(Ordering::SeqCst) => {
            let check = Arc::clone(&d.prelude);
            let checked = match state_of(res.request()) {
                Ok(state) => state.db.for_request(d.lane).run(move |c| check(c)).await,
                Err(e) => Err(e),
            };
            checked.err()
        }
        // Its statements failed before the record was read: only an error may answer.
        Verdict::Pending if res.response().error().is_none() => Some(AppError::Unavailable(
            anyhow::anyhow!("the session could not be checked"),
        )),
        _ => identity.refusal(),
    };
    identity.settle(&TypedSession::of(res.request()));
    Ok(match refused {
        Some(e) => {
            let req = res.request().clone();
            ServiceResponse::from_err(e, req)
        }
        None => res.map_into_boxed_body(),
    })
}

fn state_of(req: &HttpRequest) -> Result<web::Data<AppState>, AppError> {
    req.app_data::<web::Data<AppState>>()
        .cloned()
        .ok_or_else(|| AppError::Unexpected(anyhow::anyhow!("AppState is not registered")))
}

async fn load_ctx(req: HttpRequest, lane: Lane) -> Result<Ctx, AppError> {
    let state = state_of(&req)?;
    let locale = super::locale::of_request(&req);
    let here = super::locale::here(&req);
    let session = TypedSession::from_request(&req, &mut Payload::None)
        .await
        .map_err(|_| AppError::Forbidden(msg!("error-session-unreadable")))?;
    let db = state.db.for_request(lane);
    let user = match session.token() {
        None => None,
        Some(token) => {
            // The user and (when the cookie does not know it) the nav's cart count in one statement.
            let count_cart = session.cart_count().is_none();
            match db
                .run(move |conn| sessions::user_of(conn, &token, count_cart))
                .await?
            {
                Some(found) => {
                    remember(&session, &found);
                    Some(found.user)
                }
                None => {
                    // Logged out (on any copy of this cookie), disabled, or idle too long.
                    session.log_out();
                    None
                }
            }
        }
    };
    Ok(Ctx {
        session,
        user,
        state,
        db,
        locale,
        here,
        deferred: None,
    })
}

/// A guarded page's context from the cookie's remembered user, its check deferred to the request's
/// first statement (see the module doc); None when the cookie remembers no user of this role.
fn deferred_ctx(req: &HttpRequest, role: Role, lane: Lane, next: &str) -> Option<Ctx> {
    let state = state_of(req).ok()?;
    let session = TypedSession::of(req);
    let token = session.token()?;
    let known = session.known_user().filter(|u| u.role == role)?;
    let identity = Arc::new(Identity {
        token,
        count_cart: known.role == Role::Customer && session.cart_count().is_none(),
        known: known.clone(),
        next: next.to_string(),
        verdict: Mutex::new(Verdict::Pending),
        attempted: AtomicBool::new(false),
        settled: AtomicBool::new(false),
    });
    let check = Arc::clone(&identity);
    let prelude: Prelude = Arc::new(move |c: &mut diesel::MysqlConnection| check.check(c));
    let db = state.db.for_request_checked(lane, Arc::clone(&prelude));
    req.extensions_mut().insert(DeferredCheck {
        identity: Arc::clone(&identity),
        prelude,
        lane,
    });
    Some(Ctx {
        session,
        user: Some(known),
        state,
        db,
        locale: super::locale::of_request(req),
        here: super::locale::here(req),
        deferred: Some(identity),
    })
}

impl FromRequest for Ctx {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        Box::pin(load_ctx(req.clone(), Lane::Customer))
    }
}

/// Where an anonymous user comes back to after logging in.
fn next_for(req: &HttpRequest) -> String {
    if req.method() == actix_web::http::Method::GET {
        req.uri()
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into())
    } else {
        "/".into()
    }
}

async fn require(req: HttpRequest, role: Role) -> Result<(Ctx, AuthUser), AppError> {
    let next = next_for(&req);
    // Counter and admin pages take the staff lane: a share of the connections customers cannot hold.
    let lane = match role {
        Role::Customer => Lane::Customer,
        Role::Staff | Role::Admin => Lane::Staff,
    };
    if let Some(ctx) = deferred_ctx(&req, role, lane, &next) {
        if let Some(user) = ctx.user.clone() {
            return Ok((ctx, user));
        }
    }
    let ctx = load_ctx(req, lane).await?;
    match &ctx.user {
        None => Err(AppError::LoginRequired { next }),
        Some(u) if u.role == role => {
            let user = u.clone();
            Ok((ctx, user))
        }
        Some(_) => Err(AppError::Forbidden(match role {
            Role::Customer => msg!("error-for-customers"),
            Role::Staff => msg!("error-for-staff"),
            Role::Admin => msg!("error-for-admins"),
        })),
    }
}

macro_rules! role_guard {
    ($(#[$doc:meta])* $name:ident, $role:expr) => {
        $(#[$doc])*
        pub struct $name {
            pub ctx: Ctx,
            pub user: AuthUser,
        }

        impl FromRequest for $name {
            type Error = AppError;
            type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let req = req.clone();
                Box::pin(async move {
                    let (ctx, user) = require(req, $role).await?;
                    Ok($name { ctx, user })
                })
            }
        }
    };
}

role_guard!(
    /// A logged-in customer.
    Customer,
    Role::Customer
);
role_guard!(
    /// A logged-in staff member (always of one store).
    Staff,
    Role::Staff
);
role_guard!(
    /// A logged-in administrator.
    Admin,
    Role::Admin
);

impl Staff {
    /// The staff member's store. Staff accounts always have one (a CHECK constraint says so).
    pub fn store_id(&self) -> Result<i64, AppError> {
        self.user
            .store_id
            .ok_or_else(|| AppError::Forbidden(msg!("error-staff-no-store")))
    }
}
