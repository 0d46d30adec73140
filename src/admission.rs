//! Admission: at most a few concurrent stock updates per product inside this process, so that the
//! buyers of a hot product queue here, as cheap tasks, instead of as lock waiters inside InnoDB.
//!
//! Tokio plumbing, not a business rule: the web layer admits a checkout before it takes a database
//! connection. A product's gate exists only while someone holds or awaits it; the last one out
//! removes it, so the map stays as small as the set of products being bought right now.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Concurrent checkouts per product admitted to the database at once.
pub const PER_PRODUCT: usize = 16;

type Gates = Arc<Mutex<HashMap<i64, Arc<Semaphore>>>>;

#[derive(Default)]
pub struct Admission {
    gates: Gates,
}

/// Held while a checkout runs; dropping it lets the next buyer in and prunes idle gates.
pub struct Admitted {
    permits: Vec<(i64, OwnedSemaphorePermit)>,
    gates: Gates,
}

fn lock(gates: &Gates) -> MutexGuard<'_, HashMap<i64, Arc<Semaphore>>> {
    match gates.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

impl Admission {
    fn gate(&self, product_id: i64) -> Arc<Semaphore> {
        lock(&self.gates)
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
                permits.push((id, p));
            }
        }
        Admitted {
            permits,
            gates: self.gates.clone(),
        }
    }

    /// Would `admit` wait now? (A hint: the request then gives its database connection back
    /// while it queues, instead of holding it idle.)
    pub fn would_wait(&self, product_ids: &[i64]) -> bool {
        let gates = lock(&self.gates);
        product_ids
            .iter()
            .any(|id| gates.get(id).is_some_and(|g| g.available_permits() == 0))
    }

    /// Products that have a gate now (someone holds or awaits a place).
    pub fn open_gates(&self) -> usize {
        lock(&self.gates).len()
    }
}

impl Drop for Admitted {
    fn drop(&mut self) {
        let ids: Vec<i64> = self.permits.iter().map(|(id, _)| *id).collect();
        self.permits.clear();
        let mut gates = lock(&self.gates);
        for id in ids {
            // Holders and waiters each own a clone of the gate; only the map's own is left when
            // it is idle. Clones are made under this lock, so the count cannot race.
            if gates.get(&id).is_some_and(|g| Arc::strong_count(g) == 1) {
                gates.remove(&id);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn gates_are_pruned_when_the_last_holder_leaves() {
        let admission = Admission::default();
        let first = admission.admit(vec![3, 1, 3]).await;
        let second = admission.admit(vec![1]).await;
        assert_eq!(admission.open_gates(), 2);
        drop(first);
        assert_eq!(admission.open_gates(), 1, "product 1 is still held");
        drop(second);
        assert_eq!(admission.open_gates(), 0);
    }

    #[tokio::test]
    async fn a_full_gate_makes_the_next_buyer_wait() {
        let admission = Arc::new(Admission::default());
        let mut held = Vec::new();
        for _ in 0..PER_PRODUCT {
            held.push(admission.admit(vec![7]).await);
        }
        let waiting = tokio::spawn({
            let admission = admission.clone();
            async move { admission.admit(vec![7]).await }
        });
        tokio::task::yield_now().await;
        assert!(!waiting.is_finished());
        held.pop();
        let last = waiting.await.expect("admitted");
        drop(held);
        assert_eq!(admission.open_gates(), 1);
        drop(last);
        assert_eq!(admission.open_gates(), 0);
    }
}
