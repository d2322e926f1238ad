//! Retries, idempotency keys and the three time limits, against a real local HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::{header, quick_retries};
use dbaas_clients::runtime::{CallOptions, Patch, RetryPolicy, TimeoutLimit};
use dbaas_clients::{digitalocean, yandex_mongodb};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn do_client(server: &MockServer) -> digitalocean::Client {
    digitalocean::Client::builder().token("do-token-123").base_url(server.uri()).retry(quick_retries()).build().unwrap()
}

fn yandex_client(server: &MockServer) -> yandex_mongodb::Client {
    yandex_mongodb::Client::builder().token("iam-token-xyz").base_url(server.uri()).retry(quick_retries()).build().unwrap()
}

fn settings() -> digitalocean::types::DatabasesUpdateUserRequest {
    let settings = digitalocean::types::UserSettings { pg_allow_replication: Some(true), ..Default::default() };
    digitalocean::types::DatabasesUpdateUserRequest { settings }
}

fn user() -> serde_json::Value {
    json!({"user": {"name": "app-01"}})
}

fn operation() -> serde_json::Value {
    json!({"id": "op-1", "metadata": {"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata"}})
}

fn password_only() -> yandex_mongodb::types::UpdateUserRequest {
    yandex_mongodb::types::UpdateUserRequest { password: Patch::Set("n3w-passw0rd".into()), ..Default::default() }
}

/// A server answering `first` `times` times, then `then` for good.
async fn answering(first: ResponseTemplate, times: u64, then: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(first).up_to_n_times(times).mount(&server).await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    server
}

async fn requests(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

#[tokio::test]
async fn a_503_then_a_201_is_retried_and_succeeds() {
    let server = answering(ResponseTemplate::new(503), 1, ResponseTemplate::new(201).set_body_json(user())).await;
    let answer = do_client(&server).databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap();
    assert_eq!(answer.status(), 201);
    assert_eq!(answer.user.name, "app-01");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].body, sent[1].body, "the same body goes out again");
}

#[tokio::test]
async fn a_429_with_retry_after_waits_at_least_that_long() {
    let limited = ResponseTemplate::new(429).insert_header("Retry-After", "1");
    let server = answering(limited, 1, ResponseTemplate::new(201).set_body_json(user())).await;
    let started = Instant::now();
    do_client(&server).databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn an_exhausted_rate_limit_waits_until_its_reset() {
    // Two seconds on (in whole seconds, so between one and two seconds from now).
    let reset = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 2;
    let limited = ResponseTemplate::new(429).insert_header("ratelimit-remaining", "0").insert_header("ratelimit-reset", reset.to_string());
    let server = answering(limited, 1, ResponseTemplate::new(201).set_body_json(user())).await;
    let started = Instant::now();
    do_client(&server).databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "retried before the reset: {:?}", started.elapsed());
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn retries_stop_after_the_attempts_allowed_and_a_client_error_is_not_retried() {
    let server = answering(ResponseTemplate::new(503), 100, ResponseTemplate::new(201)).await;
    let error = do_client(&server).databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(requests(&server).await.len(), 3, "three attempts in all by default");

    let server = answering(ResponseTemplate::new(422), 100, ResponseTemplate::new(201)).await;
    do_client(&server).databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn retries_can_be_turned_off_on_the_builder_or_for_one_call() {
    let server = answering(ResponseTemplate::new(503), 100, ResponseTemplate::new(201)).await;
    let off = digitalocean::Client::builder().token("do-token-123").base_url(server.uri()).retry(RetryPolicy::disabled()).build().unwrap();
    off.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1);

    let server = answering(ResponseTemplate::new(503), 100, ResponseTemplate::new(201)).await;
    let client = do_client(&server);
    let once = client.with_options(CallOptions::new().retry(RetryPolicy::disabled()));
    once.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 1, "the override holds for its calls");
    let five = client.with_options(CallOptions::new().retry(quick_retries().max_attempts(5)));
    five.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert_eq!(requests(&server).await.len(), 6);
}

#[tokio::test]
async fn yandex_patch_with_its_automatic_key_is_retried_with_the_same_key() {
    let server = answering(ResponseTemplate::new(503), 2, ResponseTemplate::new(200).set_body_json(operation())).await;
    yandex_client(&server).update_user("c9qgcm4nv7ajkbj8d3bq", "app-01", &password_only()).await.unwrap();
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 3);
    let keys: Vec<&str> = sent.iter().map(|request| header(request, "idempotency-key").unwrap()).collect();
    assert_eq!(uuid::Uuid::parse_str(keys[0]).unwrap().get_version_num(), 4);
    assert!(keys.iter().all(|key| *key == keys[0]), "one key for every attempt: {keys:?}");

    let server =
        answering(ResponseTemplate::new(200).set_body_json(operation()), 1, ResponseTemplate::new(200).set_body_json(operation())).await;
    let client = yandex_client(&server);
    client.update_user("c9qgcm4nv7ajkbj8d3bq", "app-01", &password_only()).await.unwrap();
    client.update_user("c9qgcm4nv7ajkbj8d3bq", "app-01", &password_only()).await.unwrap();
    let sent = requests(&server).await;
    assert_ne!(header(&sent[0], "idempotency-key"), header(&sent[1], "idempotency-key"), "a fresh key for each call");
}

