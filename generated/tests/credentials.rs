//! Clients whose IAM tokens come from a provider, against a local IAM service that checks each
//! JWT (its PS256 signature against the public half of a key the test makes, `kid`, `iss`,
//! `aud`, its lifetime) and a local API that takes only the tokens it issued, unexpired: tokens
//! renewed ahead of expiry, one exchange for many waiting calls, a `401` answered with a new
//! token, the metadata service and the OAuth exchange, and failures that are typed and keep
//! every secret out of their text.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant, SystemTime};

use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{RSA_PSS_2048_8192_SHA256, UnparsedPublicKey};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use common::{leaks, quick_retries};
use dbaas_clients::runtime::Error;
use dbaas_clients::yandex_credentials::{AuthorizedKey, JWT_AUDIENCE, MetadataService, OAuthToken};
use dbaas_clients::{yandex_iam, yandex_mongodb};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY_ID: &str = "ajekey0test0authorized";
const SERVICE_ACCOUNT: &str = "ajesa0test0service";
const CLUSTER: &str = "c9qgcm4nv7ajkbj8d3bq";
const OAUTH_TOKEN: &str = "y0_AgAAAAB0auth-token-of-a-person";

/// The test's key pair, made once: the PKCS#8 PEM of its private half and the DER of its
/// public half.
fn key_pair() -> &'static (String, Vec<u8>) {
    static PAIR: OnceLock<(String, Vec<u8>)> = OnceLock::new();
    PAIR.get_or_init(|| {
        let pair = KeyPair::generate(KeySize::Rsa2048).unwrap();
        let der = AsDer::<aws_lc_rs::encoding::Pkcs8V1Der>::as_der(&pair).unwrap();
        let body = STANDARD.encode(der.as_ref());
        let lines: Vec<&str> = body.as_bytes().chunks(64).map(|line| std::str::from_utf8(line).unwrap()).collect();
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n", lines.join("\n"));
        (pem, aws_lc_rs::signature::KeyPair::public_key(&pair).as_ref().to_vec())
    })
}

/// The base64 body of the private key: no text may show any of it.
fn private_key_body() -> String {
    key_pair().0.lines().nth(1).unwrap().to_owned()
}

/// The authorized key file `yc iam key create` writes, with its line before the PEM block.
fn key_file_json() -> String {
    json!({
        "id": KEY_ID,
        "service_account_id": SERVICE_ACCOUNT,
        "created_at": "2026-12-01T10:00:00.000000Z",
        "key_algorithm": "RSA_2048",
        "public_key": "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n",
        "private_key": format!("PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <{KEY_ID}>\n{}", key_pair().0),
    })
    .to_string()
}

/// What the local IAM service and API share: the tokens issued, with their expiry, and what
/// each saw.
#[derive(Default)]
struct Ledger {
    tokens: Mutex<HashMap<String, SystemTime>>,
    /// Tokens the API refuses though they are unexpired.
    revoked: Mutex<Vec<String>>,
    jwts: Mutex<Vec<String>>,
    exchanges: AtomicUsize,
    api_calls: AtomicUsize,
    refusals: AtomicUsize,
}

impl Ledger {
    fn exchanges(&self) -> usize {
        self.exchanges.load(Ordering::SeqCst)
    }

    /// A new token, valid for `lifetime`, as the IAM API answers it.
    fn issue(&self, lifetime: Duration) -> ResponseTemplate {
        let number = self.exchanges.fetch_add(1, Ordering::SeqCst) + 1;
        let token = format!("t1.iam-token-{number}");
        let expires = SystemTime::now() + lifetime;
        self.tokens.lock().unwrap().insert(token.clone(), expires);
        let expires_at = chrono::DateTime::<chrono::Utc>::from(expires).to_rfc3339_opts(chrono::SecondsFormat::Micros, true);
        ResponseTemplate::new(200).set_body_json(json!({"iamToken": token, "expiresAt": expires_at}))
    }
}

