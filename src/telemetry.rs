//! Logging: tracing to stderr, filtered by RUST_LOG (default `info`). Requests carry a request id
//! (tracing-actix-web); passwords, tokens and full pickup codes are never logged.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
