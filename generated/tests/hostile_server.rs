//! A misbehaving server on a raw socket, one behaviour at a time: header values at their
//! extremes, secrets echoed in every encoding, non-ASCII headers, operations that fail with
//! an echo or answer for another operation, polls that hang, more headers than a client reads
//! and more calls than connection slots. No call may panic, and no secret the call sent may
//! show in anything it returns or traces.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::hostile::{HostileServer, Reply, response};
use common::leaks::encodings;
use common::quick_retries;
use dbaas_clients::runtime::{Patch, REDACTED, RetryPolicy, TimeoutLimit};
use dbaas_clients::{digitalocean, yandex_mongodb};
use serde_json::json;

const TOKEN: &str = "tok-123456789";
const PASSWORD: &str = "n3w-passw0rd!";
const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";
/// A DigitalOcean cluster's id, a UUID.
const DO_CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const OPERATION: &str = "op1";

fn assert_clean(what: &str, text: &str) {
    common::leaks::assert_clean(what, text, &[TOKEN, PASSWORD]);
}

fn assert_all_clean(value: &(impl std::fmt::Debug + std::fmt::Display)) {
    common::leaks::assert_all_clean(value, &[TOKEN, PASSWORD]);
}

fn do_client(server: &HostileServer, retry: RetryPolicy) -> digitalocean::Client {
    digitalocean::Client::builder().token(TOKEN).base_url(&server.url).retry(retry).timeout(Duration::from_secs(5)).build().unwrap()
}

fn yandex_client(server: &HostileServer) -> yandex_mongodb::Client {
    yandex_mongodb::Client::builder().token(TOKEN).base_url(&server.url).retry(quick_retries()).build().unwrap()
}

fn settings() -> digitalocean::types::DatabasesUpdateUserRequest {
    digitalocean::types::DatabasesUpdateUserRequest { settings: Default::default() }
}

fn new_password() -> yandex_mongodb::types::UpdateUserRequest {
    yandex_mongodb::types::UpdateUserRequest { password: Patch::Set(PASSWORD.into()), ..Default::default() }
}

fn json_reply(status: u16, headers: &[&[u8]], body: &serde_json::Value) -> Reply {
    let mut all = headers.to_vec();
    all.push(b"content-type: application/json");
    Reply::Bytes(response(status, &all, body.to_string().as_bytes()))
}

fn running() -> serde_json::Value {
    json!({"id": OPERATION, "metadata": {"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata"}})
}

// ---------------------------------------------------------------------------------------
// Numbers in headers.

/// Header values a server may send for a wait, and whether each asks for a wait longer than
/// any call has.
fn wait_extremes() -> Vec<(&'static str, bool)> {
    vec![
        ("0", false),
        ("-1", false),
        ("18446744073709551615", true),
        ("9223372036854775807", true),
        ("1.5", false),
        ("Fri, 31 Dec 9999 23:59:59 GMT", true),
        ("Thu, 01 Jan 1970 00:00:00 GMT", false),
        ("Mon, 01 Jan 1900 00:00:00 GMT", false),
        ("soon", false),
        ("", false),
    ]
}

#[tokio::test]
async fn retry_after_at_its_extremes_never_panics_and_a_wait_too_long_returns_at_once() {
    for (value, too_long) in wait_extremes() {
        let header = format!("retry-after: {value}");
        let header = header.into_bytes();
        let server = HostileServer::start(move |_, _| Reply::Bytes(response(429, &[&header], b""))).await;
        // A generous bound: a sleep for the wait asked would never end.
        let (client, body) = (do_client(&server, quick_retries()), settings());
        let call = client.databases_update_user(DO_CLUSTER, "app-01", &body);
        let error = tokio::time::timeout(Duration::from_secs(30), call).await.expect("the call ends").unwrap_err();
        let digitalocean::Error::Api(api) = &error else { panic!("{value}: expected the 429, got {error:?}") };
        assert_eq!(api.status, 429, "{value}");
        let sent = server.requests().len();
        if too_long {
            assert_eq!(sent, 1, "`{value}`: a wait longer than the call has is not slept");
            assert!(api.retry_after().is_some_and(|wait| wait > Duration::from_secs(3600)), "{value}: {:?}", api.retry_after());
        } else {
            assert_eq!(sent, 3, "`{value}`: retried with a short or no wait");
        }
    }
}

