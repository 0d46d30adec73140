//! Logging: tracing to stderr, filtered by RUST_LOG (default `info`). Requests carry a request id
//! (tracing-actix-web); passwords, tokens and full pickup codes are never logged.
//!
//! `LOG_FORMAT=json` writes one JSON object a line (for log shippers); otherwise human-readable
//! lines, coloured only when stderr is a terminal.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

/// Installs the subscriber. Fails (naming the variable) on an unknown `LOG_FORMAT`.
pub fn init() -> Result<(), String> {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,actix_server=warn"));
    let format = std::env::var("LOG_FORMAT").unwrap_or_default();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr);
    match format.trim().to_ascii_lowercase().as_str() {
        "json" => {
            let _ = builder
                .json()
                .flatten_event(true)
                .with_current_span(true)
                .with_span_list(false)
                .with_ansi(false)
                .try_init();
        }
        "" | "text" => {
            // Colour codes only for a person at a terminal, never in a log file or a pipe.
            let _ = builder
                .with_ansi(std::io::stderr().is_terminal())
                .try_init();
        }
        other => return Err(format!("LOG_FORMAT: expected json or text, got {other:?}")),
    }
    Ok(())
}
