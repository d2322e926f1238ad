//! HTTPS end to end on loopback: a TLS server with a certificate of its own, trusted through
//! `root_certificate`, with whichever TLS provider the crate is built with. CI runs this file
//! with the default provider and with `tls-graviola` alone.

#![allow(clippy::expect_used, clippy::unwrap_used)] // a failed step of a test is a failed test

use std::sync::Arc;

use dbaas_clients::digitalocean::{Client, types};
use dbaas_clients::runtime::ConfigError;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const ANSWER: &str = r#"{"user":{"name":"app-01","role":"normal"}}"#;

/// A server for `localhost` that answers one HTTPS request with a user, and the PEM of its
/// certificate; the request it read comes out of the join handle.
async fn https_server() -> (String, String, tokio::task::JoinHandle<String>) {
    let generated = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).expect("a certificate");
    let pem = generated.cert.pem();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(generated.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(vec![generated.cert.der().clone()], key).unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
    let url = format!("https://localhost:{}", listener.local_addr().unwrap().port());
    let served = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("a connection");
        // A client that does not trust the certificate ends the handshake.
        let Ok(mut tls) = acceptor.accept(socket).await else { return String::new() };
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        // The head, then as many body bytes as it announces.
        loop {
            let read = tls.read(&mut buffer).await.expect("a request");
            request.extend_from_slice(&buffer[..read]);
            let text = String::from_utf8_lossy(&request).into_owned();
            if let Some((head, body)) = text.split_once("\r\n\r\n") {
                let length = head
                    .lines()
                    .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|n| n.trim().parse::<usize>().unwrap()))
                    .unwrap_or(0);
                if body.len() >= length || read == 0 {
                    break;
                }
            }
        }
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{ANSWER}",
            ANSWER.len()
        );
        tls.write_all(response.as_bytes()).await.expect("an answer");
        tls.shutdown().await.ok();
        String::from_utf8_lossy(&request).into_owned()
    });
    (url, pem, served)
}

#[tokio::test]
async fn a_call_over_https_trusts_the_given_root_and_sends_the_request_encrypted() {
    // The client first: with `tls-graviola` it installs graviola as the process's provider,
    // which the server then uses too.
    let client_for = |url: &str, pem: &str| Client::builder().token("dop_v1_secret").base_url(url).root_certificate(pem).build();
    let placeholder = client_for("https://localhost:1", "").unwrap_err();
    assert!(matches!(placeholder, ConfigError::InvalidCertificate { index: 1, .. }), "{placeholder}");
    let (url, pem, served) = https_server().await;
    let client = client_for(&url, &pem).expect("a client");
    #[cfg(all(feature = "tls-graviola", not(feature = "tls-aws-lc-rs")))]
    assert_eq!(
        format!("{:?}", rustls::crypto::CryptoProvider::get_default().expect("a provider is installed")),
        dbaas_clients::runtime::graviola_provider_debug(),
        "graviola is the provider"
    );

    let body =
        types::DatabasesUpdateUserRequest { settings: types::UserSettings { pg_allow_replication: Some(true), ..Default::default() } };
    let answer = client.databases_update_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01", &body).await.expect("an answer over TLS");

    assert_eq!(answer.user.name, "app-01");
    let request = served.await.expect("the server finished");
    assert!(request.starts_with("PUT /v2/databases/9cc10173-e9ea-4176-9dbc-a4cee4c4ff30/users/app-01 HTTP/1.1\r\n"), "{request}");
    assert!(request.contains("authorization: Bearer dop_v1_secret\r\n"), "{request}");
    assert!(request.ends_with(r#"{"settings":{"pg_allow_replication":true}}"#), "{request}");
}

#[tokio::test]
async fn a_server_whose_certificate_is_not_trusted_is_refused() {
    let (url, _pem, _served) = https_server().await;
    let client = Client::builder().token("dop_v1_secret").base_url(&url).build().expect("a client");
    let body = types::DatabasesUpdateUserRequest::default();
    let error = client.databases_update_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01", &body).await.unwrap_err();
    assert!(matches!(error, dbaas_clients::runtime::Error::Transport(_)), "{error:?}");
}
