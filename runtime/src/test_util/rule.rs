//! The rules of a double: which calls of an operation each takes, and what it answers them.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderName, HeaderValue, RETRY_AFTER};

use super::{Call, LongRunningCall, lock};
use crate::Poll;
use crate::serde_helpers::server_side;
use crate::transport::AttemptRequest;

/// A rule for the calls of one operation: which calls it takes ([`when`](Self::when)), what
/// it answers them in turn (the last answer again for every call after, unless it has a
/// count), and how many it takes ([`times`](Self::times): after that many it takes no more,
/// so a later rule answers the calls after them). It records every attempt it takes
/// ([`calls`](Self::calls)). Cloning gives another handle on the same rule.
///
/// Rules are tried in the order they were made: the first whose `when` accepts a call and
/// whose count is not reached answers it.
///
/// # Answering each kind of operation
///
/// With a generated module's `test_util::Double` (`dbaas_clients::yandex_mongodb::test_util`,
/// say); `sample-app/tests/doubles.rs` runs each of these:
///
/// | the operation answers | the rule |
/// |---|---|
/// | a JSON body | `.ok(body)` (the first 2xx the spec declares), `.ok_with_status(200, body)` |
/// | no body (a delete's `204`) | `.status(204)`, or `.ok(())` for the first 2xx declared |
/// | a long-running operation | `.done_after(polls, result)`; a delete's result is `types::Empty {}` |
/// | a failed long-running operation | `.failed_after(polls, code, message)` |
/// | an error the spec declares | `.error(404, error_body)` |
/// | a server's refusal | `.status(503)`, `.status(429).retry_after(Duration::from_secs(30))` |
/// | a body the client cannot decode | `.malformed(200, "{")` |
/// | pages of a list | one rule per page: `.when(\|call\| call.page_token.is_none()).ok(first)`, `.when(\|call\| call.page_token.as_deref() == Some("p2")).ok(last)` |
/// | a sequence | rules with counts, in order: `.times(1).status(503)`, then `.times(1).ok(body)` |
///
/// ```ignore
/// let double = Double::new();
/// let _deleted = double.delete_user().done_after(1, types::Empty {});
/// let _first = double.list_users().when(|call| call.page_token.is_none()).ok(first_page);
/// let _busy = double.get_user().times(1).status(503);
/// let _then = double.get_user().ok(user);
/// ```
pub struct Rule<C: Call> {
    state: Arc<RuleState<C>>,
}

impl<C: Call> Clone for Rule<C> {
    fn clone(&self) -> Self {
        Self { state: Arc::clone(&self.state) }
    }
}

impl<C: Call> fmt::Debug for Rule<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.state.describe())
    }
}

type Predicate<C> = Box<dyn Fn(&C) -> bool + Send + Sync>;

pub(super) struct RuleState<C: Call> {
    /// Its number among the rules of its operation, from 1.
    number: usize,
    predicate: Mutex<Option<Predicate<C>>>,
    answers: Mutex<Vec<Reply>>,
    expected: Mutex<Option<usize>>,
    calls: Mutex<Vec<C>>,
}

/// One answer of a rule.
#[derive(Clone)]
pub(super) enum Reply {
    /// An HTTP answer.
    Http { status: u16, headers: Vec<(HeaderName, HeaderValue)>, body: Bytes },
    /// A long-running operation: its start, then polls; its metadata made from the call
    /// that starts it.
    LongRunning { poll: &'static Poll, running: usize, end: End, metadata: MetadataOf },
}

/// What makes the metadata of an operation from the request that starts it.
pub(super) type MetadataOf = fn(&AttemptRequest) -> Option<serde_json::Value>;

/// How a scripted long-running operation ends.
#[derive(Clone)]
pub(super) enum End {
    /// With this `response` (its `@type` included).
    Done(serde_json::Value),
    /// With this `error`.
    Failed { code: i64, message: String },
}

impl<C: Call> Rule<C> {
    /// The rule numbered `number` among the rules of its operation, taking every call and
    /// answering none yet, and the same rule as the transport offers it calls.
    pub(super) fn new(number: usize) -> (Self, Arc<dyn AnyRule>) {
        let state = Arc::new(RuleState::<C> {
            number,
            predicate: Mutex::new(None),
            answers: Mutex::default(),
            expected: Mutex::new(None),
            calls: Mutex::default(),
        });
        (Self { state: Arc::clone(&state) }, state)
    }

    /// Takes only the calls `predicate` accepts (every call of the operation otherwise).
    #[must_use]
    pub fn when(self, predicate: impl Fn(&C) -> bool + Send + Sync + 'static) -> Self {
        *lock(&self.state.predicate) = Some(Box::new(predicate));
        self
    }

