//! Helpers shared by the wire tests: a local HTTP server and a look at what reached it.

#![allow(dead_code, clippy::expect_used)]

pub mod hostile;
pub mod leaks;

use std::time::Duration;

use dbaas_clients::runtime::RetryPolicy;
use wiremock::{MockServer, Request};

/// Retries as the default policy does, with waits short enough for tests.
pub fn quick_retries() -> RetryPolicy {
    RetryPolicy::default().initial_backoff(Duration::from_millis(20)).max_backoff(Duration::from_millis(50))
}

/// The one request the server received; fails the test if there were more or fewer.
pub async fn only_request(server: &MockServer) -> Request {
    let mut requests = server.received_requests().await.expect("request recording is on");
    assert_eq!(requests.len(), 1, "expected exactly one request, got {}", requests.len());
    requests.remove(0)
}

/// Whether no request reached the server.
pub async fn nothing_sent(server: &MockServer) -> bool {
    server.received_requests().await.expect("request recording is on").is_empty()
}

/// A header of a received request, as text.
pub fn header<'r>(request: &'r Request, name: &str) -> Option<&'r str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// The `User-Agent` every request must carry.
pub fn user_agent() -> String {
    format!("dbaas-clients/{}", env!("CARGO_PKG_VERSION"))
}

/// A local server speaking raw HTTP/1.1, for answers wiremock cannot give (no
/// `Content-Length`, a size announced but never sent). `answer` writes the whole response
/// after the request's head has been read. Serves at most `connections` connections.
pub async fn raw_server<F, Fut>(connections: usize, answer: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
    let address = listener.local_addr().expect("a local address");
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        for _ in 0..connections {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let answer = std::sync::Arc::clone(&answer);
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut byte = [0_u8; 1];
                while !head.ends_with(b"\r\n\r\n") && head.len() < 64 * 1024 {
                    if stream.read(&mut byte).await.unwrap_or(0) == 0 {
                        return;
                    }
                    head.push(byte[0]);
                }
                answer(stream).await;
            });
        }
    });
    format!("http://{address}")
}
