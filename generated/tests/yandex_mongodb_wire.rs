//! What `yandex_mongodb::Client` sends and what its caller gets back, against a real local
//! HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use chrono::{Datelike, Timelike};
use common::{header, only_request, quick_retries, user_agent};
use dbaas_clients::runtime::{Patch, Secret};
use dbaas_clients::yandex_mongodb::{Client, Error, UpdateUserOptions, types};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";

async fn answering(body: serde_json::Value) -> (MockServer, Client) {
    answering_with(ResponseTemplate::new(200).set_body_json(body)).await
}

async fn answering_with(template: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    let client = Client::builder().token("iam-token-xyz").base_url(server.uri()).retry(quick_retries()).build().unwrap();
    (server, client)
}

fn password_and_permissions() -> types::UpdateUserRequest {
    types::UpdateUserRequest {
        update_mask: Some("password,permissions".to_owned()),
        password: Patch::Set(Secret::new("s3cr3t-passw0rd")),
        permissions: Patch::Set(vec![types::Permission {
            database_name: Some("db1".to_owned()),
            roles: Some(vec!["readWrite".to_owned()]),
        }]),
        ..Default::default()
    }
}

/// An operation still running: proto3 JSON leaves `done` out altogether.
fn running() -> serde_json::Value {
    json!({
        "id": "c9q8v0dj1r9r8mi0a8rf",
        "description": "Update user in MongoDB cluster",
        "createdAt": "2026-11-22T10:00:00Z",
        "createdBy": "ajeol2afu1js4kr8s5rg",
        "modifiedAt": "2026-11-22T10:00:00.123Z",
        "metadata": {
            "@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata",
            "clusterId": CLUSTER,
            "userName": "app-01"
        }
    })
}

fn finished() -> serde_json::Value {
    let mut operation = running();
    operation["done"] = json!(true);
    operation["modifiedAt"] = json!("2026-11-22T10:00:07.123456789Z");
    operation["response"] = json!({
        "@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User",
        "name": "app-01",
        "clusterId": CLUSTER,
        "permissions": [{"databaseName": "db1", "roles": ["readWrite"]}],
        "authType": "AUTH_TYPE_PASSWORD"
    });
    operation
}

fn failed() -> serde_json::Value {
    let mut operation = running();
    operation["done"] = json!(true);
    operation["modifiedAt"] = json!("2026-11-22T10:00:02.5Z");
    operation["error"] = json!({
        "code": 9,
        "message": "User app-01 is protected from deletion",
        "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "e38e71c3-0c5f"}]
    });
    operation
}

#[tokio::test]
async fn sends_the_exact_request_with_one_string_update_mask() {
    let (server, client) = answering(running()).await;
    client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PATCH");
    assert_eq!(request.url.path(), format!("/managed-mongodb/v1/clusters/{CLUSTER}/users/app-01"));
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "authorization"), Some("Bearer iam-token-xyz"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "user-agent"), Some(user_agent().as_str()));
    let key = uuid::Uuid::parse_str(header(&request, "idempotency-key").expect("a key of the client's own")).unwrap();
    assert_eq!(key.get_version_num(), 4, "a fresh UUID v4");
    assert_eq!(
        String::from_utf8(request.body).unwrap(),
        r#"{"updateMask":"password,permissions","password":"s3cr3t-passw0rd","permissions":[{"databaseName":"db1","roles":["readWrite"]}]}"#
    );
}

#[tokio::test]
async fn the_idempotency_key_goes_in_its_header() {
    let (server, client) = answering(running()).await;
    let key = uuid::Uuid::parse_str("2b3f0c4e-7a1d-4f7e-9a52-6f0d3c1b8e21").unwrap();
    let options = UpdateUserOptions { idempotency_key: Some(key) };
    client.update_user_with(CLUSTER, "app-01", &password_and_permissions(), &options).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(header(&request, "idempotency-key"), Some("2b3f0c4e-7a1d-4f7e-9a52-6f0d3c1b8e21"));
}

#[tokio::test]
async fn the_current_api_fields_are_sent_as_json_booleans() {
    let (server, client) = answering(running()).await;
    let body = types::UpdateUserRequest {
        update_mask: Some("deletionProtection,generatePassword".to_owned()),
        generate_password: Patch::Set(true),
        deletion_protection: Patch::Set(false),
        ..Default::default()
    };
    client.update_user(CLUSTER, "app-01", &body).await.unwrap();
    assert_eq!(
        String::from_utf8(only_request(&server).await.body).unwrap(),
        r#"{"updateMask":"deletionProtection,generatePassword","generatePassword":true,"deletionProtection":false}"#
    );
}

#[tokio::test]
async fn a_running_operation_has_no_done_key() {
    let (_server, client) = answering(running()).await;
    let operation =
        client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap().into_body().operation().unwrap().clone();
    assert_eq!(operation.id.as_deref(), Some("c9q8v0dj1r9r8mi0a8rf"));
    assert_eq!(operation.done, None);
    assert_eq!(operation.response, None);
    assert_eq!(operation.error, None);
    let metadata = operation.metadata.unwrap();
    assert_eq!(metadata.cluster_id.as_deref(), Some(CLUSTER));
    assert_eq!(metadata.user_name.as_deref(), Some("app-01"));
    assert_eq!(operation.created_at.unwrap().to_rfc3339(), "2026-11-22T10:00:00+00:00");
    assert_eq!(operation.modified_at.unwrap().nanosecond(), 123_000_000);
}

