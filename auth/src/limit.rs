//! Per-token limits, so one caller (a runaway script, a hostile client with
//! a valid token) cannot starve the others: at most `in_flight` calls at
//! once, and a token bucket of `per_second` calls refilled continuously up
//! to `burst`. A call over either limit is `RESOURCE_EXHAUSTED` and does
//! nothing.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

/// The limits applied to every token.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub in_flight: usize,
    pub per_second: f64,
    pub burst: f64,
}

impl Default for Limits {
    /// Far above what a person or the dashboard does, and above the busiest
    /// legitimate client (a batch importer retrying); a loop hammering one
    /// service is held to it.
    fn default() -> Limits {
        Limits {
            in_flight: 64,
            per_second: 500.0,
            burst: 1000.0,
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    refilled: Instant,
    in_flight: usize,
}

/// The buckets of every token seen, behind a std mutex: each critical
/// section is a few arithmetic operations, never held across an await.
#[derive(Clone)]
pub(crate) struct Limiter {
    limits: Limits,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

/// Holds a token's in-flight slot until the call is answered.
#[derive(Debug)]
pub(crate) struct Slot {
    key: String,
    buckets: Arc<Mutex<HashMap<String, Bucket>>>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        if let Ok(mut buckets) = self.buckets.lock()
            && let Some(bucket) = buckets.get_mut(&self.key)
        {
            bucket.in_flight = bucket.in_flight.saturating_sub(1);
        }
    }
}

impl Limiter {
    pub(crate) fn new(limits: Limits) -> Limiter {
        Limiter {
            limits,
            buckets: Arc::default(),
        }
    }

    /// A slot for one call of `key`, or why not.
    pub(crate) fn admit(&self, key: &str) -> Result<Slot, &'static str> {
        let now = Instant::now();
        let mut buckets = self
            .buckets
            .lock()
            .map_err(|_| "the limiter is unavailable")?;
        let bucket = buckets.entry(key.to_owned()).or_insert(Bucket {
            tokens: self.limits.burst,
            refilled: now,
            in_flight: 0,
        });
        let elapsed = now.duration_since(bucket.refilled).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.limits.per_second).min(self.limits.burst);
        bucket.refilled = now;
        if bucket.in_flight >= self.limits.in_flight {
            return Err("too many calls in flight for this token; wait for one to finish");
        }
        if bucket.tokens < 1.0 {
            return Err("too many calls per second for this token; slow down");
        }
        bucket.tokens -= 1.0;
        bucket.in_flight += 1;
        Ok(Slot {
            key: key.to_owned(),
            buckets: Arc::clone(&self.buckets),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_calls_are_capped_per_token_and_released() {
        let limiter = Limiter::new(Limits {
            in_flight: 2,
            per_second: 1000.0,
            burst: 1000.0,
        });
        let first = limiter.admit("a").unwrap();
        let _second = limiter.admit("a").unwrap();
        assert!(limiter.admit("a").is_err(), "a third at once");
        assert!(limiter.admit("b").is_ok(), "another token is not held up");
        drop(first);
        assert!(limiter.admit("a").is_ok(), "a finished call frees its slot");
    }

    #[test]
    fn the_rate_is_a_token_bucket() {
        let limiter = Limiter::new(Limits {
            in_flight: 100,
            per_second: 0.001,
            burst: 3.0,
        });
        for _ in 0..3 {
            drop(limiter.admit("a").unwrap());
        }
        assert!(limiter.admit("a").unwrap_err().contains("per second"));
        assert!(limiter.admit("b").is_ok());
    }
}
