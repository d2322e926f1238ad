//! What a caller sees besides the body, and what the tracing span records.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::quick_retries;
use dbaas_clients::runtime::{Patch, RateLimit};
use dbaas_clients::yandex_mongodb::{Client, types};
use serde_json::json;
use tracing_subscriber::fmt::format::FmtSpan;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "iam-token-xyz";
const PASSWORD: &str = "n3w-passw0rd";
const USER: &str = "secret-user-name";

fn operation() -> serde_json::Value {
    json!({"id": "op-1", "done": false})
}

fn password_only() -> types::UpdateUserRequest {
    types::UpdateUserRequest { password: Patch::Set(PASSWORD.into()), ..Default::default() }
}

#[tokio::test]
async fn a_success_exposes_the_status_the_headers_the_request_id_and_the_rate_limit() {
    let server = MockServer::start().await;
    let template = ResponseTemplate::new(200)
        .insert_header("X-Request-Id", "req-123")
        .insert_header("RateLimit-Limit", "5000")
        .insert_header("RateLimit-Remaining", "4999")
        .insert_header("RateLimit-Reset", "1767225600")
        .set_body_json(operation());
    Mock::given(any()).respond_with(template).mount(&server).await;
    let client = Client::builder().token(TOKEN).base_url(server.uri()).build().unwrap();
    let answer = client.get_operation("op-1").await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.request_id(), Some("req-123"));
    assert_eq!(answer.header("ratelimit-remaining"), Some("4999"));
    let limit = answer.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining, limit.reset), (Some(5000), Some(4999), Some(1_767_225_600)));
    assert_eq!(answer.id.as_deref(), Some("op-1"), "the body's fields read through the answer");
    let operation: types::Operation = answer.into_body();
    assert_eq!(operation.done, Some(false));
    let _: Option<RateLimit> = None;
}

/// A writer the test subscriber prints into.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn one_span_per_call_records_the_call_and_no_secret() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(operation())).mount(&server).await;
    let client = Client::builder().token(TOKEN).base_url(server.uri()).retry(quick_retries()).build().unwrap();

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    client.update_user("c9qgcm4nv7ajkbj8d3bq", USER, &password_only()).await.unwrap();
    drop(_guard);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    for field in [
        "operation_id=\"update_user\"",
        "method=PATCH",
        "path=\"/managed-mongodb/v1/clusters/{clusterId}/users/{userName}\"",
        // Two attempts, or more when a slow machine times an attempt out.
        "attempts=",
        "status=200",
        "latency_ms=",
        "retrying",
        "reason=",
    ] {
        assert!(log.contains(field), "`{field}` is missing from:\n{log}");
    }
    for secret in [TOKEN, PASSWORD, USER, "c9qgcm4nv7ajkbj8d3bq"] {
        assert!(!log.contains(secret), "`{secret}` leaked into:\n{log}");
    }
}
