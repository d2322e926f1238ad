//! The call loop: a request is sent attempt after attempt until an answer is final, the
//! attempts run out or the call's time does. Each attempt's outcome is judged by one small
//! function ([`next_step`]); the error is built once, when the call gives up.

use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::Url;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap};
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::ClientCore;
use super::auth::Applied;
use super::body::{ReadFailure, read_body};
use super::error::{KEPT_BODY_BYTES, TimeoutError, TimeoutLimit, is_retryable_status};
use super::response::asked_wait;
use super::{Error, Request};

/// An answer, read within the limits.
pub(crate) struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// How one attempt ended.
enum Outcome {
    /// The server answered (any status).
    Answered(Answer),
    /// The connection could not be made: nothing was sent, so any request may try again.
    ConnectFailed(reqwest::Error),
    /// The exchange failed after the request may have reached the server.
    Transport(reqwest::Error),
    /// The answer's head has more headers, or more bytes, than the client reads.
    HeadTooLarge,
    /// A time limit ran out while sending or reading.
    TimedOut(TimeoutLimit),
    /// The call's time ran out before a connection slot came free: nothing was sent.
    NoSlot,
    /// The body is larger than the client reads.
    TooLarge { status: u16, declared: Option<u64> },
}

/// What the call does after an attempt that did not succeed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Next {
    /// The outcome is the call's error.
    GiveUp,
    /// Another attempt, after `wait`.
    Retry { reason: &'static str, wait: Duration },
}

/// What [`next_step`] weighs besides the outcome.
struct Facts {
    /// Whether the request is safe to send again.
    may_repeat: bool,
    /// Whether the retry policy allows another attempt.
    attempts_left: bool,
    /// The wait the retry policy chooses before the next attempt.
    backoff: Duration,
    /// What is left of the call's time.
    time_left: Duration,
    /// The wall-clock time, for waits a server states as a date.
    now: SystemTime,
}

/// What an attempt's outcome, other than a 2xx, means for the call. A server's stated wait
/// (`Retry-After`, rate-limit headers) is read only when a retry is considered; a wait longer
/// than the call has left gives up at once.
fn next_step(outcome: &Outcome, facts: &Facts) -> Next {
    let reason = match outcome {
        Outcome::Answered(answer) if facts.may_repeat && is_retryable_status(answer.status) => status_reason(answer.status),
        Outcome::ConnectFailed(error) if error.is_timeout() => "connect timeout",
        Outcome::ConnectFailed(_) => "connection failed",
        Outcome::Transport(_) if facts.may_repeat => "transport error",
        Outcome::TimedOut(TimeoutLimit::Attempt) if facts.may_repeat => "attempt timeout",
        _ => return Next::GiveUp,
    };
    if !facts.attempts_left {
        return Next::GiveUp;
    }
    let asked = match outcome {
        Outcome::Answered(answer) => asked_wait(&answer.headers, facts.now),
        _ => None,
    };
    let wait = asked.unwrap_or(facts.backoff);
    if wait >= facts.time_left { Next::GiveUp } else { Next::Retry { reason, wait } }
}

/// The reason a retried status is given in traces.
fn status_reason(status: u16) -> &'static str {
    match status {
        408 => "HTTP 408",
        429 => "HTTP 429",
        502 => "HTTP 502",
        503 => "HTTP 503",
        504 => "HTTP 504",
        _ => "HTTP error",
    }
}

/// `now + duration`, or a time decades away when that cannot be represented.
fn deadline_after(duration: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(duration).unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 60 * 60))
}