/// Why a JWT is not what the IAM API takes, or `None`.
fn jwt_problem(jwt: &str) -> Option<String> {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, claims, signature] = parts.as_slice() else { return Some("not three parts".into()) };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).ok();
    let read = |part: &str| decode(part).and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok());
    let (Some(header_json), Some(claims_json), Some(signature)) = (read(header), read(claims), decode(signature)) else {
        return Some("a part is not base64url JSON".into());
    };
    let public_key = UnparsedPublicKey::new(&RSA_PSS_2048_8192_SHA256, &key_pair().1);
    if public_key.verify(format!("{header}.{claims}").as_bytes(), &signature).is_err() {
        return Some("the PS256 signature does not verify".into());
    }
    let now = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs();
    let (iat, exp) = (claims_json["iat"].as_u64().unwrap_or(0), claims_json["exp"].as_u64().unwrap_or(0));
    let checks = [
        (header_json["alg"] == "PS256", "alg"),
        (header_json["typ"] == "JWT", "typ"),
        (header_json["kid"] == KEY_ID, "kid"),
        (claims_json["iss"] == SERVICE_ACCOUNT, "iss"),
        (claims_json["aud"] == JWT_AUDIENCE, "aud"),
        (iat.abs_diff(now) <= 60, "iat"),
        (exp > iat && exp - iat <= 3600, "exp"),
    ];
    checks.iter().find(|(ok, _)| !ok).map(|(_, claim)| format!("the claim `{claim}` is wrong: {header_json} {claims_json}"))
}

/// The IAM service: exchanges a valid JWT for a token, after `delay`; the nth token lives the
/// nth of `lifetimes` (the last for every one after).
struct IamService {
    ledger: Arc<Ledger>,
    lifetimes: Vec<Duration>,
    delay: Duration,
}

impl Respond for IamService {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let jwt = body["jwt"].as_str().unwrap_or_default().to_owned();
        self.ledger.jwts.lock().unwrap().push(jwt.clone());
        if let Some(problem) = jwt_problem(&jwt) {
            return ResponseTemplate::new(401).set_body_json(json!({"code": 16, "message": problem}));
        }
        let issued = self.ledger.exchanges();
        let lifetime = self.lifetimes.get(issued).or(self.lifetimes.last()).copied().unwrap_or_default();
        self.ledger.issue(lifetime).set_delay(self.delay)
    }
}

/// The API: a user for a live token it issued, `401` otherwise.
struct Api {
    ledger: Arc<Ledger>,
}

impl Respond for Api {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.ledger.api_calls.fetch_add(1, Ordering::SeqCst);
        let token =
            request.headers.get("authorization").and_then(|value| value.to_str().ok()).and_then(|value| value.strip_prefix("Bearer "));
        let live = token.is_some_and(|token| {
            let expiry = self.ledger.tokens.lock().unwrap().get(token).copied();
            expiry.is_some_and(|expiry| SystemTime::now() < expiry) && !self.ledger.revoked.lock().unwrap().iter().any(|r| r == token)
        });
        if !live {
            self.ledger.refusals.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(401).set_body_json(json!({"code": 16, "message": "Token is invalid or has expired."}));
        }
        if request.method.as_str() == "POST" {
            return ResponseTemplate::new(200).set_body_json(json!({"id": "op-1", "done": false}));
        }
        ResponseTemplate::new(200).set_body_json(json!({"name": "app-01", "clusterId": CLUSTER}))
    }
}

/// A local IAM service issuing tokens that live `lifetimes` in turn, and an API that takes them.
async fn services(lifetimes: &[Duration], delay: Duration) -> (MockServer, MockServer, Arc<Ledger>) {
    let ledger = Arc::new(Ledger::default());
    let iam = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/iam/v1/tokens"))
        .respond_with(IamService { ledger: Arc::clone(&ledger), lifetimes: lifetimes.to_vec(), delay })
        .mount(&iam)
        .await;
    let api = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(Api { ledger: Arc::clone(&ledger) }).mount(&api).await;
    (iam, api, ledger)
}

fn iam_client(iam: &MockServer) -> yandex_iam::Client {
    yandex_iam::Client::builder().base_url(iam.uri()).retry(quick_retries()).build().unwrap()
}

/// A MongoDB client whose tokens come from the authorized key in a file, exchanged at `iam`.
fn client(iam: &MockServer, api: &MockServer) -> yandex_mongodb::Client {
    let file = std::env::temp_dir().join(format!("dbaas-authorized-key-{}-{:?}.json", std::process::id(), std::thread::current().id()));
    std::fs::write(&file, key_file_json()).unwrap();
    let key = AuthorizedKey::from_file(&file);
    std::fs::remove_file(&file).unwrap();
    let key = key.unwrap().iam_client(iam_client(iam));
    yandex_mongodb::Client::builder().token_provider(key).base_url(api.uri()).retry(quick_retries()).build().unwrap()
}

