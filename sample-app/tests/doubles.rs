//! How the generated doubles answer, as an app's tests meet it: a call no rule answers fails
//! the test, rules with counts answer in sequence, polls go through the rules, waits take no
//! real time, the history tells calls from attempts, and parallel calls are each answered once.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use dbaas_clients::runtime::{Error, Patch};
use dbaas_clients::yandex_mongodb::test_util::Double;
use dbaas_clients::yandex_mongodb::{Client, types};
use sample_app::rotate_password;

fn user(name: &str) -> types::User {
    types::User { name: Some(name.to_owned()), cluster_id: Some("c1".to_owned()), ..Default::default() }
}

fn new_password() -> types::UpdateUserRequest {
    types::UpdateUserRequest { password: Patch::Set("n3w-passw0rd".into()), ..Default::default() }
}

async fn name_of(client: &Client, user_name: &str) -> Result<Option<String>, Error<types::Status>> {
    client.get_user("c1", user_name).await.map(|answer| answer.into_body().name)
}

#[tokio::test]
#[should_panic(expected = "no rule of the double answers this call of `get_user`")]
async fn a_call_no_rule_answers_fails_the_test_where_it_is_made() {
    let double = Double::new();
    let _ = name_of(&double.client(), "app-01").await;
}

#[tokio::test]
async fn the_failure_names_the_operation_shows_the_call_and_why_each_rule_declined() {
    let double = Double::new();
    let _other = double.update_user().when(|call| call.user_name == "someone-else").done_after(0, user("someone-else"));
    let _done = double.update_user().times(1).done_after(0, user("app-01"));
    rotate_password(&double.client(), "c1", "app-01", "first-passw0rd").await.unwrap();
    let client = double.client();
    let panicked = tokio::spawn(async move { rotate_password(&client, "c1", "app-01", "n3w-passw0rd").await }).await.unwrap_err();
    let message = panicked.into_panic();
    let message = message.downcast_ref::<String>().unwrap();
    assert!(message.contains("no rule of the double answers this call of `update_user`"), "{message}");
    assert!(message.contains("user_name: \"app-01\""), "the call is shown: {message}");
    assert!(
        message.contains(
            "rule 1 for `update_user`: the calls its predicate accepts, 1 answer(s), took 0 call(s): its predicate refused the call"
        ),
        "{message}"
    );
    assert!(
        message.contains(
            "rule 2 for `update_user`: every call, 1 answer(s), took 1 call(s), expects 1: it has taken the 1 call(s) it expects"
        ),
        "{message}"
    );
    assert!(message.contains("***") && !message.contains("n3w-passw0rd"), "secrets are hidden: {message}");
}

#[tokio::test]
async fn with_allow_unmatched_a_call_no_rule_answers_is_a_transport_error() {
    let double = Double::new().allow_unmatched();
    let error = rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap_err();
    let Error::Transport(failure) = &error else { panic!("expected a transport error, got {error:?}") };
    assert!(failure.nothing_sent, "{failure}");
    assert!(error.to_string().contains("no rule of the double answers this call of `update_user`"), "{error}");
    assert!(!format!("{error} {error:?}").contains("n3w-passw0rd"));
}

#[test]
#[should_panic(expected = "expected 2 call(s), took 1")]
fn verify_fails_on_an_unmet_count() {
    let double = Double::new();
    let _rule = double.get_user().times(2).ok(user("app-01"));
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
        name_of(&double.client(), "app-01").await.unwrap();
    });
    double.verify();
}

#[test]
#[should_panic(expected = "the double's expectations are not met")]
fn dropping_the_double_fails_on_an_unmet_count() {
    let double = Double::new();
    let _rule = double.get_user().times(1).ok(user("app-01"));
}

#[tokio::test]
async fn rules_with_counts_answer_in_sequence_in_the_order_they_were_made() {
    let double = Double::new();
    let first = double.get_user().times(1).ok(user("first"));
    let _second = double.get_user().times(1).ok(user("second"));
    let _then = double.get_user().error(404, types::Status { code: Some(5), ..Default::default() });
    let client = double.client();
    assert_eq!(name_of(&client, "app-01").await.unwrap().as_deref(), Some("first"));
    assert_eq!(name_of(&client, "app-01").await.unwrap().as_deref(), Some("second"));
    for _ in 0..2 {
        assert_eq!(name_of(&client, "app-01").await.unwrap_err().status(), Some(404), "the last rule repeats its answer");
    }
    assert_eq!(first.count(), 1);
}

#[tokio::test]
async fn a_poll_goes_through_the_rules_and_a_503_on_it_is_retried() {
    let double = Double::new();
    let _update = double.update_user().times(1).done_after(1, user("app-01"));
    let poll = double.get_operation().times(1).status(503);
    let updated = rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("app-01"));
    assert_eq!(poll.calls()[0].operation_id, "operation-1", "the rule saw the poll");
    let history: Vec<(&str, Vec<Option<u16>>)> = double.history().into_iter().map(|call| (call.operation, call.attempts)).collect();
    assert_eq!(
        history,
        [("update_user", vec![Some(200)]), ("get_operation", vec![Some(503), Some(200)]), ("get_operation", vec![Some(200)])],
        "polls are recorded, each with its attempts"
    );
}

#[tokio::test]
async fn a_poll_rule_can_answer_with_an_operation_of_its_own() {
    let double = Double::new();
    let _update = double.update_user().done_after(5, user("app-01"));
    let failed = types::Operation {
        id: Some("operation-1".into()),
        done: Some(true),
        error: Some(types::Status { code: Some(9), message: Some("User app-01 is protected".into()), ..Default::default() }),
        ..Default::default()
    };
    let _poll = double.get_operation().when(|call| call.operation_id == "operation-1").ok(failed);
    let error = rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap_err();
    let Error::OperationFailed(failure) = &error else { panic!("expected the operation's failure, got {error:?}") };
    assert_eq!((failure.code, failure.message.as_str()), (9, "User app-01 is protected"));
}

