//! Yandex `User.Update` as a long-running operation: waiting for its typed result, its error,
//! its deadline, a result of the wrong type, and resuming from a stored id.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::quick_retries;
use dbaas_clients::runtime as rt;
use dbaas_clients::runtime::Patch;
use dbaas_clients::yandex_mongodb::{Client, Error, UpdateUserLongRunning, types};
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";
const OPERATION: &str = "c9q8v0dj1r9r8mi0a8rf";

fn running() -> serde_json::Value {
    json!({
        "id": OPERATION,
        "description": "Update user in MongoDB cluster",
        "metadata": {"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.UpdateUserMetadata", "clusterId": CLUSTER, "userName": "app-01"}
    })
}

fn done_with(result: serde_json::Value) -> serde_json::Value {
    let mut operation = running();
    operation["done"] = json!(true);
    operation["response"] = result;
    operation
}

fn user() -> serde_json::Value {
    json!({"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User", "name": "app-01", "clusterId": CLUSTER,
           "permissions": [{"databaseName": "db1", "roles": ["readWrite"]}], "authType": "AUTH_TYPE_PASSWORD"})
}

/// A server whose PATCH starts the operation and whose polls answer `polls` in turn, the last
/// one for good.
async fn server(polls: Vec<ResponseTemplate>) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(running())).mount(&server).await;
    let count = polls.len();
    for (index, answer) in polls.into_iter().enumerate() {
        let mock = Mock::given(method("GET")).and(path(format!("/operations/{OPERATION}"))).respond_with(answer);
        let mock = if index + 1 < count { mock.up_to_n_times(1) } else { mock };
        mock.mount(&server).await;
    }
    let client = Client::builder().token("iam-token-xyz").base_url(server.uri()).retry(quick_retries()).build().unwrap();
    (server, client)
}

fn answer(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn password_only() -> types::UpdateUserRequest {
    types::UpdateUserRequest { password: Patch::Set("n3w-passw0rd".into()), ..Default::default() }
}

/// The handle of an answer, polling every few milliseconds.
fn quick(answer: rt::Response<UpdateUserLongRunning>) -> UpdateUserLongRunning {
    answer.into_body().first_poll_interval(Duration::from_millis(5))
}

async fn polls(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().iter().filter(|request| request.method.as_str() == "GET").count()
}

#[tokio::test]
async fn a_running_operation_is_polled_until_it_is_done_with_a_user() {
    let (server, client) = server(vec![answer(running()), answer(running()), answer(done_with(user()))]).await;
    let started = Instant::now();
    let answer = client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap();
    let mut operation = answer.into_body().first_poll_interval(Duration::from_millis(20));
    assert_eq!(operation.id(), OPERATION);
    assert!(!operation.is_done());
    let metadata = operation.operation().unwrap().metadata.as_ref().unwrap();
    assert_eq!(metadata.user_name.as_deref(), Some("app-01"), "the operation as sent, with typed metadata");
    let user: types::User = operation.wait().await.unwrap();
    assert_eq!(user.name.as_deref(), Some("app-01"));
    assert_eq!(user.permissions.unwrap()[0].roles.as_deref(), Some(&["readWrite".to_owned()][..]));
    assert_eq!(polls(&server).await, 3);
    assert!(operation.is_done(), "the handle keeps the last answer");
    assert_eq!(operation.operation().unwrap().done, Some(true));
    // Polls 20 ms, 40 ms and 80 ms apart: backing off from the first interval.
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(140), "{elapsed:?}");
    let again = operation.wait().await.unwrap();
    assert_eq!(again.name.as_deref(), Some("app-01"));
    assert_eq!(polls(&server).await, 3, "a finished operation gives its result again without polling");
}

#[tokio::test]
async fn the_one_line_form_gives_the_user() {
    let (_server, client) = server(vec![answer(done_with(user()))]).await;
    let user = client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap().wait().await.unwrap();
    assert_eq!(user.cluster_id.as_deref(), Some(CLUSTER));
}