#[tokio::test]
async fn calls_across_three_expiries_each_carry_a_live_token_and_exchange_a_few_times() {
    // Long enough that a call on a loaded machine still reaches the API within the margin (a
    // tenth of the lifetime).
    let lifetime = Duration::from_secs(4);
    let (iam, api, ledger) = services(&[lifetime], Duration::ZERO).await;
    let client = client(&iam, &api);
    let started = Instant::now();
    let mut calls = 0;
    while started.elapsed() < lifetime * 3 + Duration::from_millis(200) {
        let user = client.get_user(CLUSTER, "app-01").await.unwrap();
        assert_eq!(user.body().name.as_deref(), Some("app-01"));
        calls += 1;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(ledger.refusals.load(Ordering::SeqCst), 0, "no call carried a lapsed token");
    assert!((3..=4).contains(&ledger.exchanges()), "{} exchanges for {calls} calls", ledger.exchanges());
    assert!(calls > 20, "{calls} calls");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_calls_waiting_on_an_expired_token_make_one_exchange() {
    // The first token lasts for the first call (however loaded the machine), then lapses; the
    // one the waiting calls share lasts.
    let lifetime = Duration::from_secs(3);
    let (iam, api, ledger) = services(&[lifetime, Duration::from_secs(3600)], Duration::from_millis(200)).await;
    let client = client(&iam, &api);
    let first = client.get_user(CLUSTER, "app-01").await.map(|_| ledger.exchanges());
    tokio::time::sleep(lifetime + Duration::from_millis(50)).await;
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.get_user(CLUSTER, "app-01").await.map(|user| user.into_body().name) })
        })
        .collect();
    let mut names = Vec::new();
    for call in calls {
        names.push(call.await.map(|answer| answer.map_err(|error| error.to_string())));
    }
    // The servers go before any assertion: a mock server dropped while a test unwinds waits on
    // its own state.
    drop((client, iam, api));
    assert_eq!(first.ok(), Some(1), "the first call made one exchange");
    for name in names {
        assert_eq!(name.unwrap().unwrap().as_deref(), Some("app-01"));
    }
    assert_eq!(ledger.exchanges(), 2, "one exchange for the 200 waiting calls");
    assert_eq!(ledger.refusals.load(Ordering::SeqCst), 0);
}

fn grant() -> yandex_mongodb::types::GrantUserPermissionRequest {
    yandex_mongodb::types::GrantUserPermissionRequest {
        permission: yandex_mongodb::types::Permission { database_name: Some("db1".into()), ..Default::default() },
    }
}

#[tokio::test]
async fn a_401_gets_a_new_token_and_repeats_the_call_once_even_a_post() {
    let (iam, api, ledger) = services(&[Duration::from_secs(3600)], Duration::ZERO).await;
    let client = client(&iam, &api);
    client.get_user(CLUSTER, "app-01").await.unwrap();
    // The server stops taking the token before its expiry (a revoked key, a clock ahead).
    ledger.revoked.lock().unwrap().push("t1.iam-token-1".into());
    let operation = client.grant_permission(CLUSTER, "app-01", &grant()).await.unwrap();
    assert_eq!(operation.body().id(), "op-1");
    assert_eq!(ledger.exchanges(), 2, "one refresh");
    assert_eq!(ledger.api_calls.load(Ordering::SeqCst), 3, "the POST was sent twice");
    let posts = api.received_requests().await.unwrap().into_iter().filter(|request| request.method.as_str() == "POST").count();
    assert_eq!(posts, 2);
}

