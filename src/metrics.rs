//! Metrics for operators: counters, gauges and histograms through the `metrics` facade, rendered in
//! Prometheus' text format by `metrics-exporter-prometheus` at `GET /metrics` (see `web::metrics`).
//!
//! Every name and label set is written here, once; labels are bounded vocabularies (the route
//! *pattern*, never the raw path; outcome enums; a handful of causes). The recorder is global to
//! the process — one instance is one process in production; test apps in one process share it.

use std::sync::OnceLock;
use std::time::Duration;

use metrics::{counter, gauge, histogram};
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

/// Latency buckets (seconds) for request and wait histograms.
const BUCKETS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();

/// Installs the Prometheus recorder (once per process) and returns the handle that renders it.
pub fn handle() -> &'static PrometheusHandle {
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets(BUCKETS)
            .expect("the bucket list is not empty")
            .build_recorder();
        let handle = recorder.handle();
        // Fails only when another recorder was installed first; then ours renders nothing new.
        if metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("a metrics recorder was already installed; /metrics stays empty");
        }
        describe();
        handle
    })
}

/// The text a scrape gets. Drains histogram samples into their buckets first.
pub fn render() -> String {
    let handle = handle();
    handle.run_upkeep();
    handle.render()
}

/// Keeps the recorder's memory bounded between scrapes (histogram samples are kept until drained).
pub fn upkeep() {
    handle().run_upkeep();
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        "shopcounter_http_requests_total",
        "HTTP requests by route pattern, method and status"
    );
    describe_histogram!(
        "shopcounter_http_request_duration_seconds",
        Unit::Seconds,
        "HTTP request latency by route pattern, method and status"
    );
    describe_counter!(
        "shopcounter_checkouts_total",
        "checkout submissions by outcome (created, replayed, sold_out, busy, ...)"
    );
    describe_counter!(
        "shopcounter_transaction_reruns_total",
        "transactions rolled back and run again, by cause (deadlock, lock_wait, certification)"
    );
    describe_counter!(
        "shopcounter_transactions_busy_total",
        "transactions that kept conflicting until the attempts ran out (answered busy)"
    );
    describe_gauge!(
        "shopcounter_db_pool_connections",
        "database connections of this instance by state (in_use, idle)"
    );
    describe_gauge!("shopcounter_db_pool_size", "the pool's maximum size");
    describe_counter!(
        "shopcounter_db_pool_waits_total",
        "requests that found every pooled connection in use and waited"
    );
    describe_histogram!(
        "shopcounter_db_pool_wait_seconds",
        Unit::Seconds,
        "time a request waited for a pooled connection (only those that waited)"
    );
    describe_gauge!(
        "shopcounter_db_galera",
        "1 when the database reports wsrep_on (a Galera cluster node), else 0"
    );
    describe_counter!(
        "shopcounter_sweeper_passes_total",
        "background sweeper passes by result (ok, failed)"
    );
    describe_counter!(
        "shopcounter_sweeper_changes_total",
        "what the sweeper changed (orders_expired, pickup_window_cancelled, tokens_deleted)"
    );
    describe_counter!(
        "shopcounter_counter_lookups_total",
        "counter lookups by outcome (matched, not_found, wrong_store, ..., throttled)"
    );
}

/// One answered HTTP request.
pub fn request(route: &str, method: &'static str, status: u16, elapsed: Duration) {
    let labels = [
        ("route", route.to_string()),
        ("method", method.to_string()),
        ("status", status.to_string()),
    ];
    counter!("shopcounter_http_requests_total", &labels).increment(1);
    histogram!("shopcounter_http_request_duration_seconds", &labels).record(elapsed.as_secs_f64());
}

/// One finished checkout submission.
pub fn checkout(outcome: &'static str) {
    counter!("shopcounter_checkouts_total", "outcome" => outcome).increment(1);
}

/// Why a transaction was rolled back and run again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RerunCause {
    /// InnoDB found a lock cycle (1213 during a statement).
    Deadlock,
    /// A row lock was not granted within the lock-wait timeout (1205).
    LockWait,
    /// Galera certification failed: another node committed a conflicting write first (1213 at
    /// COMMIT, or a local transaction brute-force aborted by a replicated one).
    Certification,
}

impl RerunCause {
    pub const fn as_str(self) -> &'static str {
        match self {
            RerunCause::Deadlock => "deadlock",
            RerunCause::LockWait => "lock_wait",
            RerunCause::Certification => "certification",
        }
    }
}

/// A transaction rerun (or, with `gave_up`, the last conflict before answering busy).
pub fn transaction_rerun(cause: RerunCause) {
    counter!("shopcounter_transaction_reruns_total", "cause" => cause.as_str()).increment(1);
}

pub fn transaction_busy() {
    counter!("shopcounter_transactions_busy_total").increment(1);
}

/// The pool's state at scrape time.
pub fn pool(size: u32, connections: u32, idle: u32) {
    gauge!("shopcounter_db_pool_size").set(f64::from(size));
    gauge!("shopcounter_db_pool_connections", "state" => "in_use")
        .set(f64::from(connections.saturating_sub(idle)));
    gauge!("shopcounter_db_pool_connections", "state" => "idle").set(f64::from(idle));
}

/// A request that had to wait for a pooled connection, and for how long.
pub fn pool_wait(waited: Duration) {
    counter!("shopcounter_db_pool_waits_total").increment(1);
    histogram!("shopcounter_db_pool_wait_seconds").record(waited.as_secs_f64());
}

pub fn galera(on: bool) {
    gauge!("shopcounter_db_galera").set(if on { 1.0 } else { 0.0 });
}

/// One sweeper pass: what it changed, or that it failed.
pub fn sweep(changes: Option<[(&'static str, usize); 3]>) {
    match changes {
        Some(changes) => {
            counter!("shopcounter_sweeper_passes_total", "result" => "ok").increment(1);
            for (what, n) in changes {
                counter!("shopcounter_sweeper_changes_total", "what" => what).increment(n as u64);
            }
        }
        None => counter!("shopcounter_sweeper_passes_total", "result" => "failed").increment(1),
    }
}

/// One counter lookup.
pub fn counter_lookup(outcome: &'static str) {
    counter!("shopcounter_counter_lookups_total", "outcome" => outcome).increment(1);
}
