//! What `digitalocean::Client` sends and what its caller gets back, against a real local
//! HTTP server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{header, nothing_sent, only_request, quick_retries, user_agent};
use dbaas_clients::digitalocean::{Client, Error, types};
use dbaas_clients::runtime::{ArgumentProblem, ConfigError};
use serde_json::json;
use std::time::Duration;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn client(server: &MockServer) -> Client {
    Client::builder().token("do-token-123").base_url(server.uri()).retry(quick_retries()).build().unwrap()
}

fn kafka_body() -> types::DatabasesUpdateUserRequest {
    types::DatabasesUpdateUserRequest {
        settings: types::UserSettings {
            acl: Some(vec![types::KafkaAcl {
                id: None,
                topic: "topic-abc.*".to_owned(),
                permission: types::KafkaAclPermission::Produceconsume,
            }]),
            ..Default::default()
        },
    }
}

fn user_json() -> serde_json::Value {
    json!({"user": {
        "name": "app-01",
        "role": "normal",
        "password": "jge5lfxtzhx42iff",
        "settings": {"acl": [{"id": "aaa", "topic": "topic-abc.*", "permission": "produceconsume"}]}
    }})
}

async fn answering(template: ResponseTemplate) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(template).mount(&server).await;
    server
}

#[tokio::test]
async fn sends_the_exact_request() {
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap();

    let request = only_request(&server).await;
    assert_eq!(request.method.as_str(), "PUT");
    assert_eq!(request.url.path(), format!("/v2/databases/{CLUSTER}/users/app-01"));
    assert_eq!(request.url.query(), None);
    assert_eq!(header(&request, "authorization"), Some("Bearer do-token-123"));
    assert_eq!(header(&request, "content-type"), Some("application/json"));
    assert_eq!(header(&request, "accept"), Some("application/json"));
    assert_eq!(header(&request, "user-agent"), Some(user_agent().as_str()));
    assert_eq!(String::from_utf8(request.body).unwrap(), r#"{"settings":{"acl":[{"topic":"topic-abc.*","permission":"produceconsume"}]}}"#);
}

#[tokio::test]
async fn every_settings_member_goes_on_the_wire_by_its_own_name() {
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let body = types::DatabasesUpdateUserRequest {
        settings: types::UserSettings {
            pg_allow_replication: Some(true),
            opensearch_acl: Some(vec![types::OpensearchAcl {
                index: Some("index-abc.*".to_owned()),
                permission: Some(types::OpensearchAclPermission::Readwrite),
            }]),
            acl: None,
            mongo_user_settings: Some(types::MongoUserSettings {
                databases: Some(vec!["my-db".to_owned(), "my-db-2".to_owned()]),
                role: Some(types::MongoUserSettingsRole::ReadOnly),
            }),
        },
    };
    client(&server).databases_update_user(CLUSTER, "app-01", &body).await.unwrap();
    let sent = String::from_utf8(only_request(&server).await.body).unwrap();
    assert_eq!(
        sent,
        r#"{"settings":{"pg_allow_replication":true,"opensearch_acl":[{"index":"index-abc.*","permission":"readwrite"}],"mongo_user_settings":{"databases":["my-db","my-db-2"],"role":"readOnly"}}}"#
    );
}

#[tokio::test]
async fn special_characters_stay_inside_one_path_segment() {
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let client = client(&server);
    client.databases_update_user(CLUSTER, "we/ird user?x=1#f%2F", &kafka_body()).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), format!("/v2/databases/{CLUSTER}/users/we%2Fird%20user%3Fx%3D1%23f%252F"));
    assert_eq!(request.url.query(), None);
    assert_eq!(request.url.fragment(), None);

    server.reset().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(201).set_body_json(user_json())).mount(&server).await;
    client.databases_update_user(CLUSTER, "пользователь-ü", &kafka_body()).await.unwrap();
    let request = only_request(&server).await;
    assert_eq!(
        request.url.path(),
        format!("/v2/databases/{CLUSTER}/users/%D0%BF%D0%BE%D0%BB%D1%8C%D0%B7%D0%BE%D0%B2%D0%B0%D1%82%D0%B5%D0%BB%D1%8C-%C3%BC")
    );
}

#[tokio::test]
async fn a_201_decodes_into_the_typed_user() {
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let answer = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap();
    let user = answer.into_body().user;
    assert_eq!(user.name, "app-01");
    assert_eq!(user.role, Some(types::DatabaseUserRole::Normal));
    assert_eq!(user.password.as_ref().map(|p| p.expose()), Some("jge5lfxtzhx42iff"));
    assert!(!format!("{user:?}").contains("jge5lfxtzhx42iff"), "Debug must not show the password");
    let acl = user.settings.and_then(|s| s.acl).unwrap();
    assert_eq!(acl[0].id.as_deref(), Some("aaa"));
    assert_eq!(acl[0].permission, types::KafkaAclPermission::Produceconsume);
}

