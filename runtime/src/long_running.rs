//! Long-running operations: the handle a call that starts one returns, which polls until the
//! operation is done and gives its typed result.

use std::fmt;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::error::{KEPT_BODY_BYTES, OperationFailure, TimeoutLimit};
use super::redact::{Redactor, SecretForms};
use super::{CallOptions, ClientCore, Error, Operation, Request};

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

/// The first poll comes this soon after the operation started.
const FIRST_POLL: Duration = Duration::from_millis(500);

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
/// [`wait`](Self::wait) polls until the operation is done and gives the result; the
/// operation's [`id`](Self::id) can be stored, and the generated client's `resume_...`
/// method makes the same handle from it later.
pub struct LongRunning<O, R, E> {
    core: ClientCore,
    poll: &'static Poll,
    id: String,
    operation: Option<O>,
    state: State,
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
    /// The handle of an operation a call just started, from its answer's body; `secrets` are
    /// those the call sent.
    pub(crate) fn started(
        core: ClientCore,
        poll: &'static Poll,
        body: &[u8],
        secrets: Vec<SecretForms>,
    ) -> Result<Self, serde_json::Error> {
        let operation: O = serde_json::from_slice(body)?;
        let state: State = serde_json::from_slice(body)?;
        let id = state.id.clone().unwrap_or_default();
        let operation = Some(operation);
        Ok(Self { core, poll, id, operation, state, max_interval: DEFAULT_MAX_POLL_INTERVAL, secrets, types: PhantomData })
    }

    /// The handle of an operation known by its id only (stored after an earlier call).
    #[doc(hidden)]
    pub fn resume(core: ClientCore, poll: &'static Poll, id: impl Into<String>) -> Self {
        let id = id.into();
        let state = State { id: Some(id.clone()), ..State::default() };
        Self { core, poll, id, operation: None, state, max_interval: DEFAULT_MAX_POLL_INTERVAL, secrets: Vec::new(), types: PhantomData }
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

    /// Whether the server has said the operation is done.
    pub fn is_done(&self) -> bool {
        self.state.done == Some(true)
    }

    /// Polls at most `interval` apart (10 s unless set); polls start within a second and back
    /// off exponentially up to it.
    pub fn max_poll_interval(mut self, interval: Duration) -> Self {
        self.max_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Polls until the operation is done, for at most 10 minutes, and gives its result.
    ///
    /// # Errors
    ///
    /// [`Error::OperationFailed`] when the operation ended in an error,
    /// [`Error::OperationTimeout`] (with the id) when it is not done in time,
    /// [`Error::UnexpectedResult`] when its result is not of the declared type, and the
    /// errors of the polling calls themselves, which are retried as any GET is.
    pub async fn wait(&self) -> Result<R, Error<E>> {
        self.wait_for(DEFAULT_OPERATION_TIMEOUT).await
    }

    /// Like [`wait`](Self::wait), for at most `timeout`: a poll gets at most what is left of
    /// it, so the wait ends in time even when the server does not answer.
    ///
    /// # Errors
    ///
    /// As [`wait`](Self::wait); [`Error::OperationMismatch`] when a poll answers with another
    /// operation than this one.
    pub async fn wait_for(&self, timeout: Duration) -> Result<R, Error<E>> {
        if self.is_done() {
            return self.result(&self.state);
        }
        let started = Instant::now();
        let deadline = started.checked_add(timeout);
        let mut interval = FIRST_POLL.min(self.max_interval);
        loop {
            let left = deadline.map_or(Duration::MAX, |deadline| deadline.saturating_duration_since(Instant::now()));
            if left.is_zero() {
                return Err(self.timed_out(started));
            }
            tokio::time::sleep(interval.min(left)).await;
            let left = deadline.map_or(Duration::MAX, |deadline| deadline.saturating_duration_since(Instant::now()));
            let state = match self.poll_once(left).await {
                Err(Error::Timeout(timeout)) if timeout.limit == TimeoutLimit::Call && timeout.limit_value >= left => {
                    return Err(self.timed_out(started));
                }
                other => other?,
            };
            if state.done == Some(true) {
                return self.result(&state);
            }
            tracing::debug!(operation = %self.id, "operation not done yet");
            interval = interval.saturating_mul(2).min(self.max_interval);
        }
    }

    fn timed_out(&self, started: Instant) -> Error<E> {
        Error::OperationTimeout { id: self.id.clone(), waited: started.elapsed() }
    }

    /// Polls once, within `left` (and the client's own call timeout), and checks that the
    /// answer is about this operation.
    async fn poll_once(&self, left: Duration) -> Result<State, Error<E>> {
        let poll = self.poll;
        let request =
            Request::new(&poll.operation).path(poll.path_before).path_param(poll.id_param, self.id.as_str()).path(poll.path_after);
        let core =
            if left < self.core.settings.call_timeout { &self.core.with_options(CallOptions::new().timeout(left)) } else { &self.core };
        let state = core.send_json::<State, E>(request).await?.into_body();
        if let Some(found) = state.id.as_deref().filter(|found| *found != self.id) {
            let found = self.redactor().redact(found).chars().take(100).collect();
            return Err(Error::OperationMismatch { id: self.id.clone(), found });
        }
        Ok(state)
    }

    /// What redacts the operation's answers: the API's secret fields, the client's
    /// credentials and the secrets the starting call sent.
    fn redactor(&self) -> Redactor<'_> {
        Redactor::new(&self.core.shared.secret_keys, self.core.shared.credentials.secret_forms()).with_sent(&self.secrets)
    }

    /// The result of a finished operation: its error, or its response checked against the
    /// declared type and decoded.
    fn result(&self, state: &State) -> Result<R, Error<E>> {
        if let Some(status) = &state.error {
            let redactor = self.redactor();
            let mut message = redactor.redact(&status.message).into_owned();
            if message.len() > KEPT_BODY_BYTES {
                let cut = (0..=KEPT_BODY_BYTES).rev().find(|at| message.is_char_boundary(*at)).unwrap_or(0);
                message.truncate(cut);
            }
            let mut details = status.details.clone();
            details.iter_mut().for_each(|detail| redactor.redact_json(detail));
            let failure = OperationFailure { id: self.id.clone(), code: status.code, message, details };
            return Err(Error::OperationFailed(Box::new(failure)));
        }
        let unexpected = |found: String| Error::UnexpectedResult { id: self.id.clone(), expected: self.poll.result_type.to_owned(), found };
        let Some(serde_json::Value::Object(response)) = &state.response else {
            return Err(unexpected("nothing".to_owned()));
        };
        let found = response.get("@type").and_then(serde_json::Value::as_str).unwrap_or_default();
        if !names_type(found, self.poll.result_type) {
            return Err(unexpected(found.to_owned()));
        }
        let mut fields = response.clone();
        fields.remove("@type");
        serde_json::from_value(serde_json::Value::Object(fields)).map_err(|source| Error::Decode {
            status: 200,
            reason: format!("the operation's response does not match `{}`: {source}", self.poll.result_type),
            raw_body: String::new(),
        })
    }
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
