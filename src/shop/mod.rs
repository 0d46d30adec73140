//! Business operations: plain functions over `&mut MysqlConnection` that tests can call directly.

pub mod accounts;
pub mod admission;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod counter;
pub mod customer_orders;
pub mod orders;
pub mod payment;
pub mod pickup;
pub mod seed;
pub mod stock;
pub mod stores;
pub mod submit_once;
pub mod sweeper;
