//! Test doubles: a transport that answers a client's calls in process, by rules an app's tests
//! set up, so that an app can test its own code without a network. The whole client runs as
//! in production (its builder, validation, masks, idempotency keys, retries, redaction and
//! decoding); only the transport is replaced, no port is opened, and no retry or poll waits.
//!
//! Each generated API module has a `test_util::Double` (with the Cargo feature `test-util`)
//! that makes a rule per operation, typed with the operation's own call, answer and error
//! types; this module is what those rules share.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::transport::{Answer, AttemptRequest, ReadLimits, Sending, Transport, TransportFailure};
use crate::{ApiClient, ClientBuilder, Credential, LongRunning, Poll, SchemeKind};

mod lenient;
mod read_back;

pub use read_back::*;

/// A call of one operation as the app made it, in the API's own terms: the parameters by
/// their Rust names, the body as its Rust type, and the update mask the client computed.
/// Generated for every operation.
pub trait Call: fmt::Debug + Clone + Send + 'static {
    /// The body of a 2xx answer.
    type Success;
    /// The body of an answer outside 2xx.
    type ErrorBody: Serialize;
    /// The operation's `operationId`.
    const OPERATION: &'static str;
    /// The 2xx statuses the spec declares, the first one given by [`Rule::ok`].
    const SUCCESS_STATUSES: &'static [u16];
    /// The other statuses the spec declares: codes (`"404"`), ranges (`"4XX"`) or
    /// `"default"`.
    const ERROR_STATUSES: &'static [&'static str];
    /// Whether a 2xx answer has a body.
    const SUCCESS_HAS_BODY: bool;

    /// Reads the call back from the request the client sent.
    ///
    /// # Errors
    ///
    /// What could not be read, when the request is not one of this operation's.
    fn decode(request: &AttemptRequest) -> Result<Self, String>;

    /// The body of a 2xx answer carrying `body`, and its media type.
    fn encode_success(body: &Self::Success) -> (Bytes, Option<&'static str>);
}

/// A call of an operation that starts a long-running operation.
pub trait LongRunningCall: Call {
    /// The result the operation ends with.
    type Result: Serialize;
    /// How the API polls its operations.
    const POLL: &'static Poll;
}

/// How each operation of an API shows a call in messages: its `operationId`, and what reads
/// and prints the call.
pub type Describers = &'static [(&'static str, fn(&AttemptRequest) -> String)];

/// Shows a call of `C` as its `Debug` does (secrets are `Secret`s there, shown as `***`).
pub fn describe<C: Call>(request: &AttemptRequest) -> String {
    match C::decode(request) {
        Ok(call) => format!("{call:#?}"),
        Err(reason) => format!("a {} request that does not read back ({reason})", C::OPERATION),
    }
}

/// The rules of one API's double, and the long-running operations they started.
pub struct Double {
    shared: Arc<Shared>,
}

struct Shared {
    describers: Describers,
    rules: Mutex<Vec<Arc<dyn AnyRule>>>,
    operations: Mutex<Vec<ScriptedOperation>>,
    started: AtomicU64,
}

