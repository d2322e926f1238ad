//! Bounded memory and bounded connections: body caps with and without `Content-Length`,
//! bounded error bodies, and many concurrent calls through one client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::raw_server;
use dbaas_clients::digitalocean::{Client, Error, types};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn body() -> types::DatabasesUpdateUserRequest {
    types::DatabasesUpdateUserRequest { settings: types::UserSettings { pg_allow_replication: Some(true), ..Default::default() } }
}

fn client(uri: String, max_body_bytes: u64) -> Client {
    Client::builder().token("do-token-123").base_url(uri).max_body_bytes(max_body_bytes).build().unwrap()
}

#[tokio::test]
async fn an_announced_oversized_body_is_refused_before_reading() {
    let server = MockServer::start().await;
    let big = format!(r#"{{"user":{{"name":"{}"}}}}"#, "a".repeat(4096));
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_raw(big.clone(), "application/json")).mount(&server).await;
    let error = client(server.uri(), 1024).databases_update_user(CLUSTER, "app-01", &body()).await.unwrap_err();
    let Error::BodyTooLarge { status, limit, declared } = error else { panic!("expected BodyTooLarge, got {error:?}") };
    assert_eq!((status, limit, declared), (201, 1024, Some(big.len() as u64)));

    // 2 GiB announced and never sent: refused at once, with nothing read.
    let uri = raw_server(1, |mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ncontent-length: 2147483648\r\n\r\n{").await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    })
    .await;
    // Refused on the announced size (reading would wait for bytes the server never sends).
    let error = client(uri, 64 * 1024 * 1024).databases_update_user(CLUSTER, "app-01", &body()).await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { declared: Some(2_147_483_648), .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "the server answered HTTP 201 with a body larger than the limit of 67108864 bytes (it announced 2147483648 bytes)"
    );
}

#[tokio::test]
async fn a_body_without_a_length_stops_at_the_cap_while_streaming() {
    // An endless stream of chunks (bounded here to 64 MiB): reading stops at the cap.
    let uri = raw_server(1, |mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n").await;
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, " ".repeat(64 * 1024));
        for _ in 0..1024 {
            if stream.write_all(chunk.as_bytes()).await.is_err() {
                return;
            }
        }
        let _ = stream.write_all(b"0\r\n\r\n").await;
    })
    .await;
    let error = client(uri, 1024 * 1024).databases_update_user(CLUSTER, "app-01", &body()).await.unwrap_err();
    assert!(matches!(error, Error::BodyTooLarge { status: 201, limit: 1_048_576, declared: None }), "{error:?}");
}

#[tokio::test]
async fn a_body_within_the_cap_without_a_length_is_read_whole() {
    let uri = raw_server(1, |mut stream| async move {
        let body = r#"{"user":{"name":"app-01"}}"#;
        let (first, second) = body.split_at(10);
        let answer = format!(
            "HTTP/1.1 201 Created\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n{:x}\r\n{first}\r\n{:x}\r\n{second}\r\n0\r\n\r\n",
            first.len(),
            second.len()
        );
        let _ = stream.write_all(answer.as_bytes()).await;
    })
    .await;
    let answer = client(uri, 1024).databases_update_user(CLUSTER, "app-01", &body()).await.unwrap();
    assert_eq!(answer.user.name, "app-01");
}

#[tokio::test]
async fn an_error_keeps_a_bounded_prefix_and_quotes_300_characters() {
    let server = MockServer::start().await;
    let words = "word ".repeat(1024 * 1024);
    Mock::given(any()).respond_with(ResponseTemplate::new(500).set_body_raw(words, "text/plain")).mount(&server).await;
    let error = client(server.uri(), 64 * 1024 * 1024).databases_update_user(CLUSTER, "app-01", &body()).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.raw_body.len(), 64 * 1024, "the error keeps the first 64 KiB");
    let shown = error.to_string();
    assert!(shown.starts_with("the server answered HTTP 500 Internal Server Error: word word"), "{shown}");
    assert!(shown.chars().count() < 360, "{} characters", shown.chars().count());
    assert!(shown.ends_with('…'));
}

/// Run by `many_concurrent_calls_queue_instead_of_failing_under_1024_descriptors` in a
/// child process whose descriptor limit is 1,024.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "run in a child process with a descriptor limit"]
async fn two_thousand_concurrent_calls() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(json!({"user": {"name": "app-01"}}))).mount(&server).await;
    let client = Client::builder().token("do-token-123").base_url(server.uri()).build().unwrap();
    let calls: Vec<_> = (0..2000)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.databases_update_user(CLUSTER, "app-01", &body()).await.map(|_| ()) })
        })
        .collect();
    let mut failures = Vec::new();
    for call in calls {
        if let Err(error) = call.await.unwrap() {
            failures.push(error.to_string());
        }
    }
    assert!(failures.is_empty(), "{} of 2000 calls failed, first: {:?}", failures.len(), failures.first());
    println!("2000 of 2000 calls succeeded");
}

#[test]
fn many_concurrent_calls_queue_instead_of_failing_under_1024_descriptors() {
    let test_binary = std::env::current_exe().unwrap();
    let output = std::process::Command::new("sh")
        .arg("-c")
        .arg(r#"ulimit -n 1024 && exec "$0" "$@""#)
        .arg(&test_binary)
        .args(["--exact", "two_thousand_concurrent_calls", "--ignored", "--nocapture"])
        .output()
        .unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{printed}");
    assert!(printed.contains("2000 of 2000 calls succeeded"), "{printed}");
}
