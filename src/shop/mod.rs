//! Business operations: plain functions over `&mut MysqlConnection` that tests can call directly.
//!
//! # Transactions
//!
//! `shop` opens every transaction, `web` none (the rule is written out in `db`). An operation the
//! web calls (`checkout::place_order`, `payment::pay`, `counter::hand_over`, `inventory::adjust`,
//! `products::add_product`, …) is one transaction opened with `db::in_transaction`; its steps
//! (`orders::cancel_order`, `stock::adjust_stock`, `catalog::create_product`, `submit_once::consume`)
//! say "call inside a transaction" and open none, so they compose. A body that must roll back on
//! an expected outcome refuses with `db::Rollback::Refused(outcome)` and the operation settles it
//! with `Rollback::settle`; such outcomes are enums the web renders, never errors.

pub mod accounts;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod counter;
pub mod customer_orders;
pub mod dashboard;
pub mod invariants;
pub mod inventory;
pub mod lookup_audit;
pub mod names;
pub mod order_detail;
pub mod order_list;
pub mod orders;
pub mod payment;
pub mod pickup;
pub mod products;
pub mod seed;
pub mod sessions;
pub mod staff;
pub mod stock;
pub mod stores;
pub mod submit_once;
pub mod sweeper;
