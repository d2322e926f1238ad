//! Tests of the app's DigitalOcean code against the generated double.

use dbaas_clients::digitalocean::test_util::Double;
use dbaas_clients::digitalocean::types;
use dbaas_clients::runtime::Error;
use sample_app::allow_replication;

const CLUSTER: &str = "9cc10173-e9ea-4176-9dbc-a4cee4c4ff30";

fn updated(name: &str) -> types::DatabaseUserResponse {
    types::DatabaseUserResponse { user: types::DatabaseUser { name: name.to_owned(), ..Default::default() } }
}

#[tokio::test]
async fn replication_is_turned_on_for_the_named_user() {
    let double = Double::new();
    let rule = double
        .databases_update_user()
        .when(|call| call.username == "app-01" && call.body.settings.pg_allow_replication == Some(true))
        .times(2)
        .ok(updated("app-01"))
        .ok_with_status(200, updated("app-01"));
    let client = double.client();
    assert_eq!(allow_replication(&client, CLUSTER, "app-01").await.unwrap(), "app-01", "answered 201");
    assert_eq!(allow_replication(&client, CLUSTER, "app-01").await.unwrap(), "app-01", "answered 200");
    assert_eq!(rule.calls()[0].database_cluster_uuid, CLUSTER, "recorded as the app passed it");
}

#[tokio::test]
async fn an_unknown_user_is_a_typed_404() {
    let double = Double::new();
    let not_found = types::ErrorBody {
        id: "not_found".to_owned(),
        message: "The resource you were accessing could not be found.".to_owned(),
        ..Default::default()
    };
    let _rule = double.databases_update_user().error(404, not_found);
    let error = allow_replication(&double.client(), CLUSTER, "ghost").await.unwrap_err();
    let Error::Api(api) = &error else { panic!("expected an API error, got {error:?}") };
    assert_eq!(api.status, 404);
    assert_eq!(api.body.as_ref().map(|body| body.id.as_str()), Some("not_found"));
}