impl ClientCore {
    /// Sends `request` within one tracing span, which records the operation, the attempts,
    /// the final status and the latency (never a value, a body or a secret). A 2xx answer
    /// comes back with the secrets the call sent redacted from its headers.
    pub(super) async fn call<E: serde::de::DeserializeOwned>(&self, request: Request) -> Result<(Answer, Request), Error<E>> {
        let operation = request.operation;
        let span = tracing::info_span!(
            "dbaas_clients.call",
            operation_id = operation.id,
            method = %operation.method,
            path = operation.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
        );
        if span.is_disabled() {
            // Nothing listens: no span to enter, no latency to take.
            return self.attempts(request, &span).await;
        }
        let started = Instant::now();
        let result = self.attempts(request, &span).instrument(span.clone()).await;
        span.record("latency_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
        result
    }

    /// The loop: send, judge the outcome, wait and send again, or stop.
    async fn attempts<E: serde::de::DeserializeOwned>(
        &self,
        mut request: Request,
        span: &tracing::Span,
    ) -> Result<(Answer, Request), Error<E>> {
        if let Some(problem) = request.problem.take() {
            return Err(Error::Argument(problem));
        }
        let (url, slots) = self.shared.servers.url_of(&request)?;
        let credentials = self.shared.credentials.for_operation(request.operation.security)?;
        let policy = self.settings.retry;
        let deadline = deadline_after(self.settings.call_timeout);
        let mut sent: u32 = 0;
        loop {
            let outcome = self.attempt(&request, &url, &slots, deadline, &credentials).await;
            if !matches!(outcome, Outcome::NoSlot) {
                sent += 1;
                span.record("attempts", sent);
            }
            if let Outcome::Answered(Answer { status, .. }) | Outcome::TooLarge { status, .. } = &outcome {
                span.record("status", status);
            }
            let outcome = match outcome {
                // A 2xx is the call's result.
                Outcome::Answered(mut answer) if answer.is_success() => {
                    self.redactor(&request).redact_headers(&mut answer.headers);
                    return Ok((answer, request));
                }
                other => other,
            };
            let facts = Facts {
                may_repeat: request.operation.retryable,
                attempts_left: sent < policy.attempts(),
                backoff: policy.backoff(sent + 1),
                time_left: deadline.saturating_duration_since(Instant::now()),
                now: SystemTime::now(),
            };
            match next_step(&outcome, &facts) {
                Next::Retry { reason, wait } => {
                    tracing::info!(attempt = sent, reason = %reason, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying");
                    tokio::time::sleep(wait).await;
                }
                Next::GiveUp => return Err(self.error_of(outcome, sent, &request)),
            }
        }
    }

    /// The error a call that gives up on `outcome` returns, after `sent` attempts.
    fn error_of<E: serde::de::DeserializeOwned>(&self, outcome: Outcome, sent: u32, request: &Request) -> Error<E> {
        match outcome {
            Outcome::Answered(answer) => self.api_error(answer, request),
            Outcome::ConnectFailed(error) if error.is_timeout() => Error::Timeout(self.timeout(TimeoutLimit::Connect, sent, false)),
            Outcome::ConnectFailed(error) | Outcome::Transport(error) => Error::Transport(error),
            Outcome::HeadTooLarge => Error::HeadersTooLarge,
            Outcome::TimedOut(limit) => Error::Timeout(self.timeout(limit, sent, false)),
            Outcome::NoSlot => Error::Timeout(self.timeout(TimeoutLimit::Call, sent, true)),
            Outcome::TooLarge { status, declared } => Error::BodyTooLarge { status, limit: self.settings.max_body_bytes, declared },
        }
    }

    fn timeout(&self, limit: TimeoutLimit, attempts: u32, queued: bool) -> TimeoutError {
        let limit_value = match limit {
            TimeoutLimit::Connect => self.shared.connect_timeout,
            TimeoutLimit::Attempt => self.settings.attempt_timeout,
            TimeoutLimit::Call => self.settings.call_timeout,
        };
        TimeoutError { limit, limit_value, attempts, queued }
    }

    /// One attempt: wait for a connection slot (within the call's deadline), then send and
    /// read within the attempt's limit.
    async fn attempt(&self, request: &Request, url: &Url, slots: &Semaphore, deadline: Instant, credentials: &[&Applied]) -> Outcome {
        let deadline = tokio::time::Instant::from_std(deadline);
        // A free slot is taken at once; only a wait for one needs a timer.
        let _slot = match slots.try_acquire() {
            Ok(slot) => slot,
            Err(_) => match tokio::time::timeout_at(deadline, slots.acquire()).await {
                Ok(Ok(slot)) => slot,
                _ => return Outcome::NoSlot,
            },
        };
        let remaining = deadline.saturating_duration_since(tokio::time::Instant::now());
        let (limit, which) = if self.settings.attempt_timeout < remaining {
            (self.settings.attempt_timeout, TimeoutLimit::Attempt)
        } else {
            (remaining, TimeoutLimit::Call)
        };
        tokio::time::timeout(limit, self.send(request, url, credentials)).await.unwrap_or(Outcome::TimedOut(which))
    }

    /// Sends the request once and reads the answer.
    async fn send(&self, request: &Request, url: &Url, credentials: &[&Applied]) -> Outcome {
        let operation = request.operation;
        let mut url = url.clone();
        let mut key_in_url = false;
        for applied in credentials {
            if let Applied::Query(name, key) = applied {
                url.query_pairs_mut().append_pair(name, key.expose());
                key_in_url = true;
            }
        }
        let mut builder = self.shared.http.request(operation.method.clone(), url).header(ACCEPT, operation.accept);
        for applied in credentials {
            if let Applied::Header(name, value) = applied {
                builder = builder.header(name, value.clone());
            }
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value.clone());
        }
        if let Some(body) = &request.body {
            builder = builder.header(CONTENT_TYPE, request.content_type.as_ref()).body(body.clone());
        }
        // An error that would show a URL holding an API key shows none.
        let hide_url = |error: reqwest::Error| if key_in_url { error.without_url() } else { error };
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(error) if error.is_connect() => return Outcome::ConnectFailed(hide_url(error)),
            Err(error) if is_head_too_large(&error) => return Outcome::HeadTooLarge,
            Err(error) => return Outcome::Transport(hide_url(error)),
        };
        let status = response.status().as_u16();
        let headers = std::mem::take(response.headers_mut());
        let success = (200..300).contains(&status);
        let limit = if success { self.settings.max_body_bytes } else { self.settings.max_body_bytes.min(KEPT_BODY_BYTES as u64) };
        match read_body(response, limit, !success).await {
            Ok(body) => Outcome::Answered(Answer { status, headers, body }),
            Err(ReadFailure::TooLarge(declared)) => Outcome::TooLarge { status, declared },
            Err(ReadFailure::Transport(error)) => Outcome::Transport(hide_url(error)),
        }
    }
}

