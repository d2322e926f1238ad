//! Tests of the app's Yandex code, written as an app developer writes them: against the
//! generated double, with no server and no real wait.

use dbaas_clients::runtime::{ArgumentProblem, Error, Patch};
use dbaas_clients::yandex_mongodb::test_util::Double;
use dbaas_clients::yandex_mongodb::types;
use sample_app::{rotate_password, rotate_password_with_mask};

fn user(name: &str) -> types::User {
    types::User { name: Some(name.to_owned()), cluster_id: Some("c1".to_owned()), ..Default::default() }
}

#[tokio::test]
async fn the_new_password_is_set_after_two_polls() {
    let double = Double::new();
    let rule = double.update_user().when(|call| call.user_name == "app-01").times(1).done_after(2, user("app-01"));
    let updated = rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("app-01"));
    let call = &rule.calls()[0];
    assert_eq!(call.cluster_id, "c1");
    assert_eq!(call.mask.as_deref(), Some("password"), "only the password changes");
    assert_eq!(call.body.password, Patch::Set("n3w-passw0rd".into()));
    assert_eq!(call.body.permissions, Patch::Untouched);
    assert!(call.idempotency_key.is_some(), "the client gives every change a key");
}

#[tokio::test]
async fn an_operation_that_fails_is_the_app_s_error() {
    let double = Double::new();
    let _rule = double.update_user().failed_after(1, 9, "User app-01 is protected from changes");
    let error = rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap_err();
    let Error::OperationFailed(failure) = &error else { panic!("expected the operation's failure, got {error:?}") };
    assert_eq!((failure.code, failure.message.as_str()), (9, "User app-01 is protected from changes"));
}

#[tokio::test]
async fn a_503_is_retried_with_the_same_key_then_succeeds() {
    let double = Double::new();
    let rule = double.update_user().times(2).status(503).done_after(0, user("app-01"));
    rotate_password(&double.client(), "c1", "app-01", "n3w-passw0rd").await.unwrap();
    let keys: Vec<_> = rule.calls().iter().map(|call| call.idempotency_key).collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1], "the retry repeats the call's key");
}

#[tokio::test]
async fn a_mask_that_leaves_out_the_password_is_refused_before_sending() {
    let double = Double::new();
    let rule = double.update_user().times(0).done_after(0, user("app-01"));
    let error = rotate_password_with_mask(&double.client(), "c1", "app-01", "n3w-passw0rd", "permissions").await.unwrap_err();
    let Error::Argument(refused) = &error else { panic!("expected a refused argument, got {error:?}") };
    assert!(matches!(refused.problem, ArgumentProblem::NotInUpdateMask { .. }), "{refused}");
    assert_eq!(rule.count(), 0, "nothing was sent");
}

#[test]
#[should_panic(expected = "`update_user` answers 200 with its success body: give it with `ok_with_status`, not `error`")]
fn an_answer_the_spec_does_not_allow_fails_the_test_saying_why() {
    let _rule = Double::new().update_user().error(200, types::Status::default());
}

/// A provider that fails the test if it is ever asked.
struct NeverAsked;

impl dbaas_clients::runtime::TokenProvider for NeverAsked {
    fn token(&self) -> dbaas_clients::runtime::TokenFuture<'_> {
        panic!("a client whose calls go to a double asked its token provider")
    }
}

#[tokio::test]
async fn a_client_built_with_the_app_s_token_provider_works_against_the_double() {
    let double = Double::new();
    let _rule = double.update_user().times(1).done_after(1, user("app-01"));
    // The app builds its clients one way in production and in tests, provider included.
    let client = double.builder().token_provider(NeverAsked).build().unwrap();
    let updated = rotate_password(&client, "c1", "app-01", "n3w-passw0rd").await.unwrap();
    assert_eq!(updated.name.as_deref(), Some("app-01"));
}
