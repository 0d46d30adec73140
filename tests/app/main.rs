//! The integration tests: one binary, a fresh database and a real server per test.
#![allow(dead_code)] // helpers serve tests in every area; not every test uses each one
//! Run them with `scripts/test` (it starts a private MariaDB) or `cargo test` with DATABASE_URL
//! pointing at a server where the user may create and drop `test_*` databases.

mod browser;
mod browser_counter;
mod browser_languages;
mod browser_live;
mod browser_screens;
mod fixtures;
mod helpers;
mod hostile;
mod invariants;
mod languages;
mod live;
mod login_burst;

mod accounts;
mod admin_money;
mod admin_orders;
mod admin_people;
mod admin_products;
mod admin_stock;
mod browser_admin;
mod browser_checkout;
mod budget;
mod checkout;
mod cli;
mod cluster;
mod counter;
mod database;
mod everywhere;
mod faults;
mod operating;
mod pickup;
mod security;
mod sessions;
