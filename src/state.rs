//! AppState: what every request shares — the database, the settings, the keys derived from the
//! secret and the admission gates. Built once by `main` (or a test) and handed to `startup`.

use std::sync::Arc;

use crate::admission::Admission;
use crate::config::Settings;
use crate::db::Db;
use crate::domain::SubmitTokenSigner;
use crate::passwords::Passwords;

/// Shared by every request: the database, the settings and the keys derived from the secret.
pub struct AppState {
    pub db: Db,
    pub settings: Arc<Settings>,
    pub submit_tokens: SubmitTokenSigner,
    /// Signs the QR payload on the order page.
    pub qr_key: Vec<u8>,
    /// Admits only a few concurrent stock updates per product (SPEC §4).
    pub admission: Admission,
    /// Password hashing, a few at a time on threads of its own (login, register, password resets).
    pub passwords: Passwords,
}

impl AppState {
    pub fn new(settings: Settings) -> AppState {
        let db = Db::new(&settings.database_url, settings.db_pool_size)
            .with_deadline(settings.db_timeout);
        let submit_tokens = SubmitTokenSigner::new(
            &settings.derived_key("submit-token"),
            chrono::Duration::seconds(settings.submit_token_ttl_seconds),
        );
        let qr_key = settings.derived_key("pickup-qr");
        AppState {
            db,
            submit_tokens,
            qr_key,
            admission: Admission::default(),
            passwords: Passwords::per_core(),
            settings: Arc::new(settings),
        }
    }
}
