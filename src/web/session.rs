//! TypedSession: the cookie session with named accessors instead of string keys in handlers.
//!
//! The session cookie is signed and encrypted (actix-session's cookie store); it holds the token of
//! the server-side session record (`shop::sessions`), the CSRF token and a one-shot flash message.

use actix_session::{Session, SessionExt};
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::future::{ready, Ready};

use crate::i18n::Msg;
use crate::shop::accounts::AuthUser;
use crate::shop::sessions::SessionToken;

const SESSION: &str = "sid";
const CSRF: &str = "csrf";
const FLASH: &str = "flash";
const CART_COUNT: &str = "cart_n";
const USER: &str = "me";
const CHECKOUT_PRODUCTS: &str = "co_ids";

/// A message shown once on the next page (after a 303).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Flash {
    /// `ok`, `info` or `error`: picks the colour.
    pub kind: String,
    pub text: Msg,
    /// A link after the text ("View cart (3)").
    #[serde(default)]
    pub link: Option<FlashLink>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FlashLink {
    pub href: String,
    pub text: Msg,
}

pub struct TypedSession(Session);

impl TypedSession {
    /// The token of the session record this cookie belongs to, if it holds one.
    pub fn token(&self) -> Option<SessionToken> {
        let raw = self.0.get::<String>(SESSION).ok().flatten()?;
        SessionToken::parse(&raw)
    }

    /// Logs a user in: a new cookie (no fixation), a new CSRF token, the new session's token.
    pub fn log_in(&self, token: &SessionToken) {
        self.0.renew();
        let _ = self.0.remove(CSRF);
        let _ = self.0.remove(CART_COUNT);
        let _ = self.0.remove(USER);
        let _ = self.0.remove(CHECKOUT_PRODUCTS);
        let _ = self.0.insert(SESSION, token.as_str());
    }

    pub fn log_out(&self) {
        self.0.purge();
    }

    /// The session's CSRF token, created on first use.
    pub fn csrf_token(&self) -> String {
        if let Ok(Some(t)) = self.0.get::<String>(CSRF) {
            return t;
        }
        let mut raw = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut raw);
        let token = hex::encode(raw);
        let _ = self.0.insert(CSRF, &token);
        token
    }

    /// The token as stored, without creating one (a POST from a session without one is refused).
    pub fn existing_csrf_token(&self) -> Option<String> {
        self.0.get::<String>(CSRF).ok().flatten()
    }

    pub fn flash(&self, kind: &str, text: Msg) {
        let _ = self.0.insert(
            FLASH,
            Flash {
                kind: kind.to_string(),
                text,
                link: None,
            },
        );
    }

    pub fn flash_with_link(&self, kind: &str, text: Msg, link: FlashLink) {
        let _ = self.0.insert(
            FLASH,
            Flash {
                kind: kind.to_string(),
                text,
                link: Some(link),
            },
        );
    }

    /// Units in the customer's cart as last counted (shown in the nav); None when not known.
    /// Every change to the cart forgets or sets it, so the next page counts again.
    pub fn cart_count(&self) -> Option<i64> {
        self.0.get::<i64>(CART_COUNT).ok().flatten()
    }

    pub fn set_cart_count(&self, n: i64) {
        let _ = self.0.insert(CART_COUNT, n);
    }

    pub fn forget_cart_count(&self) {
        self.0.remove(CART_COUNT);
    }

    /// Who this session's record belonged to when it was last checked (a copy in the signed,
    /// encrypted cookie). It lets a page start before the database is asked; the record is still
    /// checked on the request's first statement (see `web::auth`), so it is a hint, never a proof.
    pub fn known_user(&self) -> Option<AuthUser> {
        self.0.get::<AuthUser>(USER).ok().flatten()
    }

    /// Remembers the user a check of the session record found (only when it differs: an
    /// unchanged session writes no new cookie).
    pub fn set_known_user(&self, user: &AuthUser) {
        if self.known_user().as_ref() != Some(user) {
            let _ = self.0.insert(USER, user);
        }
    }

    /// The products the checkout page last showed selected: what the checkout POST queues for at
    /// the hot-product gate before its transaction (which reads the cart itself, so a stale list
    /// only puts the buyer in the wrong queue, never changes the order).
    pub fn checkout_products(&self) -> Option<Vec<i64>> {
        self.0.get::<Vec<i64>>(CHECKOUT_PRODUCTS).ok().flatten()
    }

    pub fn set_checkout_products(&self, ids: Vec<i64>) {
        if self.checkout_products().as_ref() != Some(&ids) {
            let _ = self.0.insert(CHECKOUT_PRODUCTS, ids);
        }
    }

    pub fn take_flash(&self) -> Option<Flash> {
        match self.0.get::<Flash>(FLASH) {
            Ok(None) => None,
            Ok(Some(f)) => {
                self.0.remove(FLASH);
                Some(f)
            }
            // One written by an older version (text instead of a message key): dropped.
            Err(_) => {
                self.0.remove(FLASH);
                None
            }
        }
    }
}

impl TypedSession {
    /// The session of a request (for middleware, which has no extractor).
    pub fn of(req: &HttpRequest) -> TypedSession {
        TypedSession(req.get_session())
    }
}

impl FromRequest for TypedSession {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(TypedSession(req.get_session())))
    }
}
