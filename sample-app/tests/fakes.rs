//! An app that hides the client behind a trait of its own fakes it in tests: with `test-util`
//! on, it can build what the client returns (an answer, an API error, a finished or failed
//! long-running operation).

use dbaas_clients::digitalocean;
use dbaas_clients::runtime::{ApiError, Error, Response};
use dbaas_clients::yandex_mongodb::test_util::{Double, UpdateUserCall};
use dbaas_clients::yandex_mongodb::types;

#[tokio::test]
async fn answers_errors_and_operations_can_be_built() {
    let user = digitalocean::types::DatabaseUser { name: "app-01".to_owned(), ..Default::default() };
    let answer = Response::for_test(201, digitalocean::types::DatabaseUserResponse { user });
    assert_eq!((answer.status(), answer.user.name.as_str()), (201, "app-01"));

    let body = digitalocean::types::ErrorBody { id: "not_found".to_owned(), ..Default::default() };
    let error: digitalocean::Error = Error::Api(Box::new(ApiError::for_test(404, Some(body), "")));
    assert_eq!(error.status(), Some(404));

    let double = Double::new();
    let done = types::User { name: Some("app-01".to_owned()), ..Default::default() };
    let user = double.finished::<UpdateUserCall>(done).wait().await.unwrap();
    assert_eq!(user.name.as_deref(), Some("app-01"));
    let failed = double.failed::<UpdateUserCall>(9, "protected").wait().await.unwrap_err();
    assert!(matches!(failed, Error::OperationFailed(failure) if failure.code == 9), "nothing is sent: no rule needed");
}