#[tokio::test]
async fn a_200_is_accepted_too() {
    let server = answering(ResponseTemplate::new(200).set_body_json(user_json())).await;
    let answer = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap();
    assert_eq!(answer.user.name, "app-01");
}

#[tokio::test]
async fn an_unknown_enum_value_is_kept_rather_than_failing() {
    let body = json!({"user": {"name": "app-01", "role": "superuser"}});
    let server = answering(ResponseTemplate::new(201).set_body_json(body)).await;
    let answer = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap();
    let role = answer.user.role.as_ref().unwrap();
    assert!(matches!(role, types::DatabaseUserRole::UnknownValue(value) if value.as_str() == "superuser"), "{role:?}");
    assert_eq!(role.as_str(), "superuser");
}

#[tokio::test]
async fn a_404_is_an_api_error_with_the_decoded_body() {
    let body = json!({"id": "not_found", "message": "The resource you requested could not be found.", "request_id": "4d9d8375-3c56"});
    let server = answering(ResponseTemplate::new(404).set_body_json(body)).await;
    let error = client(&server).databases_update_user(CLUSTER, "ghost", &kafka_body()).await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status, 404);
    let decoded = api.body.as_ref().unwrap();
    assert_eq!(decoded.id, "not_found");
    assert_eq!(decoded.message, "The resource you requested could not be found.");
    assert_eq!(decoded.request_id.as_deref(), Some("4d9d8375-3c56"));
    assert_eq!(
        error.to_string(),
        r#"the server answered HTTP 404 Not Found: {"id":"not_found","message":"The resource you requested could not be found.","request_id":"4d9d8375-3c56"}"#
    );
}

#[tokio::test]
async fn an_html_502_is_retried_and_keeps_the_raw_body() {
    let page = "<html><head><title>502 Bad Gateway</title></head>\n<body><center><h1>502 Bad Gateway</h1></center></body></html>";
    let server = answering(ResponseTemplate::new(502).set_body_raw(page, "text/html")).await;
    let error = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap_err();
    assert_eq!(server.received_requests().await.unwrap().len(), 3, "a PUT is retried, three attempts in all");
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status, 502);
    assert!(api.body.is_none());
    assert_eq!(api.raw_body, page);
    assert!(error.to_string().starts_with("the server answered HTTP 502 Bad Gateway: <html><head><title>502 Bad Gateway"));
}

#[tokio::test]
async fn a_429_asking_for_longer_than_the_call_has_left_is_returned_at_once() {
    let template = ResponseTemplate::new(429)
        .insert_header("Retry-After", "30")
        .insert_header("RateLimit-Remaining", "0")
        .insert_header("x-request-id", "req-429")
        .set_body_json(json!({"id": "too_many_requests", "message": "API Rate limit exceeded."}));
    let server = answering(template).await;
    let client = Client::builder().token("do-token-123").base_url(server.uri()).timeout(Duration::from_secs(5)).build().unwrap();
    let error = client.databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap_err();
    // One request and the 429 itself (not a timeout of the 5 s call): no sleep when the wait
    // asked for outlasts the call.
    only_request(&server).await;
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.header("retry-after"), Some("30"));
    assert_eq!(api.header("ratelimit-remaining"), Some("0"));
    assert_eq!(api.retry_after(), Some(Duration::from_secs(30)), "the error carries the delay asked for");
    assert!(api.is_retryable());
    assert_eq!(error.request_id(), Some("req-429"));
    assert_eq!(api.body.as_ref().map(|b| b.id.as_str()), Some("too_many_requests"));
}

