//! Long-running operations: the handle a call that starts one returns, which polls until the
//! operation is done and gives its typed result.

use std::fmt;
use std::marker::PhantomData;
use std::time::Duration;

use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::{OperationFailure, TimeoutLimit, keep_at_most_kept_bytes};
use crate::redact::{Redactor, SecretForms};
use crate::transport::Answer;
use crate::{CallOptions, ClientCore, Error, Operation, Request};

/// How an API's operations are polled, and what result an operation declares.
#[doc(hidden)]
#[derive(Debug)]
pub struct Poll {
    /// The polling operation (a GET with the operation's id as its one path parameter).
    pub operation: Operation,
    /// The path before the id.
    pub path_before: &'static str,
    /// The wire name of the id's path parameter.
    pub id_param: &'static str,
    /// The path after the id.
    pub path_after: &'static str,
    /// The full name of the result's message type (`yandex.cloud.mdb.mongodb.v1.User`), or
    /// just its last part when the spec names none.
    pub result_type: &'static str,
}

/// The default time before the first poll.
pub const DEFAULT_FIRST_POLL_INTERVAL: Duration = Duration::from_millis(500);

/// The default longest time between two polls.
pub const DEFAULT_MAX_POLL_INTERVAL: Duration = Duration::from_secs(10);

/// The default time [`LongRunning::wait`] waits for an operation to finish.
pub const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(600);

/// What every operation answer says, whatever its declared type.
#[derive(Debug, Clone, Default, Deserialize)]
struct State {
    #[serde(default, alias = "name")]
    id: Option<String>,
    #[serde(default)]
    done: Option<bool>,
    #[serde(default)]
    error: Option<Status>,
    #[serde(default)]
    response: Option<serde_json::Value>,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct Status {
    #[serde(default)]
    code: i64,
    #[serde(default)]
    message: String,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

/// A long-running operation started by a call: `O` is the operation as the spec types it
/// (with its typed metadata), `R` the result it ends with, `E` the API's error body.
///
/// [`wait`](Self::wait) polls until the operation is done and gives the result; the handle
/// keeps what each poll answered, so [`operation`](Self::operation) and
/// [`is_done`](Self::is_done) show the operation as the server last sent it. The operation's
/// [`id`](Self::id) can be stored, and the generated client's `resume_...` method makes the
/// same handle from it later.
pub struct LongRunning<O, R, E> {
    core: ClientCore,
    poll: &'static Poll,
    id: String,
    /// The operation as last sent, typed.
    operation: Option<O>,
    /// What the last answer said, whatever its type.
    state: State,
    /// The HTTP status of the last answer (0 before the first, for a resumed handle).
    status: u16,
    first_interval: Duration,
    max_interval: Duration,
    /// The secrets the starting call sent, redacted from the operation's error.
    secrets: Vec<SecretForms>,
    types: PhantomData<fn() -> (R, E)>,
}

impl<O: fmt::Debug, R, E> fmt::Debug for LongRunning<O, R, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LongRunning").field("id", &self.id).field("operation", &self.operation).finish_non_exhaustive()
    }
}