#[tokio::test]
async fn a_finished_operation_carries_the_user_and_nanosecond_timestamps() {
    let (_server, client) = answering(finished()).await;
    let operation =
        client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap().into_body().operation().unwrap().clone();
    assert_eq!(operation.done, Some(true));
    let modified = operation.modified_at.unwrap();
    assert_eq!((modified.year(), modified.second(), modified.nanosecond()), (2026, 7, 123_456_789));
    let user = operation.response.unwrap();
    assert_eq!(user.name.as_deref(), Some("app-01"));
    assert_eq!(user.auth_type, Some(types::AuthType::AuthTypePassword));
    let permissions = user.permissions.unwrap();
    assert_eq!(permissions[0].database_name.as_deref(), Some("db1"));
    assert_eq!(permissions[0].roles.as_deref(), Some(&["readWrite".to_owned()][..]));
}

#[tokio::test]
async fn a_failed_operation_carries_the_status_and_its_typed_details() {
    let (_server, client) = answering(failed()).await;
    let operation =
        client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap().into_body().operation().unwrap().clone();
    assert_eq!(operation.done, Some(true));
    assert_eq!(operation.response, None);
    let error = operation.error.unwrap();
    assert_eq!(error.code, Some(9));
    assert_eq!(error.message.as_deref(), Some("User app-01 is protected from deletion"));
    let detail = &error.details.unwrap()[0];
    assert_eq!(detail.type_, "type.googleapis.com/google.rpc.RequestInfo");
    assert_eq!(detail.additional_properties.get("requestId"), Some(&json!("e38e71c3-0c5f")));
}

#[tokio::test]
async fn a_new_auth_type_is_kept_rather_than_failing() {
    let mut operation = finished();
    operation["response"]["authType"] = json!("AUTH_TYPE_OAUTH");
    let (_server, client) = answering(operation).await;
    let operation =
        client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap().into_body().operation().unwrap().clone();
    let auth_type = operation.response.unwrap().auth_type.unwrap();
    assert!(matches!(&auth_type, types::AuthType::UnknownValue(value) if value.as_str() == "AUTH_TYPE_OAUTH"), "{auth_type:?}");
    assert_eq!(serde_json::to_string(&auth_type).unwrap(), r#""AUTH_TYPE_OAUTH""#, "sent back as it came");
    assert_eq!(auth_type.as_str(), "AUTH_TYPE_OAUTH");
}

#[tokio::test]
async fn polling_gets_the_operation_with_its_any_messages() {
    let (server, client) = answering(finished()).await;
    let operation = client.get_operation("c9q8v0dj1r9r8mi0a8rf").await.unwrap().into_body();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "GET");
    assert_eq!(request.url.path(), "/operations/c9q8v0dj1r9r8mi0a8rf");
    assert_eq!(header(&request, "authorization"), Some("Bearer iam-token-xyz"));
    assert_eq!(header(&request, "content-type"), None, "a GET has no body");
    assert!(request.body.is_empty());

    assert_eq!(operation.done, Some(true));
    let response = operation.response.unwrap();
    assert_eq!(response.type_, "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User");
    assert_eq!(response.additional_properties.get("name"), Some(&json!("app-01")));
    let roundtrip = serde_json::to_value(&response).unwrap();
    assert_eq!(roundtrip, finished()["response"], "an Any message re-encodes as it came");
}

#[tokio::test]
async fn an_error_status_decodes_as_a_google_rpc_status() {
    let body = json!({
        "code": 16,
        "message": "Token is invalid or has expired.",
        "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "e38e71c3-0c5f"}]
    });
    let (_server, client) = answering_with(ResponseTemplate::new(401).set_body_json(body)).await;
    let error = client.update_user(CLUSTER, "app-01", &password_and_permissions()).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status, 401);
    let status = api.body.as_ref().unwrap();
    assert_eq!(status.code, Some(16));
    assert_eq!(status.message.as_deref(), Some("Token is invalid or has expired."));
    assert_eq!(status.details.as_ref().map(Vec::len), Some(1));
}

#[tokio::test]
async fn an_empty_503_is_an_api_error_without_a_body() {
    let (_server, client) = answering_with(ResponseTemplate::new(503)).await;
    let error = client.get_operation("op1").await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!((api.status, api.body.is_none(), api.raw_body.as_str()), (503, true, ""));
    assert_eq!(error.to_string(), "the server answered HTTP 503 Service Unavailable with an empty body");
}

#[tokio::test]
async fn a_password_never_shows_in_debug_output() {
    let body = password_and_permissions();
    let shown = format!("{body:?}");
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(shown.contains("Secret(\"***\")"), "{shown}");
}