    /// Takes `count` calls at most, and expects exactly that many: checked by the double's
    /// `verify`, and when it is dropped. A call after them goes to the rules made after this
    /// one, so rules with counts answer a sequence: `rule_a.times(1)`, then `rule_b.times(2)`.
    /// Each attempt counts (a call retried after a 503 is two).
    #[must_use]
    pub fn times(self, count: usize) -> Self {
        *lock(&self.state.expected) = Some(count);
        self
    }

    /// Answers with `body` and the first 2xx status the spec declares.
    ///
    /// # Panics
    ///
    /// When the spec declares no 2xx answer for the operation.
    #[must_use]
    pub fn ok(self, body: C::Success) -> Self {
        let Some(&status) = C::SUCCESS_STATUSES.first() else {
            panic!("`{}` declares no 2xx answer: give its answers with `status` or `malformed`", C::OPERATION);
        };
        self.ok_with_status(status, body)
    }

    /// Answers with `body` and `status`, any 2xx: the client takes every 2xx as the
    /// operation's success (a server may answer 200 where the spec says 201).
    ///
    /// # Panics
    ///
    /// When `status` is not 2xx: give an error with [`error`](Self::error).
    #[must_use]
    pub fn ok_with_status(self, status: u16, body: C::Success) -> Self {
        if !(200..300).contains(&status) {
            panic!("`{}` answers {status} with its error body: give it with `error`, not `ok_with_status`", C::OPERATION);
        }
        let (body, media_type) = server_side::run(|| C::encode_success(&body));
        self.push(Reply::Http { status, headers: content_type(media_type), body })
    }

    /// Answers `status` with the error `body`.
    ///
    /// # Panics
    ///
    /// When `status` is 2xx, or the spec declares no such answer for the operation (a code,
    /// a range such as `4XX`, or `default`).
    #[must_use]
    pub fn error(self, status: u16, body: C::ErrorBody) -> Self {
        if (200..300).contains(&status) {
            panic!("`{}` answers {status} with its success body: give it with `ok_with_status`, not `error`", C::OPERATION);
        }
        if !C::ERROR_STATUSES.iter().any(|declared| covers(declared, status)) {
            panic!("`{}` declares no {status} error: the spec declares {:?}", C::OPERATION, C::ERROR_STATUSES);
        }
        let body = server_side::run(|| serde_json::to_vec(&body).unwrap_or_default());
        self.push(Reply::Http { status, headers: content_type(Some("application/json")), body: Bytes::from(body) })
    }

    /// Answers `status` with no body: an answer of the infrastructure (503, 429...), which no
    /// spec needs to declare.
    ///
    /// # Panics
    ///
    /// When `status` is 2xx and the operation's success has a body (give it with `ok`).
    #[must_use]
    pub fn status(self, status: u16) -> Self {
        if (200..300).contains(&status) && C::SUCCESS_HAS_BODY {
            panic!("`{}` answers {status} with a body: give it with `ok`, or a broken one with `malformed`", C::OPERATION);
        }
        self.push(Reply::Http { status, headers: Vec::new(), body: Bytes::new() })
    }

    /// Adds `Retry-After` (in whole seconds) to the last answer given: a 429 or 503 that asks
    /// for a wait. The client's wait is on the double's clock: it takes no real time.
    ///
    /// # Panics
    ///
    /// When no answer was given yet.
    #[must_use]
    pub fn retry_after(self, wait: Duration) -> Self {
        let mut answers = lock(&self.state.answers);
        let Some(Reply::Http { headers, .. }) = answers.last_mut() else {
            panic!("`retry_after` adds to the answer given before it: give one first");
        };
        headers.push((RETRY_AFTER, HeaderValue::from(wait.as_secs())));
        drop(answers);
        self
    }

    /// Answers `status` with `body` as it is: a body the client cannot decode, say.
    #[must_use]
    pub fn malformed(self, status: u16, body: impl Into<Bytes>) -> Self {
        self.push(Reply::Http { status, headers: content_type(Some("application/json")), body: body.into() })
    }

    fn push(self, reply: Reply) -> Self {
        lock(&self.state.answers).push(reply);
        self
    }

    /// The attempts this rule took, in order, each read back as a call: a call the client
    /// retried is here once per attempt (the double's `history` has one entry per call the
    /// app made, with its attempts).
    pub fn calls(&self) -> Vec<C> {
        lock(&self.state.calls).clone()
    }

    /// How many attempts this rule took.
    pub fn count(&self) -> usize {
        lock(&self.state.calls).len()
    }
}

impl<C: LongRunningCall> Rule<C> {
    /// Starts a long-running operation that answers "running" to its first `polls` polls,
    /// then is done with `result`. Its answers carry the operation's typed metadata when the
    /// spec names a metadata type: its fields named like a path parameter of the call that
    /// started it hold that parameter's value. The polls go through the rules first, as any
    /// call: a rule of the polling operation that takes one answers it instead.
    #[must_use]
    pub fn done_after(self, polls: usize, result: C::Result) -> Self {
        let end = End::Done(typed_response::<C>(&result));
        self.push(Reply::LongRunning { poll: C::POLL, running: polls, end, metadata: C::metadata })
    }

