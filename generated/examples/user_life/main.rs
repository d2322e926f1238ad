//! One user's life on each cloud (add or create it, grant it rights, list the cluster's
//! users, change its password, delete it), run against local servers that answer as the
//! APIs do:
//!
//! ```text
//! cargo run -p dbaas-clients --example user_life
//! ```
//!
//! `life.rs` is the code an app writes, shown as it is in the README.

#![allow(clippy::unwrap_used, clippy::expect_used)] // an example stops at a broken local server

mod life;

use dbaas_clients::{digitalocean, yandex_mongodb};
use serde_json::json;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const DO_CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const YC_CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";

#[tokio::main]
async fn main() {
    let server = digitalocean_server().await;
    let client = digitalocean::Client::builder().token("dop_v1_example").base_url(server.uri()).build().unwrap();
    life::on_digitalocean(&client, DO_CLUSTER).await.unwrap();

    let server = yandex_server().await;
    let client = yandex_mongodb::Client::builder().token("iam-example").base_url(server.uri()).build().unwrap();
    life::on_yandex(&client, YC_CLUSTER).await.unwrap();
    println!("both users lived and are gone");
}

/// Answers DigitalOcean's six user operations.
async fn digitalocean_server() -> MockServer {
    let server = MockServer::start().await;
    let user = json!({"user": {"name": "app-01", "role": "normal", "password": "jge5lfxtzhx42iff"}});
    let users = format!("/v2/databases/{DO_CLUSTER}/users");
    Mock::given(method("POST")).and(path(users.clone())).respond_with(ResponseTemplate::new(201).set_body_json(&user)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(users.clone()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"users": [user["user"]]})))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("{users}/app-01")))
        .respond_with(ResponseTemplate::new(201).set_body_json(&user))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{users}/app-01/reset_auth")))
        .respond_with(ResponseTemplate::new(200).set_body_json(&user))
        .mount(&server)
        .await;
    Mock::given(method("DELETE")).and(path(format!("{users}/app-01"))).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    server
}

/// Answers Yandex Cloud's user operations and the polls of the operations they start, each
/// done at its first poll.
async fn yandex_server() -> MockServer {
    let server = MockServer::start().await;
    let users = format!("/managed-mongodb/v1/clusters/{YC_CLUSTER}/users");
    let user = json!({"@type": "type.googleapis.com/yandex.cloud.mdb.mongodb.v1.User", "name": "app-01", "clusterId": YC_CLUSTER});
    let empty = json!({"@type": "type.googleapis.com/google.protobuf.Empty"});
    let changes = [
        ("POST", users.clone(), "op-create", &user),
        ("POST", format!("{users}/app-01:grantPermission"), "op-grant", &user),
        ("PATCH", format!("{users}/app-01"), "op-update", &user),
        ("DELETE", format!("{users}/app-01"), "op-delete", &empty),
    ];
    for (verb, route, id, result) in changes {
        Mock::given(method(verb))
            .and(path(route))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": id})))
            .mount(&server)
            .await;
        let done = json!({"id": id, "done": true, "response": result});
        Mock::given(method("GET"))
            .and(path(format!("/operations/{id}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(done))
            .mount(&server)
            .await;
    }
    let page = json!({"users": [{"name": "app-01", "clusterId": YC_CLUSTER}]});
    Mock::given(method("GET"))
        .and(path_regex(format!("^{users}$")))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .mount(&server)
        .await;
    server
}