impl<O, R, E> LongRunning<O, R, E>
where
    O: DeserializeOwned,
    R: DeserializeOwned,
    E: DeserializeOwned,
{
    /// The handle of an operation a call just started, from its answer; `secrets` are those
    /// the call sent.
    pub(crate) fn started(
        core: ClientCore,
        poll: &'static Poll,
        answer: &Answer,
        secrets: Vec<SecretForms>,
    ) -> Result<Self, serde_json::Error> {
        let (operation, state) = decode_operation(&answer.body)?;
        let id = state.id.clone().unwrap_or_default();
        Ok(Self { operation: Some(operation), state, status: answer.status, secrets, ..Self::new(core, poll, id) })
    }

    /// The handle of an operation as a test makes it, from the operation `answer` (its JSON,
    /// `done` and `response` or `error` included), as if a call had just started it: what an
    /// app's fake of the client returns. The generated doubles make these.
    ///
    /// # Errors
    ///
    /// When `answer` is not an operation of type `O`.
    #[cfg(feature = "test-util")]
    #[doc(hidden)]
    pub fn for_test(core: ClientCore, poll: &'static Poll, answer: &serde_json::Value) -> Result<Self, serde_json::Error> {
        let body = bytes::Bytes::from(answer.to_string());
        Self::started(core, poll, &Answer { status: 200, headers: reqwest::header::HeaderMap::new(), body }, Vec::new())
    }

    /// The handle of an operation known by its id only (stored after an earlier call).
    #[doc(hidden)]
    pub fn resume(core: ClientCore, poll: &'static Poll, id: impl Into<String>) -> Self {
        Self::new(core, poll, id.into())
    }

    fn new(core: ClientCore, poll: &'static Poll, id: String) -> Self {
        Self {
            core,
            poll,
            state: State { id: Some(id.clone()), ..State::default() },
            id,
            operation: None,
            status: 0,
            first_interval: DEFAULT_FIRST_POLL_INTERVAL,
            max_interval: DEFAULT_MAX_POLL_INTERVAL,
            secrets: Vec::new(),
            types: PhantomData,
        }
    }

    /// The operation's id: store it to wait on the operation later.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The operation exactly as the server last sent it, with its typed metadata; `None` for a
    /// handle resumed from an id and not yet polled.
    pub fn operation(&self) -> Option<&O> {
        self.operation.as_ref()
    }

    /// Whether the server has said, in its last answer, that the operation is done.
    pub fn is_done(&self) -> bool {
        self.state.done == Some(true)
    }

    /// Polls first after `interval` (0.5 s unless set), then waits twice as long each time,
    /// up to the [`max_poll_interval`](Self::max_poll_interval).
    pub fn first_poll_interval(mut self, interval: Duration) -> Self {
        self.first_interval = interval;
        self
    }

    /// Polls at most `interval` apart (10 s unless set).
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Polls until the operation is done, for at most 10 minutes, and gives its result. The
    /// handle keeps what each poll answered; once done, waiting again gives the same result
    /// without polling.
    ///
    /// # Errors
    ///
    /// [`Error::OperationFailed`] when the operation ended in an error,
    /// [`Error::OperationTimeout`] (with the id) when it is not done in time,
    /// [`Error::UnexpectedResult`] when its result is not of the declared type,
    /// [`Error::OperationMismatch`] when a poll answers for another operation, and the errors
    /// of the polling calls themselves, which are retried as any GET is.
    pub async fn wait(&mut self) -> Result<R, Error<E>> {
        self.wait_for(DEFAULT_OPERATION_TIMEOUT).await
    }

    /// Like [`wait`](Self::wait), for at most `timeout`: a poll gets at most what is left of
    /// it, so the wait ends in time even when the server does not answer.
    ///
    /// # Errors
    ///
    /// As [`wait`](Self::wait).
    pub async fn wait_for(&mut self, timeout: Duration) -> Result<R, Error<E>> {
        // The transport's clock: a test double's waits take no real time.
        let transport = std::sync::Arc::clone(&self.core.shared.transport);
        let started = transport.now();
        let deadline = started.checked_add(timeout);
        let time_left = || deadline.map_or(Duration::MAX, |deadline| deadline.saturating_duration_since(transport.now()));
        let mut interval = self.first_interval.min(self.max_interval);
        while !self.is_done() {
            let left = time_left();
            if left.is_zero() {
                return Err(self.timed_out(transport.now() - started));
            }
            transport.pause(interval.min(left)).await;
            let left = time_left();
            match self.poll_once(left).await {
                Err(Error::Timeout(timeout)) if timeout.limit == TimeoutLimit::Call && timeout.limit_value >= left => {
                    return Err(self.timed_out(transport.now() - started));
                }
                other => other?,
            }
            tracing::debug!(operation = %self.id, done = self.is_done(), "polled");
            interval = interval.saturating_mul(2).min(self.max_interval);
        }
        self.result()
    }

    fn timed_out(&self, waited: Duration) -> Error<E> {
        Error::OperationTimeout { id: self.id.clone(), waited }
    }

    /// Polls once, within `left` (and the client's own call timeout), checks that the answer
    /// is about this operation, and keeps it.
    async fn poll_once(&mut self, left: Duration) -> Result<(), Error<E>> {
        let poll = self.poll;
        let request = Request::new(&poll.operation)
            .path(poll.path_before)
            .path_param(poll.id_param, self.id.as_str())
            .path(poll.path_after)
            .redacting(&self.secrets);
        let bounded;
        let core = if left < self.core.settings.call_timeout {
            bounded = self.core.with_options(CallOptions::new().timeout(left));
            &bounded
        } else {
            &self.core
        };
        let answer = core.send_with(request, |answer| decode_operation::<O>(&answer.body)).await?;
        let status = answer.status();
        let (operation, state) = answer.into_body();
        if let Some(found) = state.id.as_deref().filter(|found| *found != self.id) {
            let found = self.redactor().redact(found).chars().take(100).collect();
            return Err(Error::OperationMismatch { id: self.id.clone(), found });
        }
        self.operation = Some(operation);
        self.state = state;
        self.status = status;
        Ok(())
    }

    /// What redacts the operation's answers: the API's secret fields, the client's
    /// credentials and the secrets the starting call sent.
    fn redactor(&self) -> Redactor<'_> {
        Redactor::new(&self.core.shared.secret_keys, self.core.shared.credentials.secret_forms()).with_sent(&self.secrets)
    }

    /// The result of the finished operation: its error, or its response checked against the
    /// declared type and decoded.
    fn result(&self) -> Result<R, Error<E>> {
        if let Some(status) = &self.state.error {
            let redactor = self.redactor();
            let mut message = redactor.redact(&status.message).into_owned();
            keep_at_most_kept_bytes(&mut message);
            let mut details = status.details.clone();
            details.iter_mut().for_each(|detail| redactor.redact_json(detail));
            let failure = OperationFailure { id: self.id.clone(), code: status.code, message, details };
            return Err(Error::OperationFailed(Box::new(failure)));
        }
        let unexpected = |found: String| Error::UnexpectedResult { id: self.id.clone(), expected: self.poll.result_type.to_owned(), found };
        let Some(serde_json::Value::Object(response)) = &self.state.response else {
            return Err(unexpected("nothing".to_owned()));
        };
        let found = response.get("@type").and_then(serde_json::Value::as_str).unwrap_or_default();
        if !names_type(found, self.poll.result_type) {
            return Err(unexpected(found.to_owned()));
        }
        let mut fields = response.clone();
        fields.remove("@type");
        serde_json::from_value(serde_json::Value::Object(fields)).map_err(|source| {
            let redactor = self.redactor();
            let mut kept = serde_json::Value::Object(response.clone());
            redactor.redact_json(&mut kept);
            let mut raw_body = kept.to_string();
            keep_at_most_kept_bytes(&mut raw_body);
            Error::Decode {
                status: self.status,
                reason: redactor
                    .redact(&format!("the operation's response does not match `{}`: {source}", self.poll.result_type))
                    .into_owned(),
                raw_body,
            }
        })
    }
}

/// An operation answer, as its declared type and as what every operation says.
fn decode_operation<O: DeserializeOwned>(body: &[u8]) -> Result<(O, State), serde_json::Error> {
    Ok((serde_json::from_slice(body)?, serde_json::from_slice(body)?))
}

/// Whether a type URL (`type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User`) names
/// `expected`: the whole message name, or its last part when only that is known.
fn names_type(type_url: &str, expected: &str) -> bool {
    let name = type_url.rsplit('/').next().unwrap_or(type_url);
    name == expected || (!expected.contains('.') && name.rsplit('.').next() == Some(expected))
}

#[cfg(test)]
mod tests {
    use super::names_type;

    #[test]
    fn type_urls_name_their_message() {
        let url = "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User";
        assert!(names_type(url, "yandex.cloud.mdb.mongodb.v1.User"));
        assert!(names_type(url, "User"));
        assert!(!names_type(url, "yandex.cloud.mdb.mongodb.v1.Cluster"));
        assert!(!names_type("type.googleapis.com/x.SuperUser", "User"));
        assert!(!names_type("", "User"));
    }
}
