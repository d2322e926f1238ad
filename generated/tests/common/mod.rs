//! Helpers shared by the wire tests: a local HTTP server and a look at what reached it.

#![allow(dead_code, clippy::expect_used)]

use std::time::Duration;

use dbaas_clients::runtime::RetryPolicy;
use wiremock::{MockServer, Request};

/// Retries as the default policy does, with waits short enough for tests.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(20)).max_backoff(Duration::from_millis(50))
}

/// The one request the server received; fails the test if there were more or fewer.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {}", requests.len());
    requests.remove(0)
}

/// Whether no request reached the server.
pub async fn nothing_sent(server: &MockServer) -> bool {
    server.received_requests().await.expect("request recording is on").is_empty()
}

/// A header of a received request, as text.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// The `User-Agent` every request must carry.
pub fn user_agent() -> String {
    format!("dbaas-clients/{}", env!("CARGO_PKG_VERSION"))
}
