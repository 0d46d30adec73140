//! Admission: at most a few concurrent stock updates per product inside this process, so that the
//! buyers of a hot product queue here, as cheap tasks, instead of as lock waiters inside InnoDB.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Concurrent checkouts per product admitted to the database at once.
pub const PER_PRODUCT: usize = 16;

#[derive(Default)]
pub struct Admission {
    gates: Mutex<HashMap<i64, Arc<Semaphore>>>,
}

/// Held while a checkout runs; dropping it lets the next buyer in.
pub struct Admitted {
    _permits: Vec<OwnedSemaphorePermit>,
}

impl Admission {
    fn gate(&self, product_id: i64) -> Arc<Semaphore> {
        let mut gates = match self.gates.lock() {
            Ok(g) => g,
            Err(poisoned) => poisoned.into_inner(),
        };
        gates
            .entry(product_id)
            .or_insert_with(|| Arc::new(Semaphore::new(PER_PRODUCT)))
            .clone()
    }

    /// Waits for a place for every product, taking them in ascending id order (one lock order,
    /// so two carts with the same products in a different order cannot wait on each other).
    pub async fn admit(&self, mut product_ids: Vec<i64>) -> Admitted {
        product_ids.sort_unstable();
        product_ids.dedup();
        let mut permits = Vec::with_capacity(product_ids.len());
        for id in product_ids {
            if let Ok(p) = self.gate(id).acquire_owned().await {
                permits.push(p);
            }
        }
        Admitted { _permits: permits }
    }
}