#[tokio::test]
async fn a_second_401_is_the_api_error() {
    let (iam, api, ledger) = services(&[Duration::from_secs(3600)], Duration::ZERO).await;
    let client = client(&iam, &api);
    // Every token is refused.
    ledger.revoked.lock().unwrap().extend(["t1.iam-token-1".to_owned(), "t1.iam-token-2".to_owned()]);
    let error = client.grant_permission(CLUSTER, "app-01", &grant()).await.unwrap_err();
    let Error::Api(answer) = &error else { panic!("expected the API's 401, got {error:?}") };
    assert_eq!(answer.status, 401);
    assert_eq!(answer.body.as_ref().and_then(|status| status.code), Some(16));
    assert_eq!(ledger.exchanges(), 2, "one refresh, not one per attempt");
    assert_eq!(ledger.api_calls.load(Ordering::SeqCst), 2, "one repeat");
    leaks::assert_all_clean(&error, &["t1.iam-token-1", "t1.iam-token-2"]);
}

#[tokio::test]
async fn the_metadata_service_gives_the_token_of_the_machine() {
    let metadata = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/computeMetadata/v1/instance/service-accounts/default/token"))
        .and(header("Metadata-Flavor", "Google"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": "t1.metadata-token", "expires_in": 42689, "token_type": "Bearer"})),
        )
        .mount(&metadata)
        .await;
    let api = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer t1.metadata-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "app-01"})))
        .mount(&api)
        .await;
    let provider = MetadataService::new().unwrap().metadata_client(iam_client(&metadata));
    let client = yandex_mongodb::Client::builder().token_provider(provider).base_url(api.uri()).build().unwrap();
    for _ in 0..3 {
        assert_eq!(client.get_user(CLUSTER, "app-01").await.unwrap().into_body().name.as_deref(), Some("app-01"));
    }
    assert_eq!(metadata.received_requests().await.unwrap().len(), 1, "the token is kept for its 11 hours");
}

#[tokio::test]
async fn an_oauth_token_is_exchanged_for_an_iam_token() {
    let (iam, api, ledger) = services(&[Duration::from_secs(3600)], Duration::ZERO).await;
    iam.reset().await;
    let issuer = Arc::clone(&ledger);
    Mock::given(method("POST"))
        .and(path("/iam/v1/tokens"))
        .and(wiremock::matchers::body_json(json!({"yandexPassportOauthToken": OAUTH_TOKEN})))
        .respond_with(move |_: &Request| issuer.issue(Duration::from_secs(3600)))
        .mount(&iam)
        .await;
    let provider = OAuthToken::new(OAUTH_TOKEN).unwrap().iam_client(iam_client(&iam));
    let client = yandex_mongodb::Client::builder().token_provider(provider).base_url(api.uri()).build().unwrap();
    client.get_user(CLUSTER, "app-01").await.unwrap();
    client.get_user(CLUSTER, "app-01").await.unwrap();
    assert_eq!(ledger.exchanges(), 1);
    assert!(!format!("{:?}", OAuthToken::new(OAUTH_TOKEN).unwrap()).contains(OAUTH_TOKEN));
}

/// A client of `api` whose key is exchanged at an IAM service answering `answer`, with a call
/// timeout of `timeout`; the error of its call, and every JWT the service saw.
async fn failing_exchange(answer: impl Respond + 'static, timeout: Duration) -> (Error<yandex_mongodb::types::Status>, Vec<String>, usize) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let recorder = Arc::clone(&seen);
    let iam = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(move |request: &Request| {
            let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
            recorder.lock().unwrap().push(body["jwt"].as_str().unwrap_or_default().to_owned());
            answer.respond(request)
        })
        .mount(&iam)
        .await;
    let api = MockServer::start().await;
    let client = client(&iam, &api).with_options(dbaas_clients::runtime::CallOptions::new().timeout(timeout));
    let error = client.get_user(CLUSTER, "app-01").await.unwrap_err();
    assert!(common::nothing_sent(&api).await, "no call went out without a token");
    let exchanges = iam.received_requests().await.unwrap().len();
    let jwts = seen.lock().unwrap().clone();
    (error, jwts, exchanges)
}

/// Every secret of the exchange: the JWTs sent, their signatures, the private key.
fn exchange_secrets(jwts: &[String]) -> Vec<String> {
    let mut secrets: Vec<String> = jwts.iter().filter(|jwt| !jwt.is_empty()).cloned().collect();
    secrets.extend(jwts.iter().filter_map(|jwt| jwt.rsplit('.').next().map(str::to_owned)));
    secrets.push(private_key_body());
    secrets
}

