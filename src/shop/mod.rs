//! Business operations: plain functions over `&mut MysqlConnection` that tests can call directly.

pub mod accounts;
pub mod admission;
pub mod catalog;
pub mod counter;
pub mod orders;
pub mod pickup;
pub mod seed;
pub mod stock;
pub mod stores;
pub mod submit_once;
pub mod sweeper;