#[tokio::test]
async fn a_rate_limit_reset_at_its_extremes_never_panics_on_any_status() {
    for (value, too_long) in wait_extremes() {
        let reset = format!("ratelimit-reset: {value}").into_bytes();
        for (status, retry) in [(429, quick_retries()), (404, RetryPolicy::disabled()), (500, quick_retries())] {
            let reset = reset.clone();
            let server = HostileServer::start(move |_, _| Reply::Bytes(response(status, &[b"ratelimit-remaining: 0", &reset], b""))).await;
            let error = do_client(&server, retry).databases_update_user(DO_CLUSTER, "app-01", &settings()).await.unwrap_err();
            assert_eq!(error.status(), Some(status), "{value}");
            let digitalocean::Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
            let _ = api.retry_after();
            // `ratelimit-reset` is a number: a date there is no wait at all.
            let endless = too_long && value.parse::<u64>().is_ok();
            let expected = match status {
                429 if !endless => 3,
                _ => 1,
            };
            assert_eq!(server.requests().len(), expected, "`{value}` on {status}");
        }
    }
}

#[tokio::test]
async fn a_poll_answering_an_endless_retry_after_ends_the_wait_with_the_429() {
    let server = HostileServer::start(|index, _| match index {
        0 => json_reply(200, &[], &running()),
        _ => Reply::Bytes(response(429, &[b"retry-after: 18446744073709551615"], b"")),
    })
    .await;
    let client = yandex_client(&server);
    let mut operation = client.update_user(CLUSTER, "app-01", &new_password()).await.unwrap();
    let error = operation.wait_for(Duration::from_secs(20)).await.unwrap_err();
    assert_eq!(error.status(), Some(429), "{error:?}");
    assert_eq!(server.requests().len(), 2, "one poll, not retried");
}

// ---------------------------------------------------------------------------------------
// Secrets echoed back.

#[tokio::test]
async fn every_encoding_of_an_echoed_token_is_redacted_from_a_digitalocean_error() {
    for (name, echo) in encodings(TOKEN) {
        let body = format!(r#"{{"id":"unauthorized","message":"token was Bearer {echo}, see","request_id":"r-1"}}"#);
        let header = format!("www-authenticate: Bearer realm=\"{echo}\"").into_bytes();
        let server =
            HostileServer::start(move |_, _| Reply::Bytes(response(401, &[b"content-type: application/json", &header], body.as_bytes())))
                .await;
        let error = do_client(&server, quick_retries()).databases_update_user(DO_CLUSTER, "app-01", &settings()).await.unwrap_err();
        let digitalocean::Error::Api(api) = &error else { panic!("{name}: expected an API error, got {error:?}") };
        let typed = api.body.as_ref().unwrap_or_else(|| panic!("{name}: the body stays typed: {}", api.raw_body));
        assert!(typed.message.contains(REDACTED), "{name}: {}", typed.message);
        assert_eq!(typed.request_id.as_deref(), Some("r-1"), "{name}: the rest stays readable");
        assert_all_clean(&error);
    }
}

#[tokio::test]
async fn every_encoding_of_an_echoed_token_and_password_is_redacted_from_a_yandex_error() {
    for ((name, token), (_, password)) in encodings(TOKEN).into_iter().zip(encodings(PASSWORD)) {
        let body = format!(
            r#"{{"code":16,"message":"bad credentials Bearer {token} for password {password}","details":[{{"@type":"type.googleapis.com/google.rpc.DebugInfo","note":"{password}","password":"other-secret"}}]}}"#
        );
        let server =
            HostileServer::start(move |_, _| Reply::Bytes(response(401, &[b"content-type: application/json"], body.as_bytes()))).await;
        let error = yandex_client(&server).update_user(CLUSTER, "app-01", &new_password()).await.unwrap_err();
        let yandex_mongodb::Error::Api(api) = &error else { panic!("{name}: expected an API error, got {error:?}") };
        let typed = api.body.as_ref().unwrap_or_else(|| panic!("{name}: the body stays typed: {}", api.raw_body));
        assert_eq!(typed.code, Some(16), "{name}");
        assert!(!format!("{typed:?}").contains("other-secret"), "{name}: a secret-marked key is redacted: {typed:?}");
        assert_all_clean(&error);
    }
}

#[tokio::test]
async fn a_non_ascii_header_echoing_a_secret_is_redacted_on_an_error_and_on_a_success() {
    let header = |secret: &str| [b"x-echo: \xff\xfe Bearer ".as_slice(), secret.as_bytes(), b" \xc3"].concat();
    let (token, password) = (header(TOKEN), header(PASSWORD));
    let server = HostileServer::start(move |_, _| Reply::Bytes(response(500, &[&token, &password], b"oops"))).await;
    let error = yandex_client(&server).update_user(CLUSTER, "app-01", &new_password()).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_all_clean(&error);

    let (token, password) = (header(TOKEN), header(PASSWORD));
    let body = running().to_string();
    let server = HostileServer::start(move |_, _| {
        Reply::Bytes(response(201, &[b"content-type: application/json", &token, b"x-password: n3w-passw0rd!", &password], body.as_bytes()))
    })
    .await;
    let answer = yandex_client(&server).update_user(CLUSTER, "app-01", &new_password()).await.unwrap();
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.header("x-password"), Some(REDACTED), "every secret the call sent, not only the token");
    assert_clean("Debug", &format!("{answer:?}"));
    assert_clean("Debug", &format!("{:?}", answer.headers()));
}

