//! What a caller sees besides the body.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use dbaas_clients::runtime::RateLimit;
use dbaas_clients::yandex_mongodb::{Client, types};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "iam-token-xyz";

fn operation() -> serde_json::Value {
    json!({"id": "op-1", "done": false})
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
    let limit: RateLimit = answer.rate_limit().unwrap();
    assert_eq!((limit.limit, limit.remaining, limit.reset), (Some(5000), Some(4999), Some(1_767_225_600)));
    assert_eq!(answer.id.as_deref(), Some("op-1"), "the body's fields read through the answer");
    let operation: types::Operation = answer.into_body();
    assert_eq!(operation.done, Some(false));
}
