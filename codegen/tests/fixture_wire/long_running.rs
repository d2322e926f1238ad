//! The `long_running` fixture against a real local HTTP server: nested masked objects named
//! by dotted paths, and waiting on the task the update starts.

#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use dbaas_clients::long_running::{Client, Error, types};
use dbaas_clients::runtime::Patch;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(method("PATCH")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "t-1"}))).mount(&server).await;
    let done = json!({"id": "t-1", "done": true, "response": {"@type": "type.example.com/example.v1.Cluster", "name": "c1"}});
    Mock::given(method("GET")).and(path("/tasks/t-1")).respond_with(ResponseTemplate::new(200).set_body_json(done)).mount(&server).await;
    let client = Client::builder().base_url(server.uri()).build().unwrap();
    (server, client)
}

async fn sent(body: &types::UpdateClusterRequest) -> String {
    let (server, client) = server().await;
    client.update_cluster("c1", body).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    String::from_utf8(requests[0].body.clone()).unwrap()
}

fn mongodb(version: &str) -> Patch<types::MongodbSpec> {
    Patch::Set(types::MongodbSpec { version: Patch::Set(version.to_owned()), ..Default::default() })
}

#[tokio::test]
async fn nested_fields_are_named_by_dotted_paths() {
    let body = types::UpdateClusterRequest {
        config_spec: Patch::Set(types::ConfigSpec { mongodb: mongodb("7.0"), backup_window_start: Patch::Reset }),
        ..Default::default()
    };
    assert_eq!(
        sent(&body).await,
        r#"{"updateMask":"configSpec.mongodb.version,configSpec.backupWindowStart","configSpec":{"mongodb":{"version":"7.0"}}}"#
    );
    let whole = types::UpdateClusterRequest { config_spec: Patch::Reset, description: Patch::Set("d".into()), ..Default::default() };
    assert_eq!(sent(&whole).await, r#"{"updateMask":"description,configSpec","description":"d"}"#);
}

#[tokio::test]
async fn an_explicit_mask_may_name_a_whole_nested_object() {
    let body = types::UpdateClusterRequest {
        update_mask: Some("configSpec".to_owned()),
        config_spec: Patch::Set(types::ConfigSpec { mongodb: mongodb("7.0"), ..Default::default() }),
        ..Default::default()
    };
    assert_eq!(sent(&body).await, r#"{"updateMask":"configSpec","configSpec":{"mongodb":{"version":"7.0"}}}"#);

    let (server, client) = server().await;
    let conflict = types::UpdateClusterRequest { update_mask: Some("configSpec.backupWindowStart".to_owned()), ..body };
    let error = client.update_cluster("c1", &conflict).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    assert_eq!(argument.argument, "body.configSpec.mongodb.version");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn nested_constraints_are_checked() {
    let (server, client) = server().await;
    let body = types::UpdateClusterRequest {
        config_spec: Patch::Set(types::ConfigSpec { mongodb: mongodb("latest"), ..Default::default() }),
        ..Default::default()
    };
    let error = client.update_cluster("c1", &body).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    assert_eq!(argument.argument, "body.configSpec.mongodb.version");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[test]
fn nested_wire_json_round_trips() {
    let wire = r#"{"updateMask":"configSpec.mongodb.version,configSpec.backupWindowStart","configSpec":{"mongodb":{"version":"7.0"}}}"#;
    let read: types::UpdateClusterRequest = serde_json::from_str(wire).unwrap();
    let Patch::Set(config) = &read.config_spec else { panic!("configSpec is set: {read:?}") };
    assert_eq!(config.backup_window_start, Patch::Reset);
    assert_eq!(read.update_mask, None);
    assert_eq!(serde_json::to_string(&read).unwrap(), wire);
}

#[tokio::test]
async fn the_task_is_waited_on_to_its_typed_result() {
    let (_server, client) = server().await;
    let body = types::UpdateClusterRequest { description: Patch::Set("d".into()), ..Default::default() };
    let cluster: types::Cluster = client.update_cluster("c1", &body).await.unwrap().wait().await.unwrap();
    assert_eq!(cluster.name.as_deref(), Some("c1"));
}
