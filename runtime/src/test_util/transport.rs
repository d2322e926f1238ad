//! The transport of a double: each call offered to the rules of its operation in turn, and
//! the long-running operations they started answered when polled.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;

use super::rule::{AnyRule, End, Offer, Reply, content_type, failed_operation};
use super::{Shared, lock, path_params};
use crate::Poll;
use crate::transport::{Answer, AttemptRequest, ReadLimits, Sending, Transport, TransportFailure};

/// A long-running operation a rule started, answering its polls.
pub(super) struct ScriptedOperation {
    id: String,
    poll: &'static Poll,
    running: usize,
    end: End,
}

/// The transport of a [`Double`].
pub(super) struct DoubleTransport {
    pub(super) shared: Arc<Shared>,
}

/// A call no rule answers.
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
        let answer = self.answer(&request).map(|answer| within(answer, limits));
        Box::pin(std::future::ready(answer.and_then(|answer| answer)))
    }

    /// No wait is real: retries and polls go on at once.
    fn pause(&self, _duration: Duration) -> std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send + '_>> {
        Box::pin(tokio::task::yield_now())
    }

    /// Nothing leaves the process: no token provider is asked.
    fn answers_in_process(&self) -> bool {
        true
    }
}

impl DoubleTransport {
    fn answer(&self, request: &AttemptRequest) -> Result<Answer, TransportFailure> {
        if let Some(answer) = self.poll(request) {
            return Ok(answer);
        }
        let rules: Vec<Arc<dyn AnyRule>> = lock(&self.shared.rules).clone();
        let mut declined = Vec::new();
        for rule in rules.iter().filter(|rule| rule.operation() == request.operation.id) {
            match rule.offer(request) {
                Offer::Taken(Some(reply)) => return Ok(self.reply(reply)),
                Offer::Taken(None) => {
                    let message = format!("{} took a call of `{}` but has no answer to give", rule.describe(), request.operation.id);
                    return Err(TransportFailure::Unanswerable(Box::new(UnmatchedCall { message })));
                }
                Offer::Declined(reason) => declined.push(format!("- {}: {reason}", rule.describe())),
            }
        }
        let call = self
            .shared
            .describers
            .iter()
            .find(|(operation, _)| *operation == request.operation.id)
            .map_or_else(|| "(a call this double cannot read)".to_owned(), |(_, describe)| describe(request));
        let tried =
            if declined.is_empty() { "no rule for this operation".to_owned() } else { format!("rules tried:\n{}", declined.join("\n")) };
        let message = format!("no rule of the double answers this call of `{}`:\n{call}\n{tried}", request.operation.id);
        Err(TransportFailure::Unanswerable(Box::new(UnmatchedCall { message })))
    }

    fn reply(&self, reply: Reply) -> Answer {
        match reply {
            Reply::Http { status, headers, body } => Answer { status, headers: headers.into_iter().collect(), body },
            Reply::LongRunning { poll, running, end } => {
                let id = format!("operation-{}", self.shared.started.fetch_add(1, Ordering::SeqCst) + 1);
                let started = serde_json::json!({ "id": id, "done": false });
                lock(&self.shared.operations).push(ScriptedOperation { id, poll, running, end });
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
        if operation.running > 0 {
            operation.running -= 1;
            return Some(json_answer(&serde_json::json!({ "id": operation.id, "done": false })));
        }
        let body = match &operation.end {
            End::Done(response) => serde_json::json!({ "id": operation.id, "done": true, "response": response }),
            End::Failed { code, message } => failed_operation(&operation.id, *code, message),
        };
        Some(json_answer(&body))
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
