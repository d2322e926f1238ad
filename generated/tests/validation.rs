//! Every constraint the spec states is checked before anything is sent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::nothing_sent;
use dbaas_clients::runtime::Patch;
use dbaas_clients::yandex_mongodb::{Client, Error, types};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"id": "op"}))).mount(&server).await;
    let client = Client::builder().token("iam-token-xyz").base_url(server.uri()).build().unwrap();
    (server, client)
}

fn with_password(password: &str) -> types::UpdateUserRequest {
    types::UpdateUserRequest { password: Patch::Set(password.into()), ..Default::default() }
}

async fn refused(client: &Client, cluster: &str, user: &str, body: &types::UpdateUserRequest) -> (String, String) {
    let error = client.update_user(cluster, user, body).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    (argument.argument.clone(), error.to_string())
}

#[tokio::test]
async fn constraints_of_path_parameters_and_body_fields_never_reach_the_network() {
    let (server, client) = server_and_client().await;
    let ok = with_password("fine");
    let (at, message) = refused(&client, "c9qgcm4nv7ajkbj8d3bq", &"u".repeat(64), &ok).await;
    assert_eq!(at, "path.userName");
    assert_eq!(message, "argument `path.userName` was refused: longer than 63 characters (maxLength)");
    let (at, message) = refused(&client, "c9qgcm4nv7ajkbj8d3bq", "app 01", &ok).await;
    assert_eq!(at, "path.userName");
    assert!(message.ends_with("does not match the pattern `^[a-zA-Z0-9_][a-zA-Z0-9_@.-]*$`"), "{message}");
    let (at, _) = refused(&client, &"c".repeat(51), "app-01", &ok).await;
    assert_eq!(at, "path.clusterId");
    let long_password = "p".repeat(129);
    let (at, message) = refused(&client, "c9qgcm4nv7ajkbj8d3bq", "app-01", &with_password(&long_password)).await;
    assert_eq!(at, "body.password");
    assert!(!message.contains(&long_password), "the value is never quoted: {message}");
    assert!(nothing_sent(&server).await);

    client.update_user("c9qgcm4nv7ajkbj8d3bq", &"u".repeat(63), &with_password(&"p".repeat(128))).await.unwrap();
}

#[tokio::test]
async fn a_database_name_is_checked_as_a_whole_against_its_pattern() {
    let (server, client) = server_and_client().await;
    let body = types::RevokeUserPermissionRequest { database_name: "db 2/../x".into() };
    let error = client.revoke_permission("c9qgcm4nv7ajkbj8d3bq", "app-01", &body).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    assert_eq!(argument.argument, "body.databaseName");
    assert!(nothing_sent(&server).await);
}

#[tokio::test]
async fn a_uuid_taken_as_text_is_refused_before_sending_when_it_is_not_one() {
    use dbaas_clients::digitalocean;
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"user": {"name": "app-01"}})))
        .mount(&server)
        .await;
    let client = digitalocean::Client::builder().token("dop_v1_token").base_url(server.uri()).build().unwrap();
    let error = client.databases_get_user("my-cluster", "app-01").await.unwrap_err();
    assert_eq!(
        error.to_string(),
        "argument `path.database_cluster_uuid` was refused: is not a valid `uuid` (format)",
        "as the double refuses it"
    );
    assert!(nothing_sent(&server).await);
    let user = client.databases_get_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01").await.unwrap();
    assert_eq!(user.user.name, "app-01");
}
