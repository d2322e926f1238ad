//! The requests of the six DigitalOcean database-user operations are what pydo (DigitalOcean's
//! own Python client) sends for the same arguments: method, path and its escaping, query,
//! `Authorization`, `Content-Type` and JSON body. pydo's requests are recorded by
//! `tests/pydo/requests.py` (`.ci/run` runs it and names its output in `DBAAS_PYDO_REQUESTS`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use dbaas_clients::digitalocean::{Client, types};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const USER: &str = "we/ird user?x=1#f%2F";

/// Answers each operation as the API does.
struct Api;

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let user = json!({"user": {"name": "app-01"}});
        match (request.method.as_str(), request.url.path().ends_with("/reset_auth")) {
            ("GET", _) => ResponseTemplate::new(200).set_body_json(json!({"users": [{"name": "app-01"}], "user": {"name": "app-01"}})),
            ("POST", true) => ResponseTemplate::new(200).set_body_json(user),
            ("DELETE", _) => ResponseTemplate::new(204),
            _ => ResponseTemplate::new(201).set_body_json(user),
        }
    }
}

/// What the client sent for each operation, in pydo's terms.
async fn ours() -> Vec<Value> {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Api).mount(&server).await;
    let client = Client::builder().token("dop_v1_parity").base_url(server.uri()).build().unwrap();
    let add = types::DatabasesAddUserRequest {
        name: "app-02".to_owned(),
        mysql_settings: Some(types::MysqlSettings { auth_plugin: types::MysqlSettingsAuthPlugin::MysqlNativePassword }),
        ..Default::default()
    };
    let update =
        types::DatabasesUpdateUserRequest { settings: types::UserSettings { pg_allow_replication: Some(true), ..Default::default() } };
    let reset = types::DatabasesResetAuthRequest {
        mysql_settings: Some(types::MysqlSettings { auth_plugin: types::MysqlSettingsAuthPlugin::CachingSha2Password }),
    };
    client.databases_list_users(CLUSTER).await.unwrap();
    client.databases_add_user(CLUSTER, &add).await.unwrap();
    client.databases_get_user(CLUSTER, USER).await.unwrap();
    client.databases_update_user(CLUSTER, USER, &update).await.unwrap();
    client.databases_delete_user(CLUSTER, USER).await.unwrap();
    client.databases_reset_auth(CLUSTER, USER, &reset).await.unwrap();
    let operations = [
        "databases_list_users",
        "databases_add_user",
        "databases_get_user",
        "databases_update_user",
        "databases_delete_user",
        "databases_reset_auth",
    ];
    let requests = server.received_requests().await.unwrap();
    operations
        .iter()
        .zip(requests)
        .map(|(operation, request)| {
            let body: Value = if request.body.is_empty() { Value::Null } else { serde_json::from_slice(&request.body).unwrap() };
            json!({
                "operation": operation,
                "method": request.method.as_str(),
                "path": request.url.path(),
                "query": request.url.query(),
                "authorization": common::header(&request, "authorization"),
                "content_type": common::header(&request, "content-type"),
                "body": body,
            })
        })
        .collect()
}

#[tokio::test]
async fn every_operation_sends_what_pydo_sends() {
    let Some(recorded) = std::env::var_os("DBAAS_PYDO_REQUESTS") else {
        assert!(std::env::var_os("DBAAS_VENDOR_SPECS_REQUIRED").is_none(), "DBAAS_PYDO_REQUESTS must name pydo's recorded requests");
        println!("DBAAS_PYDO_REQUESTS is not set: run tests/pydo/requests.py to record what pydo sends");
        return;
    };
    let pydo: Vec<Value> = serde_json::from_str(&std::fs::read_to_string(recorded).expect("pydo's requests")).expect("JSON");
    let ours = ours().await;
    assert_eq!(pydo.len(), 6);
    for (theirs, ours) in pydo.iter().zip(&ours) {
        assert_eq!(ours, theirs, "{}", theirs["operation"]);
    }
}
