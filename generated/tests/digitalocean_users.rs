//! The whole database-user resource of DigitalOcean: what each operation sends, each answer
//! the spec declares decoded, and each declared error typed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{header, only_request};
use dbaas_clients::digitalocean::{Client, Error, types};
use dbaas_clients::runtime::RetryPolicy;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn client(server: &MockServer) -> Client {
    Client::builder().token("do-token-123").base_url(server.uri()).retry(RetryPolicy::disabled()).build().unwrap()
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

fn user(name: &str) -> serde_json::Value {
    json!({"name": name, "role": "normal", "password": "wv78n3zpz42xezdk", "mysql_settings": {"auth_plugin": "mysql_native_password"}})
}

/// The one request the server got: method, path, query, body (as text) and content type.
async fn sent(server: &MockServer) -> (String, String, Option<String>, String, Option<String>) {
    let request = only_request(server).await;
    assert_eq!(header(&request, "authorization"), Some("Bearer do-token-123"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    let content_type = header(&request, "content-type").map(str::to_owned);
    (
        request.method.to_string(),
        request.url.path().to_owned(),
        request.url.query().map(str::to_owned),
        String::from_utf8(request.body).unwrap(),
        content_type,
    )
}

#[tokio::test]
async fn listing_users_sends_a_get_and_decodes_every_user() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"users": [user("app-01"), user("doadmin")]}))).await;
    let answer = client(&server).databases_list_users(CLUSTER).await.unwrap();
    let users = answer.users.as_ref().unwrap();
    assert_eq!(users.iter().map(|user| user.name.as_str()).collect::<Vec<_>>(), ["app-01", "doadmin"]);
    assert_eq!(users[0].password.as_ref().map(|password| password.expose()), Some("wv78n3zpz42xezdk"));
    assert_eq!(sent(&server).await, ("GET".into(), format!("/v2/databases/{CLUSTER}/users"), None, String::new(), None));
}

#[tokio::test]
async fn adding_a_user_posts_its_name_and_settings() {
    let server = answering(ResponseTemplate::new(201).set_body_json(json!({"user": user("app-02")}))).await;
    let body = types::DatabasesAddUserRequest {
        name: "app-02".to_owned(),
        mysql_settings: Some(types::MysqlSettings { auth_plugin: types::MysqlSettingsAuthPlugin::MysqlNativePassword }),
        ..Default::default()
    };
    let answer = client(&server).databases_add_user(CLUSTER, &body).await.unwrap();
    assert_eq!((answer.status(), answer.user.name.as_str()), (201, "app-02"));
    let expected_body = r#"{"name":"app-02","mysql_settings":{"auth_plugin":"mysql_native_password"}}"#;
    assert_eq!(
        sent(&server).await,
        ("POST".into(), format!("/v2/databases/{CLUSTER}/users"), None, expected_body.into(), Some("application/json".into()))
    );
}

#[tokio::test]
async fn reading_a_user_sends_a_get_with_its_name_as_one_segment() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"user": user("we/ird user")}))).await;
    let answer = client(&server).databases_get_user(CLUSTER, "we/ird user").await.unwrap();
    assert_eq!(answer.user.name, "we/ird user");
    assert_eq!(sent(&server).await, ("GET".into(), format!("/v2/databases/{CLUSTER}/users/we%2Fird%20user"), None, String::new(), None));
}

#[tokio::test]
async fn removing_a_user_sends_a_delete_and_takes_the_204() {
    let server = answering(ResponseTemplate::new(204)).await;
    let answer = client(&server).databases_delete_user(CLUSTER, "app-01").await.unwrap();
    assert_eq!(answer.status(), 204);
    assert_eq!(sent(&server).await, ("DELETE".into(), format!("/v2/databases/{CLUSTER}/users/app-01"), None, String::new(), None));
}

#[tokio::test]
async fn resetting_auth_posts_the_mysql_settings_and_decodes_the_user() {
    let server = answering(ResponseTemplate::new(200).set_body_json(json!({"user": user("app-01")}))).await;
    let body = types::DatabasesResetAuthRequest {
        mysql_settings: Some(types::MysqlSettings { auth_plugin: types::MysqlSettingsAuthPlugin::CachingSha2Password }),
    };
    let answer = client(&server).databases_reset_auth(CLUSTER, "app-01", &body).await.unwrap();
    assert_eq!(answer.user.name, "app-01");
    let expected_body = r#"{"mysql_settings":{"auth_plugin":"caching_sha2_password"}}"#;
    assert_eq!(
        sent(&server).await,
        (
            "POST".into(),
            format!("/v2/databases/{CLUSTER}/users/app-01/reset_auth"),
            None,
            expected_body.into(),
            Some("application/json".into())
        )
    );
}

#[tokio::test]
async fn every_declared_error_of_every_operation_is_typed() {
    for status in [401, 404, 422, 429, 500, 418] {
        let body = json!({"id": format!("error_{status}"), "message": "no", "request_id": "r-1"});
        let server = answering(ResponseTemplate::new(status).set_body_json(body)).await;
        let client = client(&server);
        let add = types::DatabasesAddUserRequest { name: "app-02".to_owned(), ..Default::default() };
        let update = types::DatabasesUpdateUserRequest { settings: Default::default() };
        let reset = types::DatabasesResetAuthRequest { mysql_settings: None };
        let errors: Vec<Error> = vec![
            client.databases_list_users(CLUSTER).await.unwrap_err(),
            client.databases_add_user(CLUSTER, &add).await.unwrap_err(),
            client.databases_get_user(CLUSTER, "app-01").await.unwrap_err(),
            client.databases_update_user(CLUSTER, "app-01", &update).await.unwrap_err(),
            client.databases_delete_user(CLUSTER, "app-01").await.unwrap_err(),
            client.databases_reset_auth(CLUSTER, "app-01", &reset).await.unwrap_err(),
        ];
        for error in errors {
            let Error::Api(api) = &error else { panic!("{status}: expected an API error, got {error:?}") };
            assert_eq!(api.status, status);
            let body = api.body.as_ref().unwrap_or_else(|| panic!("{status}: the body is typed: {}", api.raw_body));
            assert_eq!((body.id.as_str(), body.request_id.as_deref()), (format!("error_{status}").as_str(), Some("r-1")));
        }
    }
}
