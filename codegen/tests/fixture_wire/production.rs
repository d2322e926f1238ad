//! The `production` fixture against a real local HTTP server: which requests are retried,
//! and every kind of constraint refused before sending.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use std::time::Duration;

use dbaas_clients::production::{Client, Error, ListThingsOptions, types};
use dbaas_clients::runtime::RetryPolicy;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn thing() -> types::Thing {
    types::Thing { name: "lamp".to_owned(), ..Default::default() }
}

/// A server answering `first` once, then `then` for good, and a client of it.
async fn answering(first: u16, then: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(first)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(then).mount(&server).await;
    let retry = RetryPolicy::default().initial_backoff(Duration::from_millis(10));
    let client = Client::builder().base_url(server.uri()).retry(retry).build().unwrap();
    (server, client)
}

async fn failing_once_then(status: u16) -> (MockServer, Client) {
    answering(503, ResponseTemplate::new(status).set_body_json(serde_json::json!({"name": "lamp"}))).await
}

#[tokio::test]
async fn a_patch_without_an_idempotency_key_is_sent_once() {
    let (server, client) = failing_once_then(200).await;
    let error = client.patch_thing("t1", &thing()).await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_post_with_an_idempotency_key_is_retried_with_the_same_key() {
    let (server, client) = failing_once_then(201).await;
    client.create_thing(&thing()).await.unwrap();
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 2);
    let keys: Vec<_> = sent.iter().map(|request| request.headers.get("request-key").unwrap().to_str().unwrap().to_owned()).collect();
    assert_eq!(keys[0], keys[1]);
    assert!(uuid_like(&keys[0]), "{keys:?}");
}

fn uuid_like(text: &str) -> bool {
    text.len() == 36 && text.chars().filter(|c| *c == '-').count() == 4
}

#[tokio::test]
async fn a_get_is_retried() {
    let (server, client) = answering(502, ResponseTemplate::new(200).set_body_json(serde_json::json!([]))).await;
    client.list_things().await.unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn every_kind_of_constraint_is_refused_before_sending() {
    let (server, client) = failing_once_then(200).await;
    let part = |code: &str| types::Part { code: code.to_owned() };
    let cases: Vec<(types::Thing, &str, &str)> = vec![
        (types::Thing { name: String::new(), ..thing() }, "body.name", "shorter than 1 characters (minLength)"),
        (types::Thing { name: "x".repeat(11), ..thing() }, "body.name", "longer than 10 characters (maxLength)"),
        (types::Thing { tags: Some(vec![]), ..thing() }, "body.tags", "fewer than 1 items (minItems)"),
        (types::Thing { tags: Some(vec!["a".into(); 4]), ..thing() }, "body.tags", "more than 3 items (maxItems)"),
        (types::Thing { tags: Some(vec!["a".into(), "toolong".into()]), ..thing() }, "body.tags[1]", "longer than 5 characters"),
        (types::Thing { score: Some(-0.5), ..thing() }, "body.score", "less than 0 (minimum)"),
        (types::Thing { score: Some(10.5), ..thing() }, "body.score", "greater than 10 (maximum)"),
        (types::Thing { parts: Some(vec![part("AB"), part("abc")]), ..thing() }, "body.parts[1].code", "does not match the pattern `^[A-Z]{2}$`"),
    ];
    for (body, at, rule) in cases {
        let error = client.patch_thing("t1", &body).await.unwrap_err();
        let Error::Argument(argument) = &error else { panic!("expected an argument error for {at}, got {error:?}") };
        assert_eq!(argument.argument, at);
        assert!(error.to_string().contains(rule), "{error}");
    }
    let error = client.patch_thing("too-long-id", &thing()).await.unwrap_err();
    assert!(error.to_string().starts_with("argument `path.id` was refused: longer than 8"), "{error}");
    for (options, at) in [
        (ListThingsOptions { limit: Some(0), ..Default::default() }, "query.limit"),
        (ListThingsOptions { limit: Some(101), ..Default::default() }, "query.limit"),
        (ListThingsOptions { filter: Some("x".into()), ..Default::default() }, "query.filter"),
    ] {
        let error = client.list_things_with(&options).await.unwrap_err();
        let Error::Argument(argument) = &error else { panic!("expected an argument error for {at}, got {error:?}") };
        assert_eq!(argument.argument, at);
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn a_secret_marked_field_is_kept_out_of_debug_and_errors() {
    let body = types::Thing { token: Some("hunter2-token".into()), ..thing() };
    assert!(!format!("{body:?}").contains("hunter2"));
    let echoed = ResponseTemplate::new(400).set_body_raw(r#"{"error":"bad","token":"other-secret"}"#, "application/json");
    let (_server, client) = answering(400, echoed).await;
    let error = client.patch_thing("t1", &body).await.unwrap_err();
    assert!(!format!("{error} {error:?}").contains("other-secret"), "{error:?}");
}
