//! The call loop: a request is built once, then sent attempt after attempt through the
//! client's [`Transport`](crate::Transport) until an answer is final, the attempts run out or
//! the call's time does. Each attempt's outcome is judged by one small function
//! ([`next_step`]); the error is built once, when the call gives up.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use reqwest::Url;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, COOKIE, HeaderMap, HeaderValue};
use tokio::sync::Semaphore;
use tracing::Instrument;

use crate::auth::Applied;
use crate::error::{KEPT_BODY_BYTES, TimeoutError, TimeoutLimit, TransportError, is_retryable_status};
use crate::response::asked_wait;
use crate::token::CredentialsError;
use crate::token_cache::{CurrentToken, TokenCache};
use crate::transport::{Answer, AttemptRequest, ReadLimits, TransportFailure};
use crate::{ClientCore, Error, Request};

/// How one attempt ended.
enum Outcome {
    /// The server answered (any status).
    Answered(Answer),
    /// The transport could not complete the exchange.
    Failed(TransportFailure),
    /// A time limit ran out while sending or reading.
    TimedOut(TimeoutLimit),
    /// The call's time ran out before a connection slot came free: nothing was sent.
    NoSlot,
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
        // Nothing was sent: any request may try again.
        Outcome::Failed(TransportFailure::ConnectTimeout) => "connect timeout",
        Outcome::Failed(TransportFailure::Connect(_)) => "connection failed",
        Outcome::Failed(TransportFailure::Exchange(_)) if facts.may_repeat => "transport error",
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
fn deadline_after(now: Instant, duration: Duration) -> Instant {
    now.checked_add(duration).unwrap_or_else(|| now + Duration::from_secs(30 * 365 * 24 * 60 * 60))
}

/// The number of the next call of the process: the attempts of a call share it.
fn next_call_id() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(1);
    CALLS.fetch_add(1, Ordering::Relaxed)
}

/// What a call has done so far, for its span and its last event.
#[derive(Default)]
struct Tally {
    /// Attempts sent.
    sent: u32,
    /// The status of the last answer.
    status: Option<u16>,
}

impl ClientCore {
    /// Sends `request` within one tracing span, which records the operation, the attempts,
    /// the final status, the latency and the kind of error (never a value, a body or a
    /// secret); the call ends with an event: DEBUG when it succeeds, WARN when it gives up. A
    /// 2xx answer comes back with the secrets the call sent redacted from its headers.
    pub(crate) async fn call<E: serde::de::DeserializeOwned>(&self, request: Request) -> Result<(Answer, Request), Error<E>> {
        let operation = request.operation;
        let span = tracing::info_span!(
            "dbaas_clients.call",
            operation_id = operation.id,
            method = %operation.method,
            path = operation.path,
            attempts = tracing::field::Empty,
            status = tracing::field::Empty,
            latency_ms = tracing::field::Empty,
            error = tracing::field::Empty,
        );
        let mut tally = Tally::default();
        let traced = !span.is_disabled() || tracing::enabled!(tracing::Level::WARN);
        if !traced {
            // Nothing listens: no span to enter, no latency to take.
            return self.run(request, &mut tally).await;
        }
        let started = Instant::now();
        let result = self.run(request, &mut tally).instrument(span.clone()).await;
        let latency_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
        span.record("attempts", tally.sent).record("latency_ms", latency_ms);
        if let Some(status) = tally.status {
            span.record("status", status);
        }
        let _entered = span.enter();
        match &result {
            Ok((answer, _)) => {
                tracing::debug!(operation_id = operation.id, status = answer.status, attempts = tally.sent, latency_ms, "call succeeded");
            }
            Err(error) => {
                span.record("error", error.kind());
                tracing::warn!(
                    operation_id = operation.id,
                    error = error.kind(),
                    status = tally.status,
                    attempts = tally.sent,
                    latency_ms,
                    "call failed"
                );
            }
        }
        result
    }