/// Whether `error` says the answer's head was over hyper's limits (too many headers, or too
/// many bytes). hyper tells that kind apart only in its server feature, so its parse error
/// is recognised by its text.
fn is_head_too_large(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if let Some(hyper_error) = error.downcast_ref::<hyper::Error>() {
            return hyper_error.is_parse() && hyper_error.to_string().contains("too large");
        }
        source = error.source();
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn answer(status: u16, headers: &[(&'static str, &str)]) -> Outcome {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(*name, HeaderValue::from_str(value).unwrap_or(HeaderValue::from_static("")));
        }
        Outcome::Answered(Answer { status, headers: map, body: Bytes::new() })
    }

    fn facts() -> Facts {
        Facts {
            may_repeat: true,
            attempts_left: true,
            backoff: Duration::from_millis(300),
            time_left: Duration::from_secs(60),
            now: SystemTime::now(),
        }
    }

    #[test]
    fn retryable_statuses_are_retried_after_the_backoff_or_the_wait_asked() {
        assert_eq!(next_step(&answer(503, &[]), &facts()), Next::Retry { reason: "HTTP 503", wait: Duration::from_millis(300) });
        assert_eq!(
            next_step(&answer(429, &[("retry-after", "2")]), &facts()),
            Next::Retry { reason: "HTTP 429", wait: Duration::from_secs(2) }
        );
        assert_eq!(next_step(&answer(404, &[("retry-after", "2")]), &facts()), Next::GiveUp);
        assert_eq!(next_step(&answer(500, &[]), &facts()), Next::GiveUp);
    }

    #[test]
    fn a_request_not_safe_to_repeat_is_retried_only_when_nothing_was_sent() {
        let facts = Facts { may_repeat: false, ..facts() };
        assert_eq!(next_step(&answer(503, &[]), &facts), Next::GiveUp);
        assert_eq!(next_step(&Outcome::TimedOut(TimeoutLimit::Attempt), &facts), Next::GiveUp);
        assert_eq!(next_step(&Outcome::NoSlot, &facts), Next::GiveUp);
    }

    #[test]
    fn the_last_attempt_and_waits_past_the_deadline_give_up() {
        assert_eq!(next_step(&answer(503, &[]), &Facts { attempts_left: false, ..facts() }), Next::GiveUp);
        let endless = [("retry-after", "18446744073709551615")];
        assert_eq!(next_step(&answer(429, &endless), &facts()), Next::GiveUp);
        let reset = [("ratelimit-remaining", "0"), ("ratelimit-reset", "18446744073709551615")];
        assert_eq!(next_step(&answer(429, &reset), &facts()), Next::GiveUp);
        assert_eq!(next_step(&answer(503, &[]), &Facts { time_left: Duration::from_millis(100), ..facts() }), Next::GiveUp);
    }

    #[test]
    fn timeouts_and_failed_exchanges_are_retried_when_safe() {
        assert_eq!(
            next_step(&Outcome::TimedOut(TimeoutLimit::Attempt), &facts()),
            Next::Retry { reason: "attempt timeout", wait: Duration::from_millis(300) }
        );
        assert_eq!(next_step(&Outcome::TimedOut(TimeoutLimit::Call), &facts()), Next::GiveUp);
        assert_eq!(next_step(&Outcome::HeadTooLarge, &facts()), Next::GiveUp);
        assert_eq!(next_step(&Outcome::TooLarge { status: 200, declared: None }, &facts()), Next::GiveUp);
    }

    #[test]
    fn deadlines_never_overflow() {
        assert!(deadline_after(Duration::MAX) > Instant::now());
        assert!(deadline_after(Duration::from_secs(1)) > Instant::now());
    }
}