impl fmt::Debug for Double {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Double").field("rules", &lock(&self.shared.rules).len()).finish_non_exhaustive()
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Double {
    /// A double with no rule, that shows calls with `describers`.
    pub fn new(describers: Describers) -> Self {
        let shared = Shared { describers, rules: Mutex::default(), operations: Mutex::default(), started: AtomicU64::new(0) };
        Self { shared: Arc::new(shared) }
    }

    /// A client builder of `A` whose calls go to this double, with a test credential for each
    /// security scheme of its API.
    pub fn builder<A: ApiClient>(&self) -> ClientBuilder<A> {
        let mut builder = ClientBuilder::<A>::new().transport(DoubleTransport { shared: Arc::clone(&self.shared) });
        let mut token_given = false;
        for scheme in A::API.schemes {
            builder = match scheme.kind {
                SchemeKind::Bearer if !token_given => {
                    token_given = true;
                    builder.token("test-token")
                }
                SchemeKind::Bearer => builder.credential(scheme.name, Credential::bearer("test-token")),
                SchemeKind::Basic => builder.credential(scheme.name, Credential::basic("test-user", "test-password")),
                SchemeKind::ApiKeyHeader(_) | SchemeKind::ApiKeyQuery(_) => {
                    builder.credential(scheme.name, Credential::api_key("test-key"))
                }
            };
        }
        builder
    }

    /// A client of `A` whose calls go to this double.
    ///
    /// # Panics
    ///
    /// Never for a spec the generator accepts: the builder's settings are fixed.
    pub fn client<A: ApiClient>(&self) -> A {
        match self.builder::<A>().build() {
            Ok(client) => client,
            Err(error) => panic!("the double's client cannot be built: {error}"),
        }
    }

    /// The handle of an operation of `C`'s kind that is done with `result`, on a client of `A`:
    /// what a fake of the app's own returns, whose `wait` gives `result` at once.
    pub fn finished<A: ApiClient, C: LongRunningCall>(&self, result: &C::Result) -> LongRunning<C::Success, C::Result, C::ErrorBody>
    where
        C::Success: DeserializeOwned,
        C::Result: DeserializeOwned,
        C::ErrorBody: DeserializeOwned,
    {
        self.handle::<A, C>(&finished_operation::<C>("operation-finished", result))
    }

    /// The handle of an operation of `C`'s kind that failed with `code` (`google.rpc.Code`) and
    /// `message`, on a client of `A`: its `wait` gives the failure at once.
    pub fn failed<A: ApiClient, C: LongRunningCall>(&self, code: i64, message: &str) -> LongRunning<C::Success, C::Result, C::ErrorBody>
    where
        C::Success: DeserializeOwned,
        C::Result: DeserializeOwned,
        C::ErrorBody: DeserializeOwned,
    {
        self.handle::<A, C>(&failed_operation("operation-failed", code, message))
    }

    fn handle<A: ApiClient, C: LongRunningCall>(&self, answer: &serde_json::Value) -> LongRunning<C::Success, C::Result, C::ErrorBody>
    where
        C::Success: DeserializeOwned,
        C::Result: DeserializeOwned,
        C::ErrorBody: DeserializeOwned,
    {
        let client: A = self.client();
        match LongRunning::for_test(client.core().clone(), C::POLL, answer) {
            Ok(handle) => handle,
            Err(error) => panic!("the operation type of `{}` does not read a minimal operation ({answer}): {error}", C::OPERATION),
        }
    }

    /// A new rule for calls of `C`'s operation, tried after the rules made before it.
    pub fn rule<C: Call>(&self) -> Rule<C> {
        let mut rules = lock(&self.shared.rules);
        let number = rules.iter().filter(|rule| rule.operation() == C::OPERATION).count() + 1;
        let state = Arc::new(RuleState::<C> {
            number,
            predicate: Mutex::new(None),
            answers: Mutex::default(),
            expected: Mutex::new(None),
            calls: Mutex::default(),
        });
        rules.push(Arc::clone(&state) as Arc<dyn AnyRule>);
        Rule { state }
    }

    /// Checks every rule given an expected count ([`Rule::times`]).
    ///
    /// # Panics
    ///
    /// With every rule that matched another number of calls than expected.
    pub fn verify(&self) {
        if let Some(message) = self.unmet() {
            panic!("{message}");
        }
    }

    fn unmet(&self) -> Option<String> {
        let unmet: Vec<String> = lock(&self.shared.rules).iter().filter_map(|rule| rule.unmet()).collect();
        (!unmet.is_empty()).then(|| format!("the double's expectations are not met:\n{}", unmet.join("\n")))
    }
}

impl Drop for Double {
    /// Checks the expected counts, unless the test is failing already.
    fn drop(&mut self) {
        if !std::thread::panicking()
            && let Some(message) = self.unmet()
        {
            panic!("{message}");
        }
    }
}

/// A rule for the calls of one operation: which calls it takes ([`when`](Self::when)), what
/// it answers them in turn (the last answer again for every call after), and how many it
/// expects ([`times`](Self::times)). It records every call it takes
/// ([`calls`](Self::calls)). Cloning gives another handle on the same rule.
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

struct RuleState<C: Call> {
    /// Its number among the rules of its operation, from 1.
    number: usize,
    predicate: Mutex<Option<Predicate<C>>>,
    answers: Mutex<Vec<Reply>>,
    expected: Mutex<Option<usize>>,
    calls: Mutex<Vec<C>>,
}

/// One answer of a rule.
#[derive(Clone)]
enum Reply {
    /// An HTTP answer.
    Http { status: u16, headers: Vec<(HeaderName, HeaderValue)>, body: Bytes },
    /// A long-running operation: its start, then polls.
    LongRunning { poll: &'static Poll, running: usize, end: End },
}

/// How a scripted long-running operation ends.
#[derive(Clone)]
enum End {
    /// With this `response` (its `@type` included).
    Done(serde_json::Value),
    /// With this `error`.
    Failed { code: i64, message: String },
}

impl<C: Call> Rule<C> {
    /// Takes only the calls `predicate` accepts (every call of the operation otherwise).
    #[must_use]
    pub fn when(self, predicate: impl Fn(&C) -> bool + Send + Sync + 'static) -> Self {
        *lock(&self.state.predicate) = Some(Box::new(predicate));
        self
    }

