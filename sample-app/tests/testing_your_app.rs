use dbaas_clients::runtime::Patch;
use dbaas_clients::yandex_mongodb::{test_util::Double, types};

#[tokio::test]
async fn only_the_password_changes() {
    let double = Double::new();
    let user = types::User { name: Some("app-01".into()), ..Default::default() };
    let rule = double.update_user().times(1).done_after(2, user);
    let body = types::UpdateUserRequest { password: Patch::Set("n3w-passw0rd".into()), ..Default::default() };
    let mut operation = double.client().update_user("c9qgcm4nv7ajkbj8d3bq", "app-01", &body).await.unwrap();
    assert_eq!(operation.wait().await.unwrap().name.as_deref(), Some("app-01"));
    assert_eq!(rule.calls()[0].mask.as_deref(), Some("password"));
}