fn assert_credentials_error(error: &Error<yandex_mongodb::types::Status>, jwts: &[String], transient: bool, cause: &str) {
    let Error::Credentials(failure) = error else { panic!("expected Error::Credentials, got {error:?}") };
    assert_eq!(failure.is_transient(), transient, "{failure}");
    assert!(failure.provider().contains(KEY_ID), "it names the key: {}", failure.provider());
    let text = error.to_string();
    assert!(text.contains(cause), "it says why: {text}");
    assert_eq!(error.kind(), "credentials");
    let secrets = exchange_secrets(jwts);
    let secrets: Vec<&str> = secrets.iter().map(String::as_str).collect();
    leaks::assert_all_clean(error, &secrets);
    let mut source = std::error::Error::source(error);
    while let Some(inner) = source {
        leaks::assert_clean("a source", &inner.to_string(), &secrets);
        source = inner.source();
    }
}

#[tokio::test]
async fn an_iam_service_failing_with_500_is_tried_again_then_a_typed_error() {
    let answer = ResponseTemplate::new(500).set_body_json(json!({"code": 13, "message": "internal error"}));
    let (error, jwts, exchanges) = failing_exchange(answer, Duration::from_millis(1500)).await;
    assert_credentials_error(&error, &jwts, true, "HTTP 500");
    assert!(exchanges >= 2, "a transient failure is tried again within the call's time: {exchanges}");
    assert!(error.to_string().contains("the call's time ran out after"), "{error}");
}

#[tokio::test]
async fn an_iam_service_that_never_answers_ends_at_the_call_deadline() {
    let answer = ResponseTemplate::new(200).set_delay(Duration::from_secs(30));
    let started = Instant::now();
    let (error, jwts, _) = failing_exchange(answer, Duration::from_millis(400)).await;
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert_credentials_error(&error, &jwts, true, "no token came within the call's time limit");
}

#[tokio::test]
async fn a_malformed_answer_is_a_typed_error_that_keeps_the_token_out() {
    let answer = ResponseTemplate::new(200).set_body_string(r#"{"iamToken": "t1.echoed-secret-token", "expiresAt": 12}"#);
    let (error, jwts, exchanges) = failing_exchange(answer, Duration::from_secs(5)).await;
    assert_credentials_error(&error, &jwts, false, "does not match the documented type");
    assert_eq!(exchanges, 1, "a malformed answer is not tried again");
    leaks::assert_all_clean(&error, &["t1.echoed-secret-token"]);
}

#[tokio::test]
async fn an_iam_error_that_echoes_the_jwt_in_every_encoding_shows_none_of_it() {
    let answer = |request: &Request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap_or_default();
        let jwt = body["jwt"].as_str().unwrap_or_default();
        let echoes: Vec<String> = leaks::encodings(jwt).into_iter().map(|(_, echo)| echo).collect();
        ResponseTemplate::new(400)
            .insert_header("x-echo", jwt)
            .set_body_json(json!({"code": 3, "message": format!("Invalid JWT: {}", echoes.join(" "))}))
    };
    let (error, jwts, _) = failing_exchange(answer, Duration::from_secs(5)).await;
    assert_credentials_error(&error, &jwts, false, "HTTP 400");
    assert!(error.to_string().contains("Invalid JWT: [REDACTED]"), "{error}");
}

#[test]
fn a_key_file_that_cannot_be_used_says_why_without_showing_the_key() {
    let broken = key_file_json().replace("MII", "MIX");
    let error = AuthorizedKey::from_json(&broken).unwrap_err();
    assert!(error.to_string().contains("private key"), "{error}");
    leaks::assert_all_clean(&error, &[&private_key_body()[8..40]]);
    let missing = AuthorizedKey::from_json(r#"{"id": "ajekey"}"#).unwrap_err();
    assert!(missing.to_string().contains("service_account_id"), "{missing}");
    let absent = AuthorizedKey::from_file("/nonexistent/key.json").unwrap_err();
    assert!(absent.to_string().contains("/nonexistent/key.json"), "{absent}");
    let key = AuthorizedKey::from_json(&key_file_json()).unwrap();
    assert_eq!((key.key_id(), key.service_account_id()), (KEY_ID, SERVICE_ACCOUNT));
    assert!(!format!("{key:?}").contains(&private_key_body()[8..40]), "{key:?}");
}
