//! Business operations: plain functions over `&mut MysqlConnection` that tests can call directly.

pub mod accounts;
pub mod admission;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod counter;
pub mod customer_orders;
pub mod dashboard;
pub mod invariants;
pub mod inventory;
pub mod lookup_audit;
pub mod order_detail;
pub mod order_list;
pub mod orders;
pub mod payment;
pub mod pickup;
pub mod products;
pub mod seed;
pub mod staff;
pub mod stock;
pub mod stores;
pub mod submit_once;
pub mod sweeper;
