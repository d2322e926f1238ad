//! The whole MongoDB user resource of Yandex Cloud: what each operation sends, its answers
//! decoded (each change waited on to its result), each declared error typed, lists over
//! every page, and a user name that cannot reach the path's suffix.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{header, quick_retries};
use dbaas_clients::runtime::{Error as RuntimeError, RetryPolicy};
use dbaas_clients::yandex_mongodb::{Client, CreateUserOptions, Error, ListUsersOptions, types};
use futures::TryStreamExt;
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";
const OPERATION: &str = "c9q8v0dj1r9r8mi0a8rf";

fn client(server: &MockServer) -> Client {
    Client::builder().token("iam-token-xyz").base_url(server.uri()).retry(quick_retries()).build().unwrap()
}

fn user(name: &str) -> serde_json::Value {
    json!({"name": name, "clusterId": CLUSTER, "permissions": [{"databaseName": "db1", "roles": ["read"]}], "authType": "AUTH_TYPE_PASSWORD"})
}

fn started(metadata: &str) -> serde_json::Value {
    json!({"id": OPERATION, "metadata": {"@type": format!("type.googleapis.com/yandex.cloud.mdb.mongodb.v1.{metadata}"), "clusterId": CLUSTER, "userName": "app-01"}})
}

fn done_with(metadata: &str, response: serde_json::Value) -> serde_json::Value {
    let mut operation = started(metadata);
    operation["done"] = json!(true);
    operation["response"] = response;
    operation
}

fn typed_user(name: &str) -> serde_json::Value {
    let mut value = user(name);
    value["@type"] = json!("type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User");
    value
}

/// A server whose `verb` on `route` starts an operation, polled once to `done`.
async fn operation_server(verb: &str, route: String, metadata: &str, result: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method(verb))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(started(metadata)))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/operations/{OPERATION}")))
        .respond_with(ResponseTemplate::new(200).set_body_json(done_with(metadata, result)))
        .mount(&server)
        .await;
    server
}

/// The request that started the operation (the first one), with its body as JSON.
async fn first_request(server: &MockServer) -> (Request, serde_json::Value) {
    let request = server.received_requests().await.unwrap().remove(0);
    let body = if request.body.is_empty() { serde_json::Value::Null } else { serde_json::from_slice(&request.body).unwrap() };
    (request, body)
}

fn key_of(request: &Request) -> uuid::Uuid {
    uuid::Uuid::parse_str(header(request, "idempotency-key").expect("every change carries an idempotency key")).unwrap()
}

fn quick<O, R, E>(handle: dbaas_clients::runtime::LongRunning<O, R, E>) -> dbaas_clients::runtime::LongRunning<O, R, E>
where
    O: serde::de::DeserializeOwned,
    R: serde::de::DeserializeOwned,
    E: serde::de::DeserializeOwned,
{
    handle.first_poll_interval(Duration::from_millis(1))
}

const USERS: &str = "/managed-mongodb/v1/clusters/c9qgcm4nv7ajkbj8d3bq/users";

#[tokio::test]
async fn get_user_reads_one_user() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!("{USERS}/app-01")))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("app-01")))
        .mount(&server)
        .await;
    let answer = client(&server).get_user(CLUSTER, "app-01").await.unwrap();
    assert_eq!(answer.name.as_deref(), Some("app-01"));
    assert_eq!(answer.auth_type, Some(types::AuthType::AuthTypePassword));
    let (request, body) = first_request(&server).await;
    assert_eq!((request.url.query(), body), (None, serde_json::Value::Null));
}

#[tokio::test]
async fn create_user_posts_the_spec_and_waits_for_the_user() {
    let server = operation_server("POST", USERS.to_owned(), "CreateUserMetadata", typed_user("app-01")).await;
    let spec = types::UserSpec {
        name: "app-01".to_owned(),
        password: Some("s3cr3t-passw0rd".into()),
        permissions: Some(vec![types::Permission { database_name: Some("db1".to_owned()), roles: Some(vec!["read".to_owned()]) }]),
        ..Default::default()
    };
    let answer = client(&server).create_user(CLUSTER, &types::CreateUserRequest { user_spec: spec }).await.unwrap();
    let user = quick(answer.into_body()).wait().await.unwrap();
    assert_eq!(user.name.as_deref(), Some("app-01"));
    let (request, body) = first_request(&server).await;
    assert_eq!(
        body,
        json!({"userSpec": {"name": "app-01", "password": "s3cr3t-passw0rd", "permissions": [{"databaseName": "db1", "roles": ["read"]}]}})
    );
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    key_of(&request);
}