    /// Expects exactly `count` calls: checked by the double's `verify`, and when it is
    /// dropped.
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
        let (body, media_type) = C::encode_success(&body);
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
        let body = serde_json::to_vec(&body).unwrap_or_default();
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
    /// for a wait. The client's wait is not a real one with a double.
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

    /// The calls this rule took, in order.
    pub fn calls(&self) -> Vec<C> {
        lock(&self.state.calls).clone()
    }

    /// How many calls this rule took.
    pub fn count(&self) -> usize {
        lock(&self.state.calls).len()
    }
}

impl<C: LongRunningCall> Rule<C> {
    /// Starts a long-running operation that answers "running" to its first `polls` polls,
    /// then is done with `result`.
    #[must_use]
    pub fn done_after(self, polls: usize, result: C::Result) -> Self {
        self.push(Reply::LongRunning { poll: C::POLL, running: polls, end: End::Done(typed_response::<C>(&result)) })
    }

    /// Starts a long-running operation that answers "running" to its first `polls` polls,
    /// then fails with `code` (`google.rpc.Code`) and `message`.
    #[must_use]
    pub fn failed_after(self, polls: usize, code: i64, message: impl Into<String>) -> Self {
        self.push(Reply::LongRunning { poll: C::POLL, running: polls, end: End::Failed { code, message: message.into() } })
    }
}

/// `result` as an operation's `response`: its fields and its `@type`.
fn typed_response<C: LongRunningCall>(result: &C::Result) -> serde_json::Value {
    let mut response = serde_json::to_value(result).unwrap_or_default();
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

fn content_type(media_type: Option<&'static str>) -> Vec<(HeaderName, HeaderValue)> {
    media_type.map(|media_type| (CONTENT_TYPE, HeaderValue::from_static(media_type))).into_iter().collect()
}

/// A rule, whatever its operation's call type.
trait AnyRule: Send + Sync {
    fn operation(&self) -> &'static str;
    /// Takes `request` when it is this rule's: its answer, or why it declined.
    fn offer(&self, request: &AttemptRequest) -> Offer;
    fn describe(&self) -> String;
    /// What is wrong with its count, when it expects one.
    fn unmet(&self) -> Option<String>;
}

enum Offer {
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
        let call = match C::decode(request) {
            Ok(call) => call,
            Err(reason) => return Offer::Declined(format!("the request does not read back: {reason}")),
        };
        if let Some(predicate) = lock(&self.predicate).as_ref()
            && !predicate(&call)
        {
            return Offer::Declined("its predicate refused the call".to_owned());
        }
        let mut calls = lock(&self.calls);
        let taken = calls.len();
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

/// A long-running operation a rule started, answering its polls.
struct ScriptedOperation {
    id: String,
    poll: &'static Poll,
    running: usize,
    end: End,
}

/// The transport of a [`Double`].
struct DoubleTransport {
    shared: Arc<Shared>,
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
