//! No secret in any text: servers that echo what they were sent, credentials in URLs, and
//! every `Debug` a caller or a log may print.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use dbaas_clients::runtime::{ConfigError, Patch, REDACTED, RetryPolicy};
use dbaas_clients::{digitalocean, yandex_mongodb};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "iam-token-xyz";
const PASSWORD: &str = "n3w-passw0rd";

/// Answers 500 with everything it was sent: the request line, the headers and the body, and
/// the authorization header back as a response header.
struct Echo;

impl Respond for Echo {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let headers: Vec<String> =
            request.headers.iter().map(|(name, value)| format!("{name}: {}", value.to_str().unwrap_or(""))).collect();
        let text = format!("{} {}\n{}\n\n{}", request.method, request.url, headers.join("\n"), String::from_utf8_lossy(&request.body));
        let echoed = request.headers.get("authorization").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        ResponseTemplate::new(500).insert_header("x-echo", echoed.as_str()).set_body_raw(text, "text/plain")
    }
}

async fn echoing() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Echo).mount(&server).await;
    server
}

fn assert_clean(text: &str) {
    for secret in [TOKEN, PASSWORD, "jge5lfxtzhx42iff", "PRIVATE KEY"] {
        assert!(!text.contains(secret), "`{secret}` leaked into: {text}");
    }
}

#[tokio::test]
async fn a_server_echoing_the_body_and_headers_leaves_no_secret_in_the_error() {
    let server = echoing().await;
    let client = yandex_mongodb::Client::builder().token(TOKEN).base_url(server.uri()).retry(RetryPolicy::disabled()).build().unwrap();
    let body = yandex_mongodb::types::UpdateUserRequest { password: Patch::Set(PASSWORD.into()), ..Default::default() };
    let error = client.update_user("c9qgcm4nv7ajkbj8d3bq", "app-01", &body).await.unwrap_err();
    let yandex_mongodb::Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert!(api.raw_body.contains(REDACTED), "{}", api.raw_body);
    assert!(api.raw_body.contains(r#""updateMask":"password""#), "the rest of the echo stays readable: {}", api.raw_body);
    assert_eq!(api.header("x-echo"), Some(format!("Bearer {REDACTED}").as_str()));
    assert_clean(&error.to_string());
    assert_clean(&format!("{error:?}"));
    assert_clean(&format!("{error:#?}"));
}

#[tokio::test]
async fn a_2xx_that_fails_to_decode_keeps_no_secret_of_the_answer() {
    let server = MockServer::start().await;
    let answer = json!({"user": {"name": 5, "password": "jge5lfxtzhx42iff", "access_key": "-----BEGIN PRIVATE KEY-----\nMIIE"}});
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(answer)).mount(&server).await;
    let client = digitalocean::Client::builder().token("do-token-123").base_url(server.uri()).build().unwrap();
    let body = digitalocean::types::DatabasesUpdateUserRequest { settings: Default::default() };
    let error = client.databases_update_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01", &body).await.unwrap_err();
    let digitalocean::Error::Decode { raw_body, .. } = &error else { panic!("expected a decode error, got {error:?}") };
    assert!(raw_body.contains(r#""password":"[REDACTED]""#), "{raw_body}");
    assert_clean(&error.to_string());
    assert_clean(&format!("{error:?}"));
}

#[tokio::test]
async fn a_decoded_answer_shows_its_secrets_as_stars() {
    let server = MockServer::start().await;
    let answer = json!({"user": {"name": "app-01", "password": "jge5lfxtzhx42iff", "access_key": "-----BEGIN PRIVATE KEY-----"}});
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(answer)).mount(&server).await;
    let client = digitalocean::Client::builder().token("do-token-123").base_url(server.uri()).build().unwrap();
    let body = digitalocean::types::DatabasesUpdateUserRequest { settings: Default::default() };
    let answer = client.databases_update_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01", &body).await.unwrap();
    assert_eq!(answer.user.password.as_ref().map(|p| p.expose()), Some("jge5lfxtzhx42iff"));
    assert_clean(&format!("{answer:?}"));
}

#[test]
fn user_info_in_the_base_url_is_refused_and_never_shown() {
    let error = yandex_mongodb::Client::builder().token(TOKEN).base_url("http://user:hunter2@127.0.0.1:8080").build().unwrap_err();
    assert!(matches!(error, ConfigError::InvalidBaseUrl { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("hunter2") && !shown.contains("user:"), "{shown}");
    assert!(shown.contains("cannot carry a user name or password"), "{shown}");

    let builder = yandex_mongodb::Client::builder().token(TOKEN).base_url("http://user:hunter2@127.0.0.1:8080");
    let shown = format!("{builder:?}");
    assert!(!shown.contains("hunter2") && !shown.contains(TOKEN), "{shown}");
}

#[test]
fn control_characters_in_the_base_url_and_odd_tokens_are_refused() {
    for url in ["http://127.0.0.1:8080/\r\nX-Injected: 1", "http://127.0.0.1:8080/a\tb", "http://127.0.0.1:8080/\0"] {
        let error = yandex_mongodb::Client::builder().token(TOKEN).base_url(url).build().unwrap_err();
        assert!(matches!(error, ConfigError::InvalidBaseUrl { .. }), "{url:?}: {error:?}");
        assert!(!error.to_string().contains('\n'), "the message stays on one line: {error}");
    }
    for token in ["tökén", "two words", "tab\there", "", "line\nbreak"] {
        let error = yandex_mongodb::Client::builder().token(token).build().unwrap_err();
        assert!(matches!(error, ConfigError::InvalidToken), "{token:?}: {error:?}");
        if !token.is_empty() {
            assert!(!format!("{error} {error:?}").contains(token), "the token is not repeated");
        }
    }
}

#[test]
fn clients_and_builders_never_show_the_token() {
    let builder = digitalocean::Client::builder().token("do-token-123");
    let client = builder.clone().build().unwrap();
    for shown in [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}")] {
        assert!(!shown.contains("do-token-123"), "{shown}");
        assert!(shown.contains("***"), "{shown}");
    }
}