#[tokio::test]
async fn a_2xx_body_of_the_wrong_shape_is_a_decode_error() {
    let server = answering(ResponseTemplate::new(201).set_body_json(json!({"users": []}))).await;
    let error = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap_err();
    let Error::Decode { status, raw_body, .. } = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!(*status, 201);
    assert_eq!(raw_body, r#"{"users":[]}"#);
    assert!(error.to_string().contains("missing field `user`"), "{error}");
}

#[tokio::test]
async fn bad_path_arguments_are_refused_before_sending() {
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let client = client(&server);
    for (username, expected) in [("", "cannot be empty"), ("..", "`.` or `..`"), (".", "`.` or `..`")] {
        let error = client.databases_update_user(CLUSTER, username, &kafka_body()).await.unwrap_err();
        let Error::Argument(argument) = &error else { panic!("expected an argument error, got {error:?}") };
        assert_eq!(argument.argument, "path.username");
        assert!(matches!(argument.problem, ArgumentProblem::EmptyPathSegment | ArgumentProblem::DotPathSegment));
        assert!(error.to_string().contains(expected), "{error}");
    }
    assert!(nothing_sent(&server).await);
}

#[tokio::test]
async fn the_token_never_travels_over_plain_http_to_another_host() {
    let error = Client::builder().token("secret").base_url("http://api.digitalocean.com").build().unwrap_err();
    assert!(matches!(error, ConfigError::InsecureTransport { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        "refusing to send the token over plain http:// to `http://api.digitalocean.com`: use https://, or a loopback address (127.0.0.1, [::1], localhost) for local testing"
    );
    assert!(Client::builder().token("secret").base_url("http://127.0.0.1:1").build().is_ok());
    assert!(Client::builder().token("secret").build().is_ok(), "the default server is https");
}

#[tokio::test]
async fn a_client_without_a_token_or_with_a_broken_one_is_refused() {
    let missing = Client::builder().build().unwrap_err();
    assert!(matches!(missing, ConfigError::MissingToken), "{missing:?}");
    let broken = Client::builder().token("abc\r\nX-Injected: 1").build().unwrap_err();
    assert!(matches!(broken, ConfigError::InvalidToken), "{broken:?}");
    assert!(!format!("{broken:?}{broken}").contains("abc"), "the token must not appear in errors");
}

#[tokio::test]
async fn a_refused_connection_is_a_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = Client::builder()
        .token("t")
        .base_url(uri)
        .build()
        .unwrap()
        .databases_update_user(CLUSTER, "app-01", &kafka_body())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_eq!(error.status(), None);
}

#[tokio::test]
async fn a_redirect_is_not_followed_and_comes_back_as_an_error() {
    let template = ResponseTemplate::new(302).insert_header("Location", "http://127.0.0.1:1/elsewhere");
    let server = answering(template).await;
    let error = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap_err();
    assert_eq!(error.status(), Some(302));
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.header("location"), Some("http://127.0.0.1:1/elsewhere"));
    only_request(&server).await;
}

#[tokio::test]
async fn an_empty_2xx_where_a_body_is_documented_is_a_decode_error() {
    let server = answering(ResponseTemplate::new(204)).await;
    let error = client(&server).databases_update_user(CLUSTER, "app-01", &kafka_body()).await.unwrap_err();
    let Error::Decode { status, raw_body, .. } = &error else { panic!("expected a decode error, got {error:?}") };
    assert_eq!((*status, raw_body.as_str()), (204, ""));
}

#[tokio::test]
async fn clients_and_their_calls_can_move_across_threads() {
    fn sendable<T: Send + Sync>(_: &T) {}
    fn spawnable<F: std::future::Future + Send>(_: &F) {}
    let server = answering(ResponseTemplate::new(201).set_body_json(user_json())).await;
    let client = client(&server);
    sendable(&client);
    let body = kafka_body();
    let call = client.databases_update_user(CLUSTER, "app-01", &body);
    spawnable(&call);
    let spawned = tokio::spawn({
        let client = client.clone();
        async move { client.databases_update_user(CLUSTER, "app-01", &kafka_body()).await.map(|a| a.into_body().user.name) }
    });
    assert_eq!(spawned.await.unwrap().unwrap(), "app-01");
    drop(call);
}

/// The models read and write JSON as serde's derives would: unknown keys passed over, a key
/// given twice and a missing required field refused by name, a value of the wrong kind named
/// with the struct expected, and a `None` left out.
#[test]
fn models_read_and_write_json_as_serde_derives_do() {
    use dbaas_clients::digitalocean::types::{ErrorBody, UserSettings};
    let read = |text: &str| serde_json::from_str::<ErrorBody>(text).map_err(|error| error.to_string());
    let body = read(r#"{"id": "not_found", "message": "gone", "extra": {"a": [1, 2]}}"#).unwrap();
    assert_eq!(body, ErrorBody { id: "not_found".into(), message: "gone".into(), request_id: None });
    assert_eq!(read(r#"{"id": "a", "id": "b", "message": "m"}"#).unwrap_err(), "duplicate field `id` at line 1 column 16");
    assert_eq!(read(r#"{"id": "a"}"#).unwrap_err(), "missing field `message` at line 1 column 11");
    assert_eq!(read(r#""text""#).unwrap_err(), "invalid type: string \"text\", expected struct ErrorBody at line 1 column 6");
    let with_escape = read(r#"{"i\u0064": "a", "message": "m", "request_id": null}"#).unwrap();
    assert_eq!((with_escape.id.as_str(), with_escape.request_id), ("a", None));
    assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"id":"not_found","message":"gone"}"#);
    assert_eq!(serde_json::to_string(&UserSettings::default()).unwrap(), "{}");
    let settings = UserSettings { pg_allow_replication: Some(false), ..Default::default() };
    assert_eq!(serde_json::to_string(&settings).unwrap(), r#"{"pg_allow_replication":false}"#);
    assert_eq!(serde_json::from_str::<UserSettings>(r#"{"pg_allow_replication":false}"#).unwrap(), settings);
}
