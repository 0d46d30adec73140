//! Who is asking: `Ctx` (session + the logged-in user, if any) and the role guards built on it.
//! Anonymous on a guarded page → 303 to /login?next=…; logged in with the wrong role → 403 page.

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::page::Page;
use super::session::TypedSession;
use crate::db::{Lane, RequestDb};
use crate::domain::Role;
use crate::error::AppError;
use crate::i18n::{Locale, Msg};
use crate::msg;
use crate::shop::accounts::AuthUser;
use crate::shop::sessions;
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
}

impl Ctx {
    /// Runs `f` on the request's connection (see `RequestDb::run`): how a handler calls `shop`.
    /// The session's user was read on that connection; every `run` of the request reuses it.
    pub async fn run<T, F>(&self, f: F) -> Result<T, AppError>
    where
        T: Send + 'static,
        F: FnMut(&mut diesel::MysqlConnection) -> Result<T, AppError> + Send + 'static,
    {
        self.db.run(f).await
    }

    /// The layout data for a page: title, user, the flash message (taken) and the CSRF token.
    pub fn page(&self, title: Msg) -> Page {
        Page {
            title: self.locale.msg(&title),
            locale: self.locale,
            here: self.here.clone(),
            user: self.user.clone(),
            flash: self.session.take_flash(),
            csrf_token: self.session.csrf_token(),
            cart_count: self
                .user
                .as_ref()
                .filter(|u| u.role == Role::Customer)
                .and_then(|_| self.session.cart_count()),
        }
    }

    pub fn flash(&self, kind: &str, text: Msg) {
        self.session.flash(kind, text);
    }
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
            let found = db.run(move |conn| sessions::user_of(conn, &token)).await?;
            if found.is_none() {
                // Logged out (on any copy of this cookie), disabled, or idle too long.
                session.log_out();
            }
            found
        }
    };
    // The nav's cart count, counted once per session and after each change to the cart.
    if let Some(u) = user.as_ref().filter(|u| u.role == Role::Customer) {
        if session.cart_count().is_none() {
            let user_id = u.id;
            let n = db
                .run(move |conn| crate::shop::cart::unit_count(conn, user_id))
                .await?;
            session.set_cart_count(n);
        }
    }
    Ok(Ctx {
        session,
        user,
        state,
        db,
        locale,
        here,
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
