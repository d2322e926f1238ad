//! The knobs of a client that a single call may override: retries, timeouts and the size of
//! the bodies it reads.

use std::time::Duration;

/// How failed attempts are retried.
///
/// An attempt is retried when the server answers 408, 429, 502, 503 or 504, when the
/// connection cannot be made, and when an attempt times out; only requests that are safe to
/// repeat are retried (idempotent methods, and requests that carry an idempotency key).
/// Waits grow exponentially with full jitter, unless the server says how long to wait
/// (`Retry-After`, or `ratelimit-reset` with `ratelimit-remaining: 0`).
///
/// ```
/// use std::time::Duration;
/// use dbaas_runtime::RetryPolicy;
///
/// let patient = RetryPolicy::default().max_attempts(5).max_backoff(Duration::from_secs(10));
/// let once = RetryPolicy::disabled();
/// assert_eq!(patient.attempts(), 5);
/// assert_eq!(once.attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_backoff: Duration,
    max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// Three attempts in all, waiting about 0.5 s and then about 1 s (with jitter), never more
    /// than 20 s between two attempts.
    fn default() -> Self {
        Self { max_attempts: 3, initial_backoff: Duration::from_millis(500), max_backoff: Duration::from_secs(20) }
    }
}

impl RetryPolicy {
    /// One attempt, never retried.
    pub fn disabled() -> Self {
        Self { max_attempts: 1, ..Self::default() }
    }

    /// Sets how many attempts a call makes in all, the first included (at least 1).
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the base of the exponential backoff: the longest wait before the second attempt.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the longest wait between two attempts that the client chooses itself.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// How many attempts a call makes at most, the first included.
    pub fn attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait before attempt `next` (2 for the first retry): a random time up to
    /// `initial_backoff * 2^(next - 2)`, capped at `max_backoff`.
    pub(crate) fn backoff(&self, next: u32) -> Duration {
        let exponent = next.saturating_sub(2).min(20);
        let ceiling = self.initial_backoff.saturating_mul(1 << exponent).min(self.max_backoff);
        let nanos = u64::try_from(ceiling.as_nanos()).unwrap_or(u64::MAX);
        Duration::from_nanos(fastrand::u64(0..=nanos))
    }
}

/// The default time connecting to a server may take.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The default time one attempt may take, from sending the request to reading the whole
/// answer.
pub const DEFAULT_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);

/// The default time a whole call may take: every attempt, every wait between attempts, and
/// waiting for a free connection.
pub const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(60);

/// The default largest response body read, in bytes (64 MiB).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The default number of requests one client has in flight to one host; further calls wait
/// for a free slot.
pub const DEFAULT_MAX_CONNECTIONS_PER_HOST: usize = 64;

/// The settings a call runs with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CallSettings {
    pub retry: RetryPolicy,
    pub attempt_timeout: Duration,
    pub call_timeout: Duration,
    pub max_body_bytes: u64,
}

impl Default for CallSettings {
    fn default() -> Self {
        Self {
            retry: RetryPolicy::default(),
            attempt_timeout: DEFAULT_ATTEMPT_TIMEOUT,
            call_timeout: DEFAULT_CALL_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Settings for some calls only, over the client's own: pass them to the generated
/// client's `with_options`, which gives a client (sharing the same connections) whose calls
/// use them.
///
/// ```
/// use std::time::Duration;
/// use dbaas_runtime::{CallOptions, RetryPolicy};
///
/// let options = CallOptions::new().retry(RetryPolicy::disabled()).timeout(Duration::from_secs(5));
/// # let _ = options;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    retry: Option<RetryPolicy>,
    attempt_timeout: Option<Duration>,
    call_timeout: Option<Duration>,
    max_body_bytes: Option<u64>,
}

impl CallOptions {
    /// No overrides: the client's settings.
    pub fn new() -> Self {
        Self::default()
    }

    /// Retries as `policy` says.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Limits each attempt to `timeout`.
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.attempt_timeout = Some(timeout);
        self
    }

    /// Limits the whole call, all attempts and waits, to `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.call_timeout = Some(timeout);
        self
    }

    /// Reads response bodies of at most `bytes`.
    pub fn max_body_bytes(mut self, bytes: u64) -> Self {
        self.max_body_bytes = Some(bytes);
        self
    }

    /// `settings` with these overrides applied.
    pub(crate) fn apply(&self, settings: CallSettings) -> CallSettings {
        CallSettings {
            retry: self.retry.unwrap_or(settings.retry),
            attempt_timeout: self.attempt_timeout.unwrap_or(settings.attempt_timeout),
            call_timeout: self.call_timeout.unwrap_or(settings.call_timeout),
            max_body_bytes: self.max_body_bytes.unwrap_or(settings.max_body_bytes),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_grows_exponentially_within_its_cap() {
        let policy = RetryPolicy::default().initial_backoff(Duration::from_millis(100)).max_backoff(Duration::from_millis(350));
        for _ in 0..200 {
            assert!(policy.backoff(2) <= Duration::from_millis(100));
            assert!(policy.backoff(3) <= Duration::from_millis(200));
            assert!(policy.backoff(4) <= Duration::from_millis(350));
            assert!(policy.backoff(60) <= Duration::from_millis(350));
        }
        assert!((0..200).any(|_| policy.backoff(4) > Duration::from_millis(200)), "the cap is reached, with jitter below it");
    }

    #[test]
    fn overrides_replace_only_what_they_set() {
        let base = CallSettings::default();
        let changed = CallOptions::new().timeout(Duration::from_secs(1)).apply(base);
        assert_eq!(changed.call_timeout, Duration::from_secs(1));
        assert_eq!(changed.retry, base.retry);
        assert_eq!(changed.attempt_timeout, base.attempt_timeout);
    }
}
