//! The CPU a generated call costs on loopback, against a minimal hand-written reqwest + serde
//! call that sends the same bytes: one at a time, and 32 in flight.
//!
//! `cargo bench -p dbaas-clients --bench client` (`-- --quick` for a short run, which
//! `cargo test --benches` does too). Only the client's thread is counted: the server runs on
//! threads of its own, and the client on one thread (a current-thread runtime).

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark stops at a broken setup

mod handwritten;

use std::time::Duration;

use dbaas_clients::digitalocean::{Client, types};
use nix::time::{ClockId, clock_gettime};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "dop_v1_benchmark";
const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";
const USER: &str = "app-01";
const IN_FLIGHT: usize = 32;

/// The CPU time of this thread so far.
fn thread_cpu() -> Duration {
    let time = clock_gettime(ClockId::CLOCK_THREAD_CPUTIME_ID).expect("a thread clock");
    Duration::new(time.tv_sec().unsigned_abs(), time.tv_nsec().unsigned_abs() as u32)
}

fn request_body() -> types::DatabasesUpdateUserRequest {
    let settings = types::UserSettings {
        pg_allow_replication: Some(true),
        acl: Some(vec![types::KafkaAcl { id: None, topic: "events".to_owned(), permission: types::KafkaAclPermission::Produceconsume }]),
        ..Default::default()
    };
    types::DatabasesUpdateUserRequest { settings }
}

fn handwritten_body() -> handwritten::UserSettingsBody {
    handwritten::UserSettingsBody {
        settings: handwritten::UserSettings {
            pg_allow_replication: Some(true),
            acl: Some(vec![handwritten::KafkaAcl {
                id: None,
                topic: "events".to_owned(),
                permission: handwritten::KafkaPermission::Produceconsume,
            }]),
            ..Default::default()
        },
    }
}

/// One way of making the call, for `calls` calls with `in_flight` at a time.
#[derive(Clone)]
enum Caller {
    Generated(Client),
    Handwritten { http: reqwest::Client, url: String },
}

impl Caller {
    async fn call(&self) {
        match self {
            Caller::Generated(client) => {
                let answer = client.databases_update_user(CLUSTER, USER, &request_body()).await.expect("a user");
                assert_eq!(answer.user.name, USER);
            }
            Caller::Handwritten { http, url } => {
                let response = http
                    .put(url)
                    .bearer_auth(TOKEN)
                    .header(reqwest::header::ACCEPT, "application/json")
                    .json(&handwritten_body())
                    .send()
                    .await
                    .expect("an answer");
                assert!(response.status().is_success());
                let bytes = response.bytes().await.expect("a body");
                let answer: handwritten::UserAnswer = serde_json::from_slice(&bytes).expect("a user");
                assert_eq!(answer.user.name, USER);
            }
        }
    }

    /// The CPU time per call of `calls` calls, `in_flight` at a time.
    async fn measure(&self, calls: usize, in_flight: usize) -> Duration {
        let started = thread_cpu();
        let mut tasks = tokio::task::JoinSet::new();
        for worker in 0..in_flight {
            let caller = self.clone();
            let share = calls / in_flight + usize::from(worker < calls % in_flight);
            tasks.spawn_local(async move {
                for _ in 0..share {
                    caller.call().await;
                }
            });
        }
        while let Some(done) = tasks.join_next().await {
            done.expect("a finished task");
        }
        (thread_cpu() - started) / calls as u32
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn min(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(values: &[f64]) -> f64 {
    values.iter().copied().fold(f64::NEG_INFINITY, f64::max)
}

fn main() {
    let quick = std::env::args().any(|arg| arg == "--quick" || arg == "--test") || !std::env::args().any(|arg| arg == "--bench");
    let (calls, rounds) = if quick { (64, 1) } else { (1_000, 15) };
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let local = tokio::task::LocalSet::new();
    local.block_on(&runtime, async {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .and(path(format!("/v2/databases/{CLUSTER}/users/{USER}")))
            .respond_with(ResponseTemplate::new(200).set_body_raw(handwritten::DIGITALOCEAN_USER, "application/json"))
            .mount(&server)
            .await;
        let generated = Caller::Generated(Client::builder().token(TOKEN).base_url(server.uri()).build().expect("a client"));
        let http = reqwest::Client::builder().user_agent("bench").build().expect("a reqwest client");
        let handwritten = Caller::Handwritten { http, url: format!("{}/v2/databases/{CLUSTER}/users/{USER}", server.uri()) };
        // `--only generated|handwritten [N [K]]`: that one alone, N calls (200 unless given), K
        // in flight (1 unless given), for an instruction profiler (`valgrind --tool=callgrind`)
        // to tell where the difference goes.
        let args: Vec<String> = std::env::args().collect();
        if let Some(position) = args.iter().position(|arg| arg == "--only") {
            let caller = if args.get(position + 1).map(String::as_str) == Some("handwritten") { &handwritten } else { &generated };
            let calls = args.get(position + 2).and_then(|n| n.parse().ok()).unwrap_or(200);
            let in_flight = args.get(position + 3).and_then(|n| n.parse().ok()).unwrap_or(1);
            caller.measure(calls, in_flight).await;
            return;
        }
        println!("client: CPU per call on loopback, {rounds} paired rounds of {calls} calls each (the two in turn, the first");
        println!("alternating); medians, and the spread of the per-round ratio");
        println!("{:<12} {:>16} {:>16} {:>8} {:>16}", "in flight", "generated us", "hand-written us", "ratio", "ratio min..max");
        for in_flight in [1, IN_FLIGHT] {
            // Warm both: connections open, allocations settled.
            generated.measure(in_flight * 4, in_flight).await;
            handwritten.measure(in_flight * 4, in_flight).await;
            let (mut generated_us, mut handwritten_us, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
            for round in 0..rounds {
                let (first, second) = if round % 2 == 0 { (&generated, &handwritten) } else { (&handwritten, &generated) };
                let (a, b) = (first.measure(calls, in_flight).await, second.measure(calls, in_flight).await);
                let (ours, theirs) = if round % 2 == 0 { (a, b) } else { (b, a) };
                generated_us.push(ours.as_secs_f64() * 1e6);
                handwritten_us.push(theirs.as_secs_f64() * 1e6);
                ratios.push(ours.as_secs_f64() / theirs.as_secs_f64());
            }
            let spread = format!("{:.3}..{:.3}", min(&ratios), max(&ratios));
            println!(
                "{in_flight:<12} {:>16.1} {:>16.1} {:>8.3} {spread:>16}",
                median(&mut generated_us),
                median(&mut handwritten_us),
                median(&mut ratios.clone())
            );
        }
    });
}