// ---------------------------------------------------------------------------------------
// Long-running operations.

/// The operation a password change starts, polled every few milliseconds.
async fn started(server: &HostileServer) -> yandex_mongodb::UpdateUserLongRunning {
    let answer = yandex_client(server).update_user(CLUSTER, "app-01", &new_password()).await.unwrap();
    answer.into_body().first_poll_interval(Duration::from_millis(5))
}

/// A server that starts the operation, then answers every poll with `poll`.
async fn operation_server(poll: serde_json::Value) -> HostileServer {
    HostileServer::start(move |index, _| match index {
        0 => json_reply(200, &[], &running()),
        _ => json_reply(200, &[], &poll),
    })
    .await
}

#[tokio::test]
async fn an_operation_that_fails_with_an_echo_shows_no_secret() {
    let message = format!("bad credentials Bearer {TOKEN} for password {PASSWORD}");
    let details = json!([{"@type": "type.googleapis.com/google.rpc.BadRequest", "password": "server-side-secret", "note": format!("was {PASSWORD}")}]);
    let failed = json!({"id": OPERATION, "done": true, "error": {"code": 16, "message": message, "details": details}});
    let server = operation_server(failed).await;
    let mut operation = started(&server).await;
    let error = operation.wait().await.unwrap_err();
    let yandex_mongodb::Error::OperationFailed(failure) = &error else { panic!("expected a failed operation, got {error:?}") };
    assert_eq!(failure.code, 16);
    assert_eq!(failure.message, format!("bad credentials Bearer {REDACTED} for password {REDACTED}"));
    assert_eq!(failure.details[0]["password"], REDACTED, "a secret-marked key in the details");
    assert!(!format!("{error:?}").contains("server-side-secret"));
    assert_all_clean(&error);
}

#[tokio::test]
async fn an_operation_message_is_quoted_up_to_300_characters() {
    let message = "x".repeat(1024 * 1024);
    let failed = json!({"id": OPERATION, "done": true, "error": {"code": 13, "message": message}});
    let server = operation_server(failed).await;
    let mut operation = started(&server).await;
    let error = operation.wait().await.unwrap_err();
    let shown = error.to_string();
    assert!(shown.chars().count() < 400, "{} characters", shown.chars().count());
    assert!(shown.contains("x…") && shown.ends_with("(code 13)"), "{shown}");
    let yandex_mongodb::Error::OperationFailed(failure) = &error else { panic!("expected a failed operation, got {error:?}") };
    assert!(failure.message.len() <= 64 * 1024, "the message kept is bounded: {} bytes", failure.message.len());
}

#[tokio::test]
async fn a_poll_answering_for_another_operation_is_an_error() {
    let other =
        json!({"id": "op-OTHER", "done": true, "response": {"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User", "name": "x"}});
    let server = operation_server(other).await;
    let mut operation = started(&server).await;
    let error = operation.wait().await.unwrap_err();
    match &error {
        yandex_mongodb::Error::OperationMismatch { id, found, .. } => {
            assert_eq!(id, OPERATION);
            assert_eq!(found, "op-OTHER");
        }
        other => panic!("expected a mismatch, got {other:?}"),
    }
    assert_eq!(error.to_string(), "polling operation `op1` gave operation `op-OTHER` instead");
}