    /// Starts a long-running operation that answers "running" to its first `polls` polls,
    /// then fails with `code` (`google.rpc.Code`) and `message`; otherwise as
    /// [`done_after`](Self::done_after).
    #[must_use]
    pub fn failed_after(self, polls: usize, code: i64, message: impl Into<String>) -> Self {
        let end = End::Failed { code, message: message.into() };
        self.push(Reply::LongRunning { poll: C::POLL, running: polls, end, metadata: C::metadata })
    }
}

/// `result` as an operation's `response`: its fields and its `@type`.
fn typed_response<C: LongRunningCall>(result: &C::Result) -> serde_json::Value {
    let mut response = server_side::run(|| serde_json::to_value(result).unwrap_or_default());
    if let serde_json::Value::Object(fields) = &mut response {
        fields.insert("@type".to_owned(), serde_json::Value::String(format!("type.googleapis.com/{}", C::POLL.result_type)));
    }
    response
}

/// A finished operation of `C`'s kind, `id`, done with `result`, as the server sends it.
pub fn finished_operation<C: LongRunningCall>(id: &str, result: &C::Result) -> serde_json::Value {
    serde_json::json!({ "id": id, "done": true, "response": typed_response::<C>(result) })
}

/// A finished operation, `id`, that failed with `code` and `message`, as the server sends it.
pub fn failed_operation(id: &str, code: i64, message: &str) -> serde_json::Value {
    serde_json::json!({ "id": id, "done": true, "error": { "code": code, "message": message } })
}

/// Whether a declared status (`404`, `4XX`, `default`) covers `status`.
fn covers(declared: &str, status: u16) -> bool {
    match declared.as_bytes() {
        b"default" => true,
        [class, b'X' | b'x', b'X' | b'x'] => u16::from(*class).checked_sub(u16::from(b'0')) == Some(status / 100),
        _ => declared.parse::<u16>() == Ok(status),
    }
}

pub(super) fn content_type(media_type: Option<&'static str>) -> Vec<(HeaderName, HeaderValue)> {
    media_type.map(|media_type| (CONTENT_TYPE, HeaderValue::from_static(media_type))).into_iter().collect()
}

/// A rule, whatever its operation's call type.
pub(super) trait AnyRule: Send + Sync {
    fn operation(&self) -> &'static str;
    /// Takes `request` when it is this rule's: its answer, or why it declined.
    fn offer(&self, request: &AttemptRequest) -> Offer;
    fn describe(&self) -> String;
    /// What is wrong with its count, when it expects one.
    fn unmet(&self) -> Option<String>;
}

pub(super) enum Offer {
    Taken(Option<Reply>),
    Declined(String),
}

impl<C: Call> RuleState<C> {
    fn describe(&self) -> String {
        let when = if lock(&self.predicate).is_some() { "the calls its predicate accepts" } else { "every call" };
        let expected = lock(&self.expected).map(|count| format!(", expects {count}")).unwrap_or_default();
        let answers = lock(&self.answers).len();
        format!(
            "rule {} for `{}`: {when}, {answers} answer(s), took {} call(s){expected}",
            self.number,
            C::OPERATION,
            lock(&self.calls).len()
        )
    }
}

impl<C: Call> AnyRule for RuleState<C> {
    fn operation(&self) -> &'static str {
        C::OPERATION
    }

    fn offer(&self, request: &AttemptRequest) -> Offer {
        let call = match server_side::run(|| C::decode(request)) {
            Ok(call) => call,
            Err(reason) => return Offer::Declined(format!("the request does not read back: {reason}")),
        };
        if lock(&self.predicate).as_ref().is_some_and(|predicate| !predicate(&call)) {
            return Offer::Declined("its predicate refused the call".to_owned());
        }
        let mut calls = lock(&self.calls);
        let taken = calls.len();
        if let Some(expected) = lock(&self.expected).filter(|expected| taken >= *expected) {
            return Offer::Declined(format!("it has taken the {expected} call(s) it expects"));
        }
        calls.push(call);
        let answers = lock(&self.answers);
        Offer::Taken(answers.get(taken.min(answers.len().saturating_sub(1))).cloned())
    }

    fn describe(&self) -> String {
        RuleState::describe(self)
    }

    fn unmet(&self) -> Option<String> {
        let expected = (*lock(&self.expected))?;
        let took = lock(&self.calls).len();
        (took != expected).then(|| format!("- {}: expected {expected} call(s), took {took}", self.describe()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_statuses_cover_codes_ranges_and_default() {
        assert!(covers("404", 404));
        assert!(!covers("404", 405));
        assert!(covers("4XX", 418));
        assert!(!covers("4XX", 500));
        assert!(covers("default", 599));
    }
}