#[tokio::test]
async fn a_key_the_caller_gives_wins() {
    let server = answering(ResponseTemplate::new(503), 1, ResponseTemplate::new(200).set_body_json(operation())).await;
    let key = uuid::Uuid::parse_str("2b3f0c4e-7a1d-4f7e-9a52-6f0d3c1b8e21").unwrap();
    let options = yandex_mongodb::UpdateUserOptions { idempotency_key: Some(key) };
    yandex_client(&server).update_user_with("c9qgcm4nv7ajkbj8d3bq", "app-01", &password_only(), &options).await.unwrap();
    let requests = requests(&server).await;
    assert_eq!(requests.len(), 2, "the 503 was retried");
    for request in requests {
        assert_eq!(header(&request, "idempotency-key"), Some("2b3f0c4e-7a1d-4f7e-9a52-6f0d3c1b8e21"));
    }
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = digitalocean::Client::builder().token("do-token-123").base_url(uri).retry(quick_retries()).build().unwrap();
    let error = client.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    let digitalocean::Error::Transport(failure) = &error else { panic!("expected a transport error, got {error:?}") };
    assert_eq!(failure.attempts, 3, "retried: nothing was sent");
    assert!(failure.nothing_sent);
    assert!(error.to_string().starts_with("the request could not be completed after 3 attempt(s) (nothing was sent)"), "{error}");
}

#[tokio::test]
async fn a_hanging_server_hits_the_attempt_timeout_on_every_attempt() {
    let hanging = ResponseTemplate::new(201).set_body_json(user()).set_delay(Duration::from_secs(30));
    let server = answering(hanging, 100, ResponseTemplate::new(201)).await;
    let client = digitalocean::Client::builder()
        .token("do-token-123")
        .base_url(server.uri())
        .retry(quick_retries())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    let digitalocean::Error::Timeout(timeout) = &error else { panic!("expected a timeout, got {error:?}") };
    assert_eq!((timeout.limit, timeout.attempts), (TimeoutLimit::Attempt, 3));
    assert_eq!(timeout.limit_value, Duration::from_millis(200));
    assert!(started.elapsed() >= Duration::from_millis(600), "three attempts of 200 ms: {:?}", started.elapsed());
    assert!(error.to_string().contains("the attempt timed out after 3 attempt(s)"), "{error}");
    assert_eq!(requests(&server).await.len(), 3);
}

#[tokio::test]
async fn the_whole_call_deadline_holds_across_retries() {
    let hanging = ResponseTemplate::new(201).set_body_json(user()).set_delay(Duration::from_secs(30));
    let server = answering(hanging, 100, ResponseTemplate::new(201)).await;
    let client = digitalocean::Client::builder()
        .token("do-token-123")
        .base_url(server.uri())
        .retry(quick_retries().max_attempts(50))
        .attempt_timeout(Duration::from_millis(300))
        .timeout(Duration::from_millis(800))
        .build()
        .unwrap();
    let started = Instant::now();
    let error = client.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    assert!(matches!(error, digitalocean::Error::Timeout(_)), "{error:?}");
    assert!(started.elapsed() >= Duration::from_millis(600), "{:?}", started.elapsed());
    assert!(requests(&server).await.len() <= 3, "50 attempts allowed, but the deadline stops them");

    let slow = client.with_options(CallOptions::new().timeout(Duration::from_millis(100)));
    let error = slow.databases_update_user(CLUSTER, "app-01", &settings()).await.unwrap_err();
    let digitalocean::Error::Timeout(timeout) = &error else { panic!("expected a timeout, got {error:?}") };
    assert_eq!(timeout.limit, TimeoutLimit::Call, "the call's own limit, shorter than one attempt's");
}

#[tokio::test]
async fn polling_is_a_get_and_is_retried() {
    let server = answering(ResponseTemplate::new(502), 1, ResponseTemplate::new(200).set_body_json(operation())).await;
    let answer = yandex_client(&server).get_operation("op-1").await.unwrap();
    assert_eq!(answer.id.as_deref(), Some("op-1"));
    assert_eq!(requests(&server).await.len(), 2);
}