#[tokio::test]
async fn an_operation_that_ends_in_error_is_a_typed_error() {
    let mut failed = running();
    failed["done"] = json!(true);
    failed["error"] = json!({"code": 9, "message": "User app-01 is protected from deletion",
        "details": [{"@type": "type.googleapis.com/google.rpc.RequestInfo", "requestId": "e38e71c3"}]});
    let (_server, client) = server(vec![answer(failed)]).await;
    let error = quick(client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap()).wait().await.unwrap_err();
    let Error::OperationFailed(failure) = &error else { panic!("expected OperationFailed, got {error:?}") };
    assert_eq!((failure.code, failure.message.as_str()), (9, "User app-01 is protected from deletion"));
    assert_eq!(failure.details[0]["requestId"], "e38e71c3");
    assert_eq!(failure.id, OPERATION);
    assert_eq!(error.to_string(), format!("operation `{OPERATION}` failed: User app-01 is protected from deletion (code 9)"));
}

#[tokio::test]
async fn an_operation_that_never_finishes_stops_at_the_deadline_with_its_id() {
    let (server, client) = server(vec![answer(running())]).await;
    let answer = client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap();
    let mut operation = answer.into_body().first_poll_interval(Duration::from_millis(10)).max_poll_interval(Duration::from_millis(40));
    let started = Instant::now();
    let error = operation.wait_for(Duration::from_millis(300)).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
    let Error::OperationTimeout { id, .. } = &error else { panic!("expected OperationTimeout, got {error:?}") };
    assert_eq!(id, OPERATION);
    assert!(polls(&server).await >= 2);
}

#[tokio::test]
async fn a_result_of_another_type_is_refused() {
    let cluster = json!({"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.Cluster", "name": "c"});
    let (_server, client) = server(vec![answer(done_with(cluster))]).await;
    let error = quick(client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap()).wait().await.unwrap_err();
    let Error::UnexpectedResult { expected, found, .. } = &error else { panic!("expected UnexpectedResult, got {error:?}") };
    assert_eq!(expected, "yandex.cloud.mdb.mongodb.v1.User");
    assert_eq!(found, "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.Cluster");
}

#[tokio::test]
async fn a_stored_id_gives_the_same_handle_back() {
    let (server, client) = server(vec![answer(running()), answer(done_with(user()))]).await;
    let mut resumed = client.resume_update_user(OPERATION).first_poll_interval(Duration::from_millis(5));
    assert_eq!(resumed.id(), OPERATION);
    assert!(resumed.operation().is_none(), "nothing is sent until it is waited on");
    assert_eq!(polls(&server).await, 0);
    let user = resumed.wait().await.unwrap();
    assert_eq!(user.name.as_deref(), Some("app-01"));
    assert_eq!(polls(&server).await, 2);
}

#[tokio::test]
async fn polling_goes_through_the_retries() {
    let (server, client) = server(vec![ResponseTemplate::new(503), answer(done_with(user()))]).await;
    client.resume_update_user(OPERATION).first_poll_interval(Duration::from_millis(5)).wait().await.unwrap();
    assert_eq!(polls(&server).await, 2, "the 503 was retried");
}

#[tokio::test]
async fn a_poll_that_echoes_what_the_starting_call_sent_is_redacted() {
    let echo = json!({"code": 3, "message": "Illegal argument password: n3w-passw0rd is too weak (n3w%2Dpassw0rd)"});
    let (_server, client) = server(vec![ResponseTemplate::new(400).set_body_json(echo)]).await;
    let error = quick(client.update_user(CLUSTER, "app-01", &password_only()).await.unwrap()).wait().await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected the poll's API error, got {error:?}") };
    assert_eq!(api.status, 400);
    for text in [error.to_string(), format!("{error:?}"), api.raw_body.clone()] {
        assert!(!text.contains("n3w-passw0rd") && !text.contains("n3w%2Dpassw0rd"), "{text}");
        assert!(text.contains("Illegal argument password: [REDACTED] is too weak ([REDACTED])"), "{text}");
    }
    assert_eq!(api.body.as_ref().and_then(|status| status.code), Some(3), "the redacted body still decodes");
}
