//! A server that speaks raw HTTP/1.1 on loopback, for answers no well-behaved server library
//! sends: any header bytes, any number of headers, answers that never come. It counts the
//! connections and keeps every request.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request.
pub enum Reply {
    /// Writes these bytes (a whole response) and keeps the connection open for the next
    /// request unless they say `Connection: close`.
    Bytes(Vec<u8>),
    /// Writes nothing and holds the connection for this long, then closes it.
    Hang(Duration),
    /// Holds the request this long, then writes these bytes.
    After(Duration, Vec<u8>),
}

/// A running server: its URL, the requests it has read, the connections it accepted and the
/// requests it was answering at once.
pub struct HostileServer {
    /// `http://127.0.0.1:PORT`.
    pub url: String,
    requests: Arc<Mutex<Vec<String>>>,
    connections: Arc<AtomicUsize>,
    in_flight: Arc<Counter>,
}

/// A count that remembers its highest value.
#[derive(Default)]
struct Counter {
    now: AtomicUsize,
    most: AtomicUsize,
}

impl Counter {
    fn up(&self) {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
    }

    fn down(&self) {
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HostileServer {
    /// Serves on a fresh loopback port; `reply` is given the request's index (from 0) and its
    /// head and body as text.
    pub async fn start<F>(reply: F) -> Self
    where
        F: Fn(usize, &str) -> Reply + Send + Sync + 'static,
    {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a loopback port");
        let url = format!("http://{}", listener.local_addr().expect("a local address"));
        let server = Self { url, requests: Arc::default(), connections: Arc::default(), in_flight: Arc::default() };
        let (requests, connections, in_flight) =
            (Arc::clone(&server.requests), Arc::clone(&server.connections), Arc::clone(&server.in_flight));
        let reply = Arc::new(reply);
        tokio::spawn(async move {
            // Bounded: no test makes more connections than this.
            for _ in 0..2_000 {
                let Ok((stream, _)) = listener.accept().await else { return };
                connections.fetch_add(1, Ordering::SeqCst);
                let (requests, in_flight, reply) = (Arc::clone(&requests), Arc::clone(&in_flight), Arc::clone(&reply));
                tokio::spawn(async move { serve(stream, &requests, &in_flight, reply.as_ref()).await });
            }
        });
        server
    }

    /// Every request read so far, head and body, in order.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().expect("not poisoned").clone()
    }

    /// How many TCP connections it accepted.
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    /// The most requests it was answering at once (read, and not yet answered).
    pub fn most_in_flight(&self) -> usize {
        self.in_flight.most.load(Ordering::SeqCst)
    }
}

async fn serve<F: Fn(usize, &str) -> Reply>(mut stream: TcpStream, requests: &Mutex<Vec<String>>, in_flight: &Counter, reply: &F) {
    loop {
        let Some(request) = read_request(&mut stream).await else { return };
        in_flight.up();
        let index = {
            let mut requests = requests.lock().expect("not poisoned");
            requests.push(request.clone());
            requests.len() - 1
        };
        let bytes = match reply(index, &request) {
            Reply::Bytes(bytes) => bytes,
            Reply::Hang(time) => {
                tokio::time::sleep(time).await;
                in_flight.down();
                return;
            }
            Reply::After(time, bytes) => {
                tokio::time::sleep(time).await;
                bytes
            }
        };
        let written = stream.write_all(&bytes).await.is_ok() && stream.flush().await.is_ok();
        in_flight.down();
        if !written || String::from_utf8_lossy(&bytes).to_ascii_lowercase().contains("\r\nconnection: close\r\n") {
            return;
        }
    }
}

/// Reads one request (its head, then a body of its `Content-Length`); `None` when the
/// connection closes first.
async fn read_request(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0_u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() > 64 * 1024 || stream.read(&mut byte).await.unwrap_or(0) == 0 {
            return None;
        }
        head.push(byte[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let length = text
        .lines()
        .find_map(|line| line.to_ascii_lowercase().strip_prefix("content-length:").map(|value| value.trim().parse::<usize>().unwrap_or(0)))
        .unwrap_or(0);
    let mut body = vec![0_u8; length];
    stream.read_exact(&mut body).await.ok()?;
    Some(text + &String::from_utf8_lossy(&body))
}

/// A response of `status` with `headers` (each `name: value`, as raw bytes) and `body`.
pub fn response(status: u16, headers: &[&[u8]], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status} Whatever\r\ncontent-length: {}\r\n", body.len()).into_bytes();
    for header in headers {
        out.extend_from_slice(header);
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}