#[tokio::test]
async fn a_caller_s_key_goes_out_as_given() {
    let server = operation_server("POST", USERS.to_owned(), "CreateUserMetadata", typed_user("app-01")).await;
    let key = uuid::Uuid::parse_str("2b3f0c4e-7a1d-4f7e-9a52-6f0d3c1b8e21").unwrap();
    let body = types::CreateUserRequest { user_spec: types::UserSpec { name: "app-01".to_owned(), ..Default::default() } };
    client(&server).create_user_with(CLUSTER, &body, &CreateUserOptions { idempotency_key: Some(key) }).await.unwrap();
    assert_eq!(key_of(&first_request(&server).await.0), key);
}

#[tokio::test]
async fn delete_user_waits_to_an_empty_result() {
    let empty = json!({"@type": "type.googleapis.com/google.protobuf.Empty"});
    let server = operation_server("DELETE", format!("{USERS}/app-01"), "DeleteUserMetadata", empty).await;
    let answer = client(&server).delete_user(CLUSTER, "app-01").await.unwrap();
    let result: types::Empty = quick(answer.into_body()).wait().await.unwrap();
    assert_eq!(result, types::Empty {});
    let (request, body) = first_request(&server).await;
    assert_eq!(body, serde_json::Value::Null, "a delete has no body");
    key_of(&request);
}

#[tokio::test]
async fn grant_and_revoke_post_to_the_user_s_own_methods() {
    let server =
        operation_server("POST", format!("{USERS}/app-01:grantPermission"), "GrantUserPermissionMetadata", typed_user("app-01")).await;
    let permission = types::Permission { database_name: Some("db2".to_owned()), roles: Some(vec!["readWrite".to_owned()]) };
    let answer = client(&server).grant_permission(CLUSTER, "app-01", &types::GrantUserPermissionRequest { permission }).await.unwrap();
    quick(answer.into_body()).wait().await.unwrap();
    let (request, body) = first_request(&server).await;
    assert_eq!(body, json!({"permission": {"databaseName": "db2", "roles": ["readWrite"]}}));
    key_of(&request);

    let server =
        operation_server("POST", format!("{USERS}/app-01:revokePermission"), "RevokeUserPermissionMetadata", typed_user("app-01")).await;
    let body = types::RevokeUserPermissionRequest { database_name: "db2".to_owned() };
    let answer = client(&server).revoke_permission(CLUSTER, "app-01", &body).await.unwrap();
    quick(answer.into_body()).wait().await.unwrap();
    assert_eq!(first_request(&server).await.1, json!({"databaseName": "db2"}));
}