    /// The loop: build the request, send it, judge the outcome, wait and send again, or stop.
    async fn run<E: serde::de::DeserializeOwned>(&self, mut request: Request, tally: &mut Tally) -> Result<(Answer, Request), Error<E>> {
        if let Some(problem) = request.problem.take() {
            return Err(Error::Argument(problem));
        }
        let (mut url, slots) = self.shared.servers.url_of(&request)?;
        let credentials = self.shared.credentials.for_operation(request.operation.security)?;
        let secret_in_url = add_query_credentials(&mut url, &credentials);
        let policy = self.settings.retry;
        let transport = &self.shared.transport;
        let deadline = deadline_after(transport.now(), self.settings.call_timeout);
        let call_id = next_call_id();
        // Whether the call was repeated with a new token after a `401`: once at most.
        let mut reauthenticated = false;
        loop {
            let tokens = current_tokens(&credentials, deadline, &mut request).await.map_err(Error::Credentials)?;
            let attempt = AttemptRequest {
                operation: request.operation,
                call_id,
                attempt: tally.sent + 1,
                method: request.operation.method.clone(),
                url: url.clone(),
                // Built for each attempt rather than cloned: most calls make one.
                headers: headers_of(&request, &credentials, &tokens),
                body: request.body.clone(),
                secret_in_url,
            };
            let outcome = self.attempt(attempt, &slots, deadline).await;
            if !matches!(outcome, Outcome::NoSlot) {
                tally.sent += 1;
            }
            let outcome = match outcome {
                // A 2xx is the call's result.
                Outcome::Answered(mut answer) if answer.is_success() => {
                    tally.status = Some(answer.status);
                    self.redactor(&request).redact_headers(&mut answer.headers);
                    return Ok((answer, request));
                }
                // A token refused: the request was not processed, so it is sent again, once,
                // with a new one.
                Outcome::Answered(answer) if answer.status == 401 && !tokens.is_empty() && !reauthenticated => {
                    tally.status = Some(answer.status);
                    reauthenticated = true;
                    for (cache, token) in &tokens {
                        cache.refused(token.generation);
                    }
                    tracing::info!(attempt = tally.sent, reason = "HTTP 401", wait_ms = 0_u64, "retrying");
                    continue;
                }
                Outcome::Answered(answer) => {
                    tally.status = Some(answer.status);
                    Outcome::Answered(answer)
                }
                other => other,
            };
            let facts = Facts {
                may_repeat: request.operation.retryable,
                // The repeat after a `401` is not one of the policy's attempts.
                attempts_left: tally.sent - u32::from(reauthenticated) < policy.attempts(),
                backoff: policy.backoff(tally.sent + 1),
                time_left: deadline.saturating_duration_since(transport.now()),
                now: SystemTime::now(),
            };
            match next_step(&outcome, &facts) {
                Next::Retry { reason, wait } => {
                    tracing::info!(attempt = tally.sent, reason = %reason, wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX), "retrying");
                    transport.pause(wait).await;
                }
                Next::GiveUp => return Err(self.error_of(outcome, tally.sent, &request)),
            }
        }
    }

    /// The error a call that gives up on `outcome` returns, after `sent` attempts.
    fn error_of<E: serde::de::DeserializeOwned>(&self, outcome: Outcome, sent: u32, request: &Request) -> Error<E> {
        match outcome {
            Outcome::Answered(answer) => self.api_error(answer, request),
            Outcome::Failed(TransportFailure::ConnectTimeout) => Error::Timeout(self.timeout(TimeoutLimit::Connect, sent, false)),
            Outcome::Failed(TransportFailure::Connect(source)) => {
                Error::Transport(TransportError { attempts: sent, nothing_sent: true, source })
            }
            Outcome::Failed(TransportFailure::Exchange(source)) => {
                Error::Transport(TransportError { attempts: sent, nothing_sent: false, source })
            }
            Outcome::Failed(TransportFailure::Unanswerable(source)) => {
                Error::Transport(TransportError { attempts: sent, nothing_sent: true, source })
            }
            Outcome::Failed(TransportFailure::HeadTooLarge) => Error::HeadersTooLarge,
            Outcome::Failed(TransportFailure::BodyTooLarge { status, declared }) => {
                Error::BodyTooLarge { status, limit: self.settings.max_body_bytes, declared }
            }
            Outcome::TimedOut(limit) => Error::Timeout(self.timeout(limit, sent, false)),
            Outcome::NoSlot => Error::Timeout(self.timeout(TimeoutLimit::Call, sent, true)),
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
    async fn attempt(&self, attempt: AttemptRequest, slots: &Semaphore, deadline: Instant) -> Outcome {
        let transport = &self.shared.transport;
        // A free slot is taken at once; only a wait for one needs a timer.
        let _slot = match slots.try_acquire() {
            Ok(slot) => slot,
            Err(_) => match tokio::time::timeout(deadline.saturating_duration_since(transport.now()), slots.acquire()).await {
                Ok(Ok(slot)) => slot,
                _ => return Outcome::NoSlot,
            },
        };
        let remaining = deadline.saturating_duration_since(transport.now());
        let (limit, which) = if self.settings.attempt_timeout < remaining {
            (self.settings.attempt_timeout, TimeoutLimit::Attempt)
        } else {
            (remaining, TimeoutLimit::Call)
        };
        let limits = ReadLimits { success: self.settings.max_body_bytes, error: KEPT_BODY_BYTES as u64 };
        match tokio::time::timeout(limit, transport.send(attempt, limits)).await {
            Ok(Ok(answer)) => Outcome::Answered(answer),
            Ok(Err(failure)) => Outcome::Failed(failure),
            Err(_) => Outcome::TimedOut(which),
        }
    }
}

/// The tokens of the credentials that get theirs from a provider, each with its cache; every
/// token is added to the secrets `request` redacts.
async fn current_tokens<'a>(
    credentials: &[&'a Applied],
    deadline: Instant,
    request: &mut Request,
) -> Result<Vec<(&'a TokenCache, CurrentToken)>, CredentialsError> {
    let mut tokens = Vec::new();
    for applied in credentials {
        if let Applied::Refreshing(cache) = applied {
            let token = cache.token(deadline).await?;
            if !request.secrets.contains(&token.secret) {
                request.secrets.push(token.secret.clone());
            }
            tokens.push((&**cache, token));
        }
    }
    Ok(tokens)
}

/// Adds the credentials a scheme sends in the query to `url`; whether there were any.
fn add_query_credentials(url: &mut Url, credentials: &[&Applied]) -> bool {
    let mut added = false;
    for applied in credentials {
        if let Applied::Query(name, key) = applied {
            url.query_pairs_mut().append_pair(name, key.expose());
            added = true;
        }
    }
    added
}

/// Every header of `request`: `Accept`, its credentials (with the `tokens` got for those
/// that refresh theirs), its own headers, and the body's `Content-Type`.
fn headers_of(request: &Request, credentials: &[&Applied], tokens: &[(&TokenCache, CurrentToken)]) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(4 + request.headers.len());
    headers.insert(ACCEPT, HeaderValue::from_static(request.operation.accept));
    for applied in credentials {
        if let Applied::Header(name, value) = applied {
            headers.append(name, value.clone());
        }
    }
    for (_, token) in tokens {
        headers.append(AUTHORIZATION, token.header.clone());
    }
    for (name, value) in &request.headers {
        headers.append(name, value.clone());
    }
    // Cookies often carry sessions: the header is marked sensitive, kept out of any debug text.
    if let Some(mut value) =
        Some(&request.cookies).filter(|cookies| !cookies.is_empty()).and_then(|cookies| HeaderValue::from_str(cookies).ok())
    {
        value.set_sensitive(true);
        headers.insert(COOKIE, value);
    }
    if let Some(value) = request.body.as_ref().and_then(|_| HeaderValue::from_str(&request.content_type).ok()) {
        headers.insert(CONTENT_TYPE, value);
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

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

    fn failed(failure: TransportFailure) -> Outcome {
        Outcome::Failed(failure)
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
        assert_eq!(next_step(&failed(TransportFailure::Exchange("reset".into())), &facts), Next::GiveUp);
        assert_eq!(next_step(&Outcome::NoSlot, &facts), Next::GiveUp);
        let refused = next_step(&failed(TransportFailure::Connect("refused".into())), &facts);
        assert_eq!(refused, Next::Retry { reason: "connection failed", wait: Duration::from_millis(300) });
        let slow = next_step(&failed(TransportFailure::ConnectTimeout), &facts);
        assert_eq!(slow, Next::Retry { reason: "connect timeout", wait: Duration::from_millis(300) });
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
        assert_eq!(
            next_step(&failed(TransportFailure::Exchange("reset".into())), &facts()),
            Next::Retry { reason: "transport error", wait: Duration::from_millis(300) }
        );
        assert_eq!(next_step(&Outcome::TimedOut(TimeoutLimit::Call), &facts()), Next::GiveUp);
        assert_eq!(next_step(&failed(TransportFailure::HeadTooLarge), &facts()), Next::GiveUp);
        assert_eq!(next_step(&failed(TransportFailure::BodyTooLarge { status: 200, declared: None }), &facts()), Next::GiveUp);
    }

    #[test]
    fn deadlines_never_overflow() {
        assert!(deadline_after(Instant::now(), Duration::MAX) > Instant::now());
        assert!(deadline_after(Instant::now(), Duration::from_secs(1)) > Instant::now());
    }
}
