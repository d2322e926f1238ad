//! The project README's sample trace, against what a real call prints. Alone in its test
//! binary: tracing caches whether a callsite is enabled, and a test without a subscriber
//! running beside it would have it cached as disabled.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dbaas_clients::runtime::RetryPolicy;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

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

/// The README's sample trace is what a real run prints: a DigitalOcean update retried once
/// after a 503, traced by `tracing-subscriber`'s `fmt` at DEBUG, shows every field the sample
/// shows with the same value (but for the times, which vary).
#[tokio::test]
async fn the_readme_shows_the_trace_a_retried_call_prints() {
    use dbaas_clients::digitalocean;
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"user": {"name": "app-01"}}))).mount(&server).await;
    let client = digitalocean::Client::builder()
        .token("dop_v1_token")
        .base_url(server.uri())
        .retry(RetryPolicy::default().initial_backoff(Duration::from_millis(10)).max_backoff(Duration::from_millis(20)))
        .build()
        .unwrap();
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).with_ansi(false).with_writer(move || writer.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let settings = digitalocean::types::UserSettings { pg_allow_replication: Some(true), ..Default::default() };
    let body = digitalocean::types::DatabasesUpdateUserRequest { settings };
    client.databases_update_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01", &body).await.unwrap();
    drop(_guard);
    let printed = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let readme = include_str!("../../README.md");
    let sample = readme.split("which prints, for a call retried once after a 503").nth(1).expect("the README's sample trace");
    let sample: Vec<&str> =
        sample.lines().skip_while(|line| !line.contains("```text")).skip(1).take_while(|line| !line.contains("```")).collect();
    assert_eq!(sample.len(), 2, "{sample:?}");
    for (line, (level, message)) in sample.iter().zip([("INFO", "retrying"), ("DEBUG", "call succeeded")]) {
        assert!(line.contains(message), "the README's {level} line is not `{message}`: {line}");
        let printed_line = printed
            .lines()
            .find(|printed| printed.contains(level) && printed.contains(&format!("dbaas_runtime::call: {message}")))
            .unwrap_or_else(|| panic!("no {level} `{message}` line in:\n{printed}"));
        let fields = line.split(['{', '}', ' ', ':']).filter(|field| field.contains('=') && !field.contains("_ms="));
        for field in fields.chain(["dbaas_clients.call", "dbaas_runtime::call"]) {
            assert!(printed_line.contains(field), "the README shows `{field}`, which the trace lacks:\n{printed_line}");
        }
    }
    for words in ["retrying", "reason=HTTP 503", "call succeeded"] {
        assert!(printed.contains(words), "`{words}` is missing from:\n{printed}");
    }
}