#[tokio::test]
async fn a_user_name_cannot_reach_the_path_s_suffix() {
    let server = MockServer::start().await;
    let body = types::GrantUserPermissionRequest { permission: types::Permission::default() };
    for name in ["app-01:revokePermission", "../users/x", "a/b", ""] {
        let error = client(&server).grant_permission(CLUSTER, name, &body).await.unwrap_err();
        assert!(matches!(&error, RuntimeError::Argument(_)), "{name:?}: {error:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
    // What the pattern allows is escaped into its one segment: `@` included.
    let server = operation_server(
        "POST",
        format!("{USERS}/app%40corp.example:grantPermission"),
        "GrantUserPermissionMetadata",
        typed_user("app@corp.example"),
    )
    .await;
    client(&server).grant_permission(CLUSTER, "app@corp.example", &body).await.unwrap();
    let (request, _) = first_request(&server).await;
    assert_eq!(request.url.path(), format!("{USERS}/app%40corp.example:grantPermission"));
}

#[tokio::test]
async fn every_declared_error_of_every_operation_is_typed() {
    for status in [400, 401, 403, 404, 409, 429, 500, 503, 504, 499] {
        let server = MockServer::start().await;
        let body =
            json!({"code": 5, "message": "no", "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "r-1"}]});
        Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(status).set_body_json(body)).mount(&server).await;
        let client = Client::builder().token("iam-token-xyz").base_url(server.uri()).retry(RetryPolicy::disabled()).build().unwrap();
        let create = types::CreateUserRequest { user_spec: types::UserSpec { name: "app-01".to_owned(), ..Default::default() } };
        let grant = types::GrantUserPermissionRequest { permission: types::Permission::default() };
        let revoke = types::RevokeUserPermissionRequest { database_name: "db1".to_owned() };
        let errors: Vec<Error> = vec![
            client.get_user(CLUSTER, "app-01").await.unwrap_err(),
            client.list_users(CLUSTER).await.unwrap_err(),
            client.create_user(CLUSTER, &create).await.unwrap_err(),
            client.delete_user(CLUSTER, "app-01").await.unwrap_err(),
            client.grant_permission(CLUSTER, "app-01", &grant).await.unwrap_err(),
            client.revoke_permission(CLUSTER, "app-01", &revoke).await.unwrap_err(),
        ];
        for error in errors {
            let RuntimeError::Api(api) = &error else { panic!("{status}: expected an API error, got {error:?}") };
            assert_eq!((api.status, api.body.as_ref().and_then(|body| body.code)), (status, Some(5)), "{error}");
        }
    }
}

/// A server listing three pages of users: `first` without a token, then `p2`, then `p3`.
async fn three_pages() -> MockServer {
    let server = MockServer::start().await;
    let page = |names: &[&str], next: &str| {
        let users: Vec<serde_json::Value> = names.iter().map(|name| user(name)).collect();
        let mut body = json!({"users": users});
        if !next.is_empty() {
            body["nextPageToken"] = json!(next);
        }
        ResponseTemplate::new(200).set_body_json(body)
    };
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param_is_missing("pageToken"))
        .respond_with(page(&["a", "b"], "p2"))
        .mount(&server)
        .await;
    Mock::given(method("GET")).and(path(USERS)).and(query_param("pageToken", "p2")).respond_with(page(&["c"], "p3")).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(USERS))
        .and(query_param("pageToken", "p3"))
        .respond_with(page(&["d", "e"], ""))
        .mount(&server)
        .await;
    server
}

fn names(users: &[types::User]) -> Vec<&str> {
    users.iter().filter_map(|user| user.name.as_deref()).collect()
}

#[tokio::test]
async fn a_list_of_three_pages_streams_every_user() {
    let server = three_pages().await;
    let client = client(&server);
    let options = ListUsersOptions { page_size: Some(2), ..Default::default() };
    let users: Vec<types::User> = client.list_users_stream(CLUSTER, &options).try_collect().await.unwrap();
    assert_eq!(names(&users), ["a", "b", "c", "d", "e"]);
    let requests = server.received_requests().await.unwrap();
    let queries: Vec<Option<&str>> = requests.iter().map(|request| request.url.query()).collect();
    assert_eq!(queries, [Some("pageSize=2"), Some("pageSize=2&pageToken=p2"), Some("pageSize=2&pageToken=p3")]);
}

#[tokio::test]
async fn a_page_token_the_server_repeats_ends_the_list_with_an_error() {
    let server = MockServer::start().await;
    let body = json!({"users": [user("a")], "nextPageToken": "again"});
    Mock::given(method("GET")).and(path(USERS)).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let client = client(&server);
    let options = ListUsersOptions::default();
    let all: Vec<Result<types::User, Error>> = futures::StreamExt::collect(client.list_users_stream(CLUSTER, &options)).await;
    assert_eq!(all.len(), 3, "two pages of one user, then the error");
    assert!(matches!(all[2], Err(RuntimeError::RepeatedPageToken { page: 2 })), "{:?}", all[2]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_page_that_fails_once_is_retried_in_the_middle_of_a_list() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(query_param("pageToken", "p2"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let page = |names: &[&str], next: &str| {
        let users: Vec<serde_json::Value> = names.iter().map(|name| user(name)).collect();
        ResponseTemplate::new(200).set_body_json(json!({"users": users, "nextPageToken": next}))
    };
    Mock::given(method("GET")).and(query_param_is_missing("pageToken")).respond_with(page(&["a"], "p2")).mount(&server).await;
    Mock::given(method("GET")).and(query_param("pageToken", "p2")).respond_with(page(&["b"], "")).mount(&server).await;
    let users: Vec<types::User> = client(&server).list_users_stream(CLUSTER, &ListUsersOptions::default()).try_collect().await.unwrap();
    assert_eq!(names(&users), ["a", "b"]);
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "page 2 was asked for twice");
}
