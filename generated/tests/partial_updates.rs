//! Yandex `User.Update` as a partial update: the mask the client computes from what the caller
//! set or reset, an explicit mask, conflicts refused before sending, and the wire JSON both ways.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{nothing_sent, only_request};
use dbaas_clients::runtime::{ArgumentProblem, Patch};
use dbaas_clients::yandex_mongodb::{Client, Error, types};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";

async fn server_and_client() -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "op-1"}))).mount(&server).await;
    let client = Client::builder().token("iam-token-xyz").base_url(server.uri()).build().unwrap();
    (server, client)
}

fn permission(database: &str, role: &str) -> types::Permission {
    types::Permission { database_name: Some(database.to_owned()), roles: Some(vec![role.to_owned()]) }
}

/// What the client sends for `body`.
async fn sent(body: &types::UpdateUserRequest) -> String {
    let (server, client) = server_and_client().await;
    client.update_user(CLUSTER, "app-01", body).await.unwrap();
    String::from_utf8(only_request(&server).await.body).unwrap()
}

fn password(text: &str) -> Patch<dbaas_clients::runtime::Secret> {
    Patch::Set(text.into())
}

#[tokio::test]
async fn a_password_alone_is_the_only_field_named() {
    let body = types::UpdateUserRequest { password: password("n3w-passw0rd"), ..Default::default() };
    assert_eq!(sent(&body).await, r#"{"updateMask":"password","password":"n3w-passw0rd"}"#);
}

#[tokio::test]
async fn permissions_alone_leave_the_password_alone() {
    let body = types::UpdateUserRequest { permissions: Patch::Set(vec![permission("db1", "read")]), ..Default::default() };
    assert_eq!(sent(&body).await, r#"{"updateMask":"permissions","permissions":[{"databaseName":"db1","roles":["read"]}]}"#);
}

#[tokio::test]
async fn both_are_named_in_the_spec_order() {
    let body = types::UpdateUserRequest {
        permissions: Patch::Set(vec![permission("db1", "readWrite")]),
        password: password("s3cr3t"),
        ..Default::default()
    };
    assert_eq!(
        sent(&body).await,
        r#"{"updateMask":"password,permissions","password":"s3cr3t","permissions":[{"databaseName":"db1","roles":["readWrite"]}]}"#
    );
}

#[tokio::test]
async fn revoking_every_permission_sends_an_empty_list() {
    let body = types::UpdateUserRequest { permissions: Patch::Set(Vec::new()), ..Default::default() };
    assert_eq!(sent(&body).await, r#"{"updateMask":"permissions","permissions":[]}"#);
}

#[tokio::test]
async fn a_reset_field_is_named_and_not_sent() {
    let body = types::UpdateUserRequest { deletion_protection: Patch::Reset, password: password("pw"), ..Default::default() };
    assert_eq!(sent(&body).await, r#"{"updateMask":"password,deletionProtection","password":"pw"}"#);
}

#[tokio::test]
async fn an_explicit_mask_is_sent_as_given() {
    let body = types::UpdateUserRequest {
        update_mask: Some("permissions,password,deletionProtection".to_owned()),
        password: password("pw"),
        permissions: Patch::Set(vec![]),
        ..Default::default()
    };
    assert_eq!(sent(&body).await, r#"{"updateMask":"permissions,password,deletionProtection","password":"pw","permissions":[]}"#);
}

#[tokio::test]
async fn a_set_field_missing_from_an_explicit_mask_is_refused_before_sending() {
    let (server, client) = server_and_client().await;
    let body = types::UpdateUserRequest {
        update_mask: Some("permissions".to_owned()),
        password: password("pw"),
        permissions: Patch::Set(vec![]),
        ..Default::default()
    };
    let error = client.update_user(CLUSTER, "app-01", &body).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    assert_eq!(argument.argument, "body.password");
    assert!(matches!(&argument.problem, ArgumentProblem::NotInUpdateMask { path } if path == "password"));
    assert!(error.to_string().contains("the update mask given does not name `password`"), "{error}");

    let reset =
        types::UpdateUserRequest { update_mask: Some("password".to_owned()), generate_password: Patch::Reset, ..Default::default() };
    let error = client.update_user(CLUSTER, "app-01", &reset).await.unwrap_err();
    assert!(matches!(&error, Error::Argument(argument) if argument.argument == "body.generatePassword"), "{error:?}");
    assert!(nothing_sent(&server).await);
}

#[tokio::test]
async fn an_update_that_changes_nothing_is_refused() {
    let (server, client) = server_and_client().await;
    let error = client.update_user(CLUSTER, "app-01", &types::UpdateUserRequest::default()).await.unwrap_err();
    let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
    assert!(matches!(argument.problem, ArgumentProblem::EmptyUpdate { mask_field: "updateMask" }));
    assert!(error.to_string().contains("an empty `updateMask` would reset every field"), "{error}");
    assert!(nothing_sent(&server).await);
}

/// The wire JSON of a body, read back, is the same body; and a body read from wire JSON
/// writes the same JSON.
fn round_trips(body: &types::UpdateUserRequest, wire: &str) {
    assert_eq!(serde_json::to_string(body).unwrap(), wire);
    let read: types::UpdateUserRequest = serde_json::from_str(wire).unwrap();
    assert_eq!(&read, body, "reading {wire}");
    assert_eq!(serde_json::to_string(&read).unwrap(), wire);
}

#[test]
fn each_body_round_trips_through_its_wire_json() {
    round_trips(
        &types::UpdateUserRequest { password: password("pw"), ..Default::default() },
        r#"{"updateMask":"password","password":"pw"}"#,
    );
    round_trips(
        &types::UpdateUserRequest { permissions: Patch::Set(vec![]), ..Default::default() },
        r#"{"updateMask":"permissions","permissions":[]}"#,
    );
    round_trips(
        &types::UpdateUserRequest {
            password: password("pw"),
            permissions: Patch::Set(vec![permission("db", "read")]),
            ..Default::default()
        },
        r#"{"updateMask":"password,permissions","password":"pw","permissions":[{"databaseName":"db","roles":["read"]}]}"#,
    );
    round_trips(
        &types::UpdateUserRequest { deletion_protection: Patch::Reset, ..Default::default() },
        r#"{"updateMask":"deletionProtection"}"#,
    );
    round_trips(
        &types::UpdateUserRequest {
            update_mask: Some("permissions,password".to_owned()),
            password: password("pw"),
            permissions: Patch::Reset,
            ..Default::default()
        },
        r#"{"updateMask":"permissions,password","password":"pw"}"#,
    );
}

#[test]
fn wire_json_without_a_mask_reads_present_as_set_absent_as_untouched_and_null_as_reset() {
    let read: types::UpdateUserRequest = serde_json::from_str(r#"{"password":"pw","permissions":[],"generatePassword":null}"#).unwrap();
    assert_eq!(read.password, password("pw"));
    assert_eq!(read.permissions, Patch::Set(vec![]));
    assert_eq!(read.generate_password, Patch::Reset);
    assert_eq!(read.deletion_protection, Patch::Untouched);
    assert_eq!(read.update_mask, None);

    let read: types::UpdateUserRequest = serde_json::from_str(r#"{"updateMask":"password,permissions","password":"pw"}"#).unwrap();
    assert_eq!(read.permissions, Patch::Reset, "named by the mask, left out of the body");
    assert_eq!(read.update_mask, None, "the mask the fields give is not kept as an explicit one");
    assert!(serde_json::from_str::<types::UpdateUserRequest>(r#"{"updateMask":["password"]}"#).is_err(), "one string, not a list");
}
