//! Business operations: plain functions over `&mut MysqlConnection` that tests can call directly.

pub mod accounts;
pub mod admission;
pub mod catalog;
pub mod seed;
pub mod stores;
pub mod sweeper;
