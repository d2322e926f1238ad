use dbaas_clients::runtime::Patch;
use dbaas_clients::{digitalocean, yandex_mongodb};
use futures::TryStreamExt;

/// A user's life on DigitalOcean: each call answers with the user at once.
pub async fn on_digitalocean(client: &digitalocean::Client, cluster: &str) -> Result<(), digitalocean::Error> {
    use digitalocean::types::{DatabasesAddUserRequest, DatabasesResetAuthRequest, DatabasesUpdateUserRequest, UserSettings};
    let added = client.databases_add_user(cluster, &DatabasesAddUserRequest { name: "app-01".into(), ..Default::default() }).await?;
    println!("DigitalOcean: added {}", added.user.name);
    let settings = UserSettings { pg_allow_replication: Some(true), ..Default::default() }; // grant replication
    client.databases_update_user(cluster, "app-01", &DatabasesUpdateUserRequest { settings }).await?;
    println!("DigitalOcean: {} user(s)", client.databases_list_users(cluster).await?.users.as_ref().map_or(0, Vec::len));
    client.databases_reset_auth(cluster, "app-01", &DatabasesResetAuthRequest { mysql_settings: None }).await?; // new password
    client.databases_delete_user(cluster, "app-01").await?;
    Ok(())
}

/// The same on Yandex Cloud: every change is a long-running operation, waited on.
pub async fn on_yandex(client: &yandex_mongodb::Client, cluster: &str) -> Result<(), yandex_mongodb::Error> {
    use yandex_mongodb::types::{CreateUserRequest, GrantUserPermissionRequest, Permission, UpdateUserRequest, User, UserSpec};
    let user_spec = UserSpec { name: "app-01".into(), password: Some("s3cr3t-passw0rd".into()), ..Default::default() };
    client.create_user(cluster, &CreateUserRequest { user_spec }).await?.wait().await?;
    let permission = Permission { database_name: Some("db1".into()), roles: Some(vec!["readWrite".into()]) };
    client.grant_permission(cluster, "app-01", &GrantUserPermissionRequest { permission }).await?.wait().await?;
    let users: Vec<User> = client.list_users_stream(cluster, &Default::default()).try_collect().await?;
    println!("Yandex Cloud: {} user(s)", users.len());
    let body = UpdateUserRequest { password: Patch::Set("n3w-passw0rd".into()), ..Default::default() };
    client.update_user(cluster, "app-01", &body).await?.wait().await?;
    client.delete_user(cluster, "app-01").await?.wait().await?;
    Ok(())
}
