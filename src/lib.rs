//! shopcounter: click & collect for small shops.
//!
//! Layers, one direction: `web` (HTTP) → `shop` (business operations over a connection)
//! → `domain` (pure types and rules); `db` holds the pool, migrations, schema and transactions.

pub mod admission;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod metrics;
pub mod passwords;
pub mod shop;
pub mod startup;
pub mod state;
pub mod telemetry;
pub mod web;
