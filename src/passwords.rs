//! Password hashing (argon2id) with a bound: a few dedicated threads, one per core, each with one
//! reusable block of hash memory (19 MiB at the default cost), and a semaphore in front of them.
//!
//! Unbounded, every concurrent login (even with an unknown name) grew another blocking thread's
//! heap by the hash's memory, and the allocator kept it: 200 concurrent `POST /login` took the app
//! to gigabytes. Here at most `threads` hashes run at once, only those threads ever touch hash
//! memory, and a request that cannot get a turn within a short wait is told "busy, try again".

use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;
use tokio::sync::{oneshot, Semaphore};

use crate::error::AppError;

/// The largest hash memory a stored hash may ask for (64 MiB); a larger one is treated as wrong.
const MAX_BLOCKS: usize = 64 * 1024;

/// The hash memory one thread keeps and reuses.
pub struct Memory(Vec<Block>);

impl Memory {
    pub fn new() -> Memory {
        Memory(Vec::new())
    }

    fn blocks(&mut self, n: usize) -> &mut [Block] {
        if self.0.len() < n {
            self.0.resize(n, Block::default());
        }
        &mut self.0[..n]
    }
}

impl Default for Memory {
    fn default() -> Self {
        Memory::new()
    }
}

/// A new argon2id hash (PHC string) of `password` at the default cost, computed in `memory`.
pub fn hash_with(memory: &mut Memory, password: &str) -> Result<String, AppError> {
    let fail = |e: &dyn std::fmt::Display| {
        AppError::Unexpected(anyhow::anyhow!("hashing a password: {e}"))
    };
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_buf).map_err(|e| fail(&e))?;
    let params = Params::default();
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            memory.blocks(params.block_count()),
        )
        .map_err(|e| fail(&e))?;
    let phc = PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| fail(&e))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| fail(&e))?),
    };
    Ok(phc.to_string())
}

/// Whether `password` matches the stored PHC string; anything unparsable is simply "no".
pub fn verify_with(memory: &mut Memory, password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    let (Ok(algorithm), Some(salt), Some(expected)) = (
        Algorithm::try_from(parsed.algorithm),
        parsed.salt,
        parsed.hash,
    ) else {
        return false;
    };
    let version = match parsed.version.map(Version::try_from).transpose() {
        Ok(v) => v.unwrap_or_default(),
        Err(_) => return false,
    };
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    if params.block_count() > MAX_BLOCKS {
        return false;
    }
    let mut salt_buf = [0u8; 64];
    let Ok(salt_bytes) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let blocks = params.block_count();
    let argon = Argon2::new(algorithm, version, params);
    let mut out = vec![0u8; expected.len()];
    argon
        .hash_password_into_with_memory(
            password.as_bytes(),
            salt_bytes,
            &mut out,
            memory.blocks(blocks),
        )
        .is_ok()
        && bool::from(expected.as_bytes().ct_eq(&out))
}

type Job = Box<dyn FnOnce(&mut Memory) + Send>;

/// The bounded hasher the web layer uses (login, register, password changes).
#[derive(Clone)]
pub struct Passwords {
    turns: Arc<Semaphore>,
    jobs: mpsc::Sender<Job>,
    wait: Duration,
}

impl Passwords {
    /// `threads` hashing threads (about the number of cores); a request waits at most `wait` for
    /// a turn before it is answered "busy".
    pub fn new(threads: usize, wait: Duration) -> Passwords {
        let threads = threads.max(1);
        let (jobs, inbox) = mpsc::channel::<Job>();
        let inbox = Arc::new(Mutex::new(inbox));
        for i in 0..threads {
            let inbox = Arc::clone(&inbox);
            std::thread::Builder::new()
                .name(format!("argon2-{i}"))
                .spawn(move || {
                    let mut memory = Memory::new();
                    loop {
                        // The lock is held only while taking one job off the queue.
                        let job = match inbox.lock() {
                            Ok(rx) => rx.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut memory),
                            Err(_) => return, // every sender is gone: the app is shutting down
                        }
                    }
                })
                .expect("spawning a password hashing thread"); // ok: only fails when the OS is out of threads at start-up
        }
        Passwords {
            turns: Arc::new(Semaphore::new(threads)),
            jobs,
            wait,
        }
    }

    /// One thread per core, a turn within 2 s.
    pub fn per_core() -> Passwords {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Passwords::new(cores, Duration::from_secs(2))
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Memory) -> T + Send + 'static,
    ) -> Result<T, AppError> {
        let _turn = match tokio::time::timeout(self.wait, self.turns.acquire()).await {
            Ok(Ok(turn)) => turn,
            Ok(Err(_)) | Err(_) => {
                tracing::warn!("password hashing is saturated; answering busy");
                return Err(AppError::Busy);
            }
        };
        let (tx, rx) = oneshot::channel();
        self.jobs
            .send(Box::new(move |memory: &mut Memory| {
                let _ = tx.send(f(memory));
            }))
            .map_err(|_| AppError::Unexpected(anyhow::anyhow!("the password threads are gone")))?;
        rx.await
            .map_err(|_| AppError::Unexpected(anyhow::anyhow!("a password job was dropped")))
    }

    /// A new hash of `password`.
    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move |m| hash_with(m, &password)).await?
    }

    /// Whether `password` matches `stored` (an unknown user is checked against a dummy hash, so
    /// it costs the same).
    pub async fn verify(&self, password: String, stored: String) -> Result<bool, AppError> {
        self.run(move |m| verify_with(m, &password, &stored)).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_with_the_right_password_only_and_argon2_agrees() {
        let mut m = Memory::new();
        let h = hash_with(&mut m, "correct horse").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_with(&mut m, "correct horse", &h));
        assert!(!verify_with(&mut m, "wrong horse", &h));
        assert!(!verify_with(&mut m, "x", "not a hash"));
        // The argon2 crate's own verifier accepts our hashes, and we accept its.
        use argon2::password_hash::{PasswordHasher, PasswordVerifier};
        let parsed = PasswordHash::new(&h).unwrap();
        assert!(Argon2::default()
            .verify_password(b"correct horse", &parsed)
            .is_ok());
        let theirs = Argon2::default()
            .hash_password(b"pw-from-argon2", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_with(&mut m, "pw-from-argon2", &theirs));
    }

    #[tokio::test]
    async fn a_saturated_hasher_answers_busy_after_its_wait() {
        let p = Passwords::new(1, Duration::from_millis(50));
        let stored = hash_with(&mut Memory::new(), "pw").unwrap();
        let many: Vec<_> = (0..8)
            .map(|_| {
                let p = p.clone();
                let s = stored.clone();
                tokio::spawn(async move { p.verify("pw".into(), s).await })
            })
            .collect();
        let mut ok = 0;
        let mut busy = 0;
        for h in many {
            match h.await.unwrap() {
                Ok(true) => ok += 1,
                Err(AppError::Busy) => busy += 1,
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(ok >= 1 && busy >= 1, "ok {ok}, busy {busy}");
    }
}