#[tokio::test]
async fn a_finished_operation_carries_its_typed_metadata() {
    let double = Double::new();
    let _update = double.update_user().done_after(1, user("app-01"));
    let mut operation = double.client().update_user("c1", "app-01", &new_password()).await.unwrap().into_body();
    operation.wait().await.unwrap();
    let metadata = operation.operation().and_then(|operation| operation.metadata.clone()).unwrap();
    assert_eq!((metadata.cluster_id.as_deref(), metadata.user_name.as_deref()), (Some("c1"), Some("app-01")));
}

/// The CPU time this thread has used (Linux).
fn thread_cpu() -> Duration {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    Duration::from_millis(ticks * 10)
}

#[tokio::test]
async fn waiting_for_a_timeout_takes_no_real_time_and_no_spinning() {
    let double = Double::new();
    let _update = double.update_user().done_after(100_000, user("app-01"));
    let client = double.client();
    let (wall, cpu) = (Instant::now(), thread_cpu());
    let mut operation = client.update_user("c1", "app-01", &new_password()).await.unwrap().into_body();
    let error = operation.wait_for(Duration::from_secs(600)).await.unwrap_err();
    let Error::OperationTimeout { waited, .. } = &error else { panic!("expected OperationTimeout, got {error:?}") };
    assert!(*waited >= Duration::from_secs(600), "waited {waited:?} on the double's clock");
    let error = operation.wait().await.unwrap_err();
    assert!(matches!(error, Error::OperationTimeout { .. }), "the default wait too: {error:?}");
    assert!(wall.elapsed() < Duration::from_secs(1), "{:?} of real time", wall.elapsed());
    assert!(thread_cpu() - cpu < Duration::from_secs(1), "{:?} of CPU", thread_cpu() - cpu);
}

#[tokio::test(start_paused = true)]
async fn under_a_paused_tokio_clock_the_waits_are_on_it() {
    let double = Double::new();
    let _update = double.update_user().done_after(3, user("app-01"));
    let started = tokio::time::Instant::now();
    let mut operation = double.client().update_user("c1", "app-01", &new_password()).await.unwrap().into_body();
    operation.wait().await.unwrap();
    // Polls after 0.5 s, then 1 s and 2 s more, then 4 s more: done at the fourth.
    assert_eq!(started.elapsed(), Duration::from_millis(7500));
}

#[tokio::test]
async fn retry_after_and_malformed_answers_are_answered_as_a_server_would() {
    let double = Double::new();
    let _busy = double.get_user().times(2).status(429).retry_after(Duration::from_secs(30)).ok(user("app-01"));
    let _broken = double.get_user().times(1).malformed(200, "{");
    let client = double.client();
    let started = Instant::now();
    assert_eq!(name_of(&client, "app-01").await.unwrap().as_deref(), Some("app-01"));
    assert!(started.elapsed() < Duration::from_secs(1), "the 30 s wait is on the double's clock");
    let error = name_of(&client, "app-01").await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    let attempts: Vec<Vec<Option<u16>>> = double.history().into_iter().map(|call| call.attempts).collect();
    assert_eq!(attempts, [vec![Some(429), Some(200)], vec![Some(200)]], "one call retried once, one call");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_parallel_calls_are_each_answered_once() {
    let double = Double::new();
    let mut rule = double.get_user().times(100);
    for number in 0..100 {
        rule = rule.ok(user(&format!("user-{number}")));
    }
    let client = double.client();
    let calls: Vec<_> = (0..100)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { name_of(&client, "app-01").await })
        })
        .collect();
    let mut names = BTreeSet::new();
    for call in calls {
        names.insert(call.await.unwrap().unwrap().unwrap());
    }
    assert_eq!(names.len(), 100, "each answer was given once");
    assert_eq!(rule.count(), 100);
    assert_eq!(double.history().len(), 100);
}

#[tokio::test]
async fn a_delete_an_empty_answer_and_pages_are_answered_too() {
    use dbaas_clients::digitalocean;
    use futures::TryStreamExt;
    // DigitalOcean's delete answers 204 with no body: `.status(204)`, or `.ok(())` for the
    // first 2xx the spec declares.
    let ocean = digitalocean::test_util::Double::new();
    let _deleted = ocean.databases_delete_user().times(2).status(204).ok(());
    let client = ocean.client();
    for _ in 0..2 {
        let answer = client.databases_delete_user("9cc10173-e9ea-4176-9dbc-a4cee4c4ff30", "app-01").await.unwrap();
        assert_eq!(answer.status(), 204);
    }
    // Yandex's delete is a long-running operation whose result is `Empty`.
    let double = Double::new();
    let _delete = double.delete_user().done_after(1, types::Empty {});
    double.client().delete_user("c1", "app-01").await.unwrap().wait().await.unwrap();
    // Pages: one rule per page token.
    let page = |users: &[&str], next: Option<&str>| types::ListUsersResponse {
        users: Some(users.iter().map(|name| user(name)).collect()),
        next_page_token: next.map(str::to_owned),
    };
    let _first = double.list_users().when(|call| call.page_token.is_none()).ok(page(&["a", "b"], Some("p2")));
    let _second = double.list_users().when(|call| call.page_token.as_deref() == Some("p2")).ok(page(&["c"], None));
    let users: Vec<types::User> = double.client().list_users_stream("c1", &Default::default()).try_collect().await.unwrap();
    assert_eq!(users.len(), 3);
}
