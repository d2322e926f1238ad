//! What the tracing span of a call records. Alone in its test binary: tracing caches whether
//! a callsite is enabled, and a test without a subscriber running beside it would have it
//! cached as disabled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::hostile::{HostileServer, Reply, response};
use common::{leaks, quick_retries};
use dbaas_clients::runtime::Patch;
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
        "attempts=2",
        "status=200",
        "latency_ms=",
        "retrying",
        "reason=HTTP 503",
        "DEBUG",
        "call succeeded",
    ] {
        assert!(log.contains(field), "`{field}` is missing from:\n{log}");
    }
    for secret in [TOKEN, PASSWORD, USER, "c9qgcm4nv7ajkbj8d3bq"] {
        assert!(!log.contains(secret), "`{secret}` leaked into:\n{log}");
    }
}

/// A server that echoes the token and the password in every encoding, in the body and in a
/// header: the trace of the call shows none of them.
#[tokio::test]
async fn the_tracing_of_a_call_answered_with_echoes_shows_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt().with_max_level(tracing::Level::TRACE).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let echoes: Vec<String> = leaks::encodings(TOKEN).into_iter().chain(leaks::encodings(PASSWORD)).map(|(_, echo)| echo).collect();
    let body = json!({"code": 14, "message": echoes.join(" ")}).to_string();
    let echo = format!("x-echo: Bearer {TOKEN}").into_bytes();
    let server = HostileServer::start(move |_, _| Reply::Bytes(response(503, &[&echo], body.as_bytes()))).await;
    let client = Client::builder().token(TOKEN).base_url(&server.url).retry(quick_retries()).build().unwrap();
    let error = client.update_user("c9qgcm4nv7ajkbj8d3bq", USER, &password_only()).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    drop(_guard);
    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("retrying"), "the call was traced: {output}");
    leaks::assert_clean("the trace", &output, &[TOKEN, PASSWORD]);
}

/// A call that gives up ends with a WARN event naming the error's kind (never its text), its
/// span records the kind, and the polls of a long-running operation name the operation.
#[tokio::test]
async fn a_failed_call_warns_with_its_kind_and_polls_name_their_operation() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("PATCH"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({"code": 5, "message": format!("user {USER} not found")})))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("PATCH"))
        .respond_with(ResponseTemplate::new(200).set_body_json(operation()))
        .mount(&server)
        .await;
    let done =
        json!({"id": "op-1", "done": true, "response": {"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User", "name": "u"}});
    Mock::given(wiremock::matchers::method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(done)).mount(&server).await;
    let client = Client::builder().token(TOKEN).base_url(server.uri()).retry(quick_retries()).build().unwrap();

    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_max_level(tracing::Level::DEBUG)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let error = client.update_user("c9qgcm4nv7ajkbj8d3bq", USER, &password_only()).await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    let answer = client.update_user("c9qgcm4nv7ajkbj8d3bq", USER, &password_only()).await.unwrap();
    answer.into_body().first_poll_interval(std::time::Duration::from_millis(1)).wait().await.unwrap();
    drop(_guard);

    let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let failed = log.lines().find(|line| line.contains("call failed")).unwrap_or_else(|| panic!("no `call failed` event in:\n{log}"));
    assert!(failed.contains("WARN") && failed.contains("error=\"api\"") && failed.contains("status=404"), "{failed}");
    assert!(log.contains("error=\"api\""), "the span records the kind");
    let polled = log.lines().find(|line| line.contains("polled")).unwrap_or_else(|| panic!("no poll event in:\n{log}"));
    assert!(polled.contains("operation=op-1"), "{polled}");
    for secret in [TOKEN, PASSWORD, USER, "not found"] {
        assert!(!log.contains(secret), "`{secret}` leaked into:\n{log}");
    }
}
