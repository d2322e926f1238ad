//! The transport of a double: each call offered to the rules of its operation in turn, then,
//! for a poll no rule takes, answered by the long-running operation it polls.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::rule::{AnyRule, End, Offer, Reply, content_type, failed_operation};
use super::{Shared, lock, path_params};
use crate::Poll;
use crate::transport::{Answer, AttemptRequest, ReadLimits, Sending, Transport, TransportFailure};

/// A long-running operation a rule started, answering the polls no rule takes.
pub(super) struct ScriptedOperation {
    id: String,
    poll: &'static Poll,
    running: usize,
    end: End,
    /// Its metadata, as every answer about it carries it.
    metadata: Option<serde_json::Value>,
}

impl ScriptedOperation {
    /// The operation as the server sends it: running, or done with its end.
    fn answer(&self, done: bool) -> serde_json::Value {
        let mut operation = match (&self.end, done) {
            (_, false) => serde_json::json!({ "id": self.id, "done": false }),
            (End::Done(response), true) => serde_json::json!({ "id": self.id, "done": true, "response": response }),
            (End::Failed { code, message }, true) => failed_operation(&self.id, *code, message),
        };
        if let (Some(metadata), serde_json::Value::Object(fields)) = (&self.metadata, &mut operation) {
            fields.insert("metadata".to_owned(), metadata.clone());
        }
        operation
    }
}

/// The transport of a [`Double`](super::Double).
pub(super) struct DoubleTransport {
    pub(super) shared: Arc<Shared>,
}

/// A call no rule answers, when the double allows them
/// ([`Double::allow_unmatched`](super::Double::allow_unmatched)).
#[derive(Debug)]
pub struct UnmatchedCall {
    message: String,
}

impl fmt::Display for UnmatchedCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for UnmatchedCall {}

impl Transport for DoubleTransport {
    fn send(&self, request: AttemptRequest, limits: ReadLimits) -> Sending<'_> {
        let answer = self.answer(&request);
        let status = answer.as_ref().ok().map(|answer| answer.status);
        self.shared.history.record(request.call_id, request.operation.id, status);
        Box::pin(std::future::ready(answer.and_then(|answer| within(answer, limits))))
    }

    /// No wait is real: the double's clock moves instead.
    fn pause(&self, duration: Duration) -> Pin<Box<dyn Future<Output = ()> + Send + '_>> {
        self.shared.clock.pause(duration)
    }

    fn now(&self) -> Instant {
        self.shared.clock.now()
    }

    /// Nothing leaves the process: no token provider is asked.
    fn answers_in_process(&self) -> bool {
        true
    }
}

impl DoubleTransport {
    /// The answer of the first rule that takes `request`, else of the operation it polls, else
    /// no answer: a panic, unless the double allows unmatched calls.
    fn answer(&self, request: &AttemptRequest) -> Result<Answer, TransportFailure> {
        let rules: Vec<Arc<dyn AnyRule>> = lock(&self.shared.rules).clone();
        let mut declined = Vec::new();
        for rule in rules.iter().filter(|rule| rule.operation() == request.operation.id) {
            match rule.offer(request) {
                Offer::Taken(Some(reply)) => return Ok(self.reply(reply, request)),
                Offer::Taken(None) => {
                    let message = format!("{} took a call of `{}` but has no answer to give", rule.describe(), request.operation.id);
                    return Err(self.unanswered(message));
                }
                Offer::Declined(reason) => declined.push(format!("- {}: {reason}", rule.describe())),
            }
        }
        if let Some(answer) = self.poll(request) {
            return Ok(answer);
        }
        let call = self
            .shared
            .describers
            .iter()
            .find(|(operation, _)| *operation == request.operation.id)
            .map_or_else(|| "(a call this double cannot read)".to_owned(), |(_, describe)| describe(request));
        let tried =
            if declined.is_empty() { "no rule for this operation".to_owned() } else { format!("rules tried:\n{}", declined.join("\n")) };
        Err(self.unanswered(format!("no rule of the double answers this call of `{}`:\n{call}\n{tried}", request.operation.id)))
    }

    /// The failure of a call no rule answers: a panic that fails the test where the call was
    /// made, or, when the double allows it, an error the call ends with.
    fn unanswered(&self, message: String) -> TransportFailure {
        if !self.shared.unmatched_allowed.load(Ordering::SeqCst) {
            panic!(
                "{message}\n(a double fails every call no rule answers; `allow_unmatched()` on it makes them `Error::Transport` instead)"
            );
        }
        TransportFailure::Unanswerable(Box::new(UnmatchedCall { message }))
    }

    fn reply(&self, reply: Reply, request: &AttemptRequest) -> Answer {
        match reply {
            Reply::Http { status, headers, body } => Answer { status, headers: headers.into_iter().collect(), body },
            Reply::LongRunning { poll, running, end, metadata } => {
                let id = format!("operation-{}", self.shared.started.fetch_add(1, Ordering::SeqCst) + 1);
                let operation = ScriptedOperation { id, poll, running, end, metadata: metadata(request) };
                let started = operation.answer(false);
                lock(&self.shared.operations).push(operation);
                json_answer(&started)
            }
        }
    }

    /// The answer to a poll of an operation a rule started.
    fn poll(&self, request: &AttemptRequest) -> Option<Answer> {
        let mut operations = lock(&self.shared.operations);
        let operation = operations.iter_mut().find(|operation| {
            let poll = operation.poll;
            request.operation.id == poll.operation.id
                && path_params(request, poll.operation.path).is_ok_and(|values| values.first() == Some(&operation.id))
        })?;
        let done = operation.running == 0;
        operation.running = operation.running.saturating_sub(1);
        Some(json_answer(&operation.answer(done)))
    }
}

fn json_answer(body: &serde_json::Value) -> Answer {
    let headers: HeaderMap = content_type(Some("application/json")).into_iter().collect();
    Answer { status: 200, headers, body: Bytes::from(body.to_string()) }
}

/// `answer` as a transport reads it within `limits`.
fn within(answer: Answer, limits: ReadLimits) -> Result<Answer, TransportFailure> {
    let size = answer.body.len() as u64;
    if answer.is_success() && size > limits.success {
        return Err(TransportFailure::BodyTooLarge { status: answer.status, declared: Some(size) });
    }
    if !answer.is_success() && size > limits.error {
        let cut = usize::try_from(limits.error).unwrap_or(usize::MAX);
        return Ok(Answer { body: answer.body.slice(..cut), ..answer });
    }
    Ok(answer)
}
