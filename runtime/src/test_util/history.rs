//! What the app did, as the double saw it: one entry per call, with each of its attempts.

use std::sync::Mutex;

use super::lock;

/// One call the app made to a double (a poll of a long-running operation included): its
/// operation and how each attempt was answered. A call the client retried after a 503 is one
/// entry with two attempts, where a rule's `calls()` has both attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppCall {
    /// The `operationId` of the operation called.
    pub operation: &'static str,
    /// The HTTP status each attempt was answered with, in order; `None` for an attempt no rule
    /// answered.
    pub attempts: Vec<Option<u16>>,
}

/// The calls a double saw, in the order they were first tried.
#[derive(Default)]
pub(super) struct History {
    calls: Mutex<Vec<(u64, AppCall)>>,
}

impl History {
    /// Records an attempt of the call `call_id` of `operation`, answered with `status`.
    pub fn record(&self, call_id: u64, operation: &'static str, status: Option<u16>) {
        let mut calls = lock(&self.calls);
        match calls.iter_mut().rev().find(|(id, _)| *id == call_id) {
            Some((_, call)) => call.attempts.push(status),
            None => calls.push((call_id, AppCall { operation, attempts: vec![status] })),
        }
    }

    /// Every call, in order.
    pub fn calls(&self) -> Vec<AppCall> {
        lock(&self.calls).iter().map(|(_, call)| call.clone()).collect()
    }
}