#[tokio::test]
async fn wait_for_ends_within_its_limit_when_a_poll_hangs() {
    let server = HostileServer::start(|index, _| match index {
        0 => json_reply(200, &[], &running()),
        _ => Reply::Hang(Duration::from_secs(120)),
    })
    .await;
    let mut operation = yandex_client(&server).update_user(CLUSTER, "app-01", &new_password()).await.unwrap();
    let started = Instant::now();
    let error = operation.wait_for(Duration::from_secs(2)).await.unwrap_err();
    let elapsed = started.elapsed();
    match &error {
        yandex_mongodb::Error::OperationTimeout { id, .. } => assert_eq!(id, OPERATION),
        other => panic!("expected the operation's timeout, got {other:?}"),
    }
    // The client's own call timeout is 60 s: a wait that ended far below it was bounded by
    // its own limit.
    assert!(elapsed < Duration::from_secs(30), "{elapsed:?}");
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
}

// ---------------------------------------------------------------------------------------
// What the errors say.

#[tokio::test]
async fn an_answer_with_more_headers_than_the_client_reads_says_so() {
    let headers: Vec<Vec<u8>> = (0..150).map(|i| format!("x-h{i}: v").into_bytes()).collect();
    let server = HostileServer::start(move |_, _| {
        let refs: Vec<&[u8]> = headers.iter().map(Vec::as_slice).collect();
        Reply::Bytes(response(200, &refs, b"{}"))
    })
    .await;
    let error = do_client(&server, RetryPolicy::disabled()).databases_update_user(DO_CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert!(matches!(error, digitalocean::Error::HeadersTooLarge), "{error:?}");
    assert!(error.to_string().contains("more than 100 headers"), "{error}");
}

#[tokio::test]
async fn calls_that_time_out_waiting_for_a_connection_slot_say_so() {
    let ok = response(200, &[b"content-type: application/json"], br#"{"user":{"name":"app-01"}}"#);
    let server = HostileServer::start(move |_, _| Reply::After(Duration::from_millis(200), ok.clone())).await;
    let client = digitalocean::Client::builder()
        .token(TOKEN)
        .base_url(&server.url)
        .retry(RetryPolicy::disabled())
        .max_connections_per_host(4)
        .timeout(Duration::from_millis(1_000))
        .build()
        .unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..200 {
        let client = client.clone();
        calls.spawn(async move { client.databases_update_user(DO_CLUSTER, "app-01", &settings()).await.map(|_| ()) });
    }
    let (mut succeeded, mut queued, mut in_flight) = (0, 0, 0);
    while let Some(result) = calls.join_next().await {
        match result.unwrap() {
            Ok(()) => succeeded += 1,
            Err(digitalocean::Error::Timeout(timeout)) if timeout.queued => {
                assert_eq!(timeout.attempts, 0, "{timeout}");
                assert_eq!(timeout.limit, TimeoutLimit::Call);
                assert!(
                    timeout.to_string().starts_with("the call timed out waiting for a free connection slot after 0 attempt(s)"),
                    "{timeout}"
                );
                queued += 1;
            }
            Err(digitalocean::Error::Timeout(timeout)) => {
                assert_eq!(timeout.attempts, 1, "{timeout}");
                in_flight += 1;
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert!(succeeded >= 4 && queued > 100, "{succeeded} succeeded, {queued} timed out queued, {in_flight} in flight");
    let requests = server.requests().len();
    assert!(requests >= succeeded && requests <= succeeded + in_flight, "a call that timed out queued sent nothing: {requests} requests");
}

#[tokio::test]
async fn a_client_never_has_more_requests_in_flight_than_its_slots() {
    let ok = response(200, &[b"content-type: application/json"], br#"{"user":{"name":"app-01"}}"#);
    let server = HostileServer::start(move |_, _| Reply::After(Duration::from_millis(50), ok.clone())).await;
    let client = digitalocean::Client::builder().token(TOKEN).base_url(&server.url).max_connections_per_host(4).build().unwrap();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..40 {
        let client = client.clone();
        calls.spawn(async move { client.databases_update_user(DO_CLUSTER, "app-01", &settings()).await.map(|_| ()) });
    }
    while let Some(result) = calls.join_next().await {
        result.unwrap().unwrap();
    }
    assert_eq!(server.requests().len(), 40);
    assert_eq!(server.most_in_flight(), 4, "40 calls queue for 4 slots, and use them all");
}
