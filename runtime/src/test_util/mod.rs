//! Test doubles: a transport that answers a client's calls in process, by rules an app's tests
//! set up, so that an app can test its own code without a network. The whole client runs as
//! in production (its builder, validation, masks, idempotency keys, retries, redaction and
//! decoding); only the transport is replaced, no port is opened, and no retry or poll waits.
//!
//! Each generated API module has a `test_util::Double` (with the Cargo feature `test-util`)
//! that makes a rule per operation, typed with the operation's own call, answer and error
//! types; this module is what those rules share.

use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::serde_helpers::server_side;
use crate::transport::AttemptRequest;
use crate::{ApiClient, ClientBuilder, Credential, LongRunning, Poll, SchemeKind};

mod clock;
mod history;
mod lenient;
mod read_back;
mod rule;
mod transport;

pub use history::AppCall;
#[doc(hidden)]
pub use read_back::*;
pub use rule::Rule;
#[doc(hidden)]
pub use rule::{failed_operation, finished_operation};
pub use transport::UnmatchedCall;

use clock::Clock;
use history::History;
use rule::AnyRule;
use transport::{DoubleTransport, ScriptedOperation};

/// A call of one operation as the app made it, in the API's own terms: the parameters by
/// their Rust names, the body as its Rust type, and the update mask the client computed.
/// Generated for every operation, and implemented by generated code only: it may gain items in
/// any release.
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

/// A call of an operation that starts a long-running operation; implemented by generated code
/// only, as [`Call`].
pub trait LongRunningCall: Call {
    /// The result the operation ends with.
    type Result: Serialize;
    /// How the API polls its operations.
    const POLL: &'static Poll;

    /// The metadata of the operation `request` starts, as the server sends it (its `@type`
    /// included); `None` when the spec names no metadata type.
    fn metadata(request: &AttemptRequest) -> Option<serde_json::Value> {
        let _ = request;
        None
    }
}

#[doc(hidden)]
/// The metadata of type `M`, its message type named `message_type`, of the operation `request`
/// starts: its fields named like a path parameter of `request` hold that parameter's value,
/// the others their defaults.
pub fn metadata<M: Serialize + DeserializeOwned + Default>(request: &AttemptRequest, message_type: &str) -> Option<serde_json::Value> {
    let template = request.operation.path;
    let names = template.split('{').skip(1).filter_map(|piece| piece.split_once('}').map(|(name, _)| name));
    let values = path_params(request, template).unwrap_or_default();
    let fields: serde_json::Map<String, serde_json::Value> =
        names.zip(values).map(|(name, value)| (name.to_owned(), serde_json::Value::String(value))).collect();
    let typed: M = server_side::run(|| serde_json::from_value(serde_json::Value::Object(fields)).unwrap_or_default());
    let mut metadata = server_side::run(|| serde_json::to_value(typed)).ok()?;
    if let serde_json::Value::Object(fields) = &mut metadata {
        fields.insert("@type".to_owned(), serde_json::Value::String(format!("type.googleapis.com/{message_type}")));
    }
    Some(metadata)
}

/// How each operation of an API shows a call in messages: its `operationId`, and what reads
/// and prints the call.
#[doc(hidden)]
pub type Describers = &'static [(&'static str, fn(&AttemptRequest) -> String)];

/// Shows a call of `C` as its `Debug` does (secrets are `Secret`s there, shown as `***`).
#[doc(hidden)]
pub fn describe<C: Call>(request: &AttemptRequest) -> String {
    match server_side::run(|| C::decode(request)) {
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
    /// Whether a call no rule answers is an error rather than a panic.
    unmatched_allowed: AtomicBool,
    clock: Clock,
    history: History,
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
        let shared = Shared {
            describers,
            rules: Mutex::default(),
            operations: Mutex::default(),
            started: AtomicU64::new(0),
            unmatched_allowed: AtomicBool::new(false),
            clock: Clock::default(),
            history: History::default(),
        };
        Self { shared: Arc::new(shared) }
    }

    /// Makes a call no rule answers fail with `Error::Transport` (its message naming the
    /// operation, showing the call and the rules tried) instead of panicking: for a test of how
    /// the app copes with a failed exchange.
    pub fn allow_unmatched(&self) {
        self.shared.unmatched_allowed.store(true, Ordering::SeqCst);
    }

    /// Every call the app made to this double, polls included, in order: one entry per call,
    /// with how each of its attempts was answered.
    pub fn history(&self) -> Vec<AppCall> {
        self.shared.history.calls()
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
        let (rule, offered) = Rule::new(number);
        rules.push(offered);
        rule
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
        if std::thread::panicking() {
            return;
        }
        if let Some(message) = self.unmet() {
            panic!("{message}");
        }
    }
}
