//! An app that manages database users on both clouds with `dbaas-clients`: what an app's own
//! code looks like, so that its tests (`tests/`) show how an app tests that code against the
//! generated test doubles, with no network.

use dbaas_clients::runtime::Patch;
use dbaas_clients::{digitalocean, yandex_mongodb};

/// Gives a Yandex MongoDB user a new password, waits until the change is done, and returns
/// the user as the service has it then. Only the password changes: its permissions stay.
///
/// # Errors
///
/// What the client reports: a refused argument, an API error, or the operation failing.
pub async fn rotate_password(
    client: &yandex_mongodb::Client,
    cluster_id: &str,
    user_name: &str,
    password: &str,
) -> Result<yandex_mongodb::types::User, yandex_mongodb::Error> {
    let body = yandex_mongodb::types::UpdateUserRequest { password: Patch::Set(password.into()), ..Default::default() };
    let mut operation = client.update_user(cluster_id, user_name, &body).await?;
    operation.wait().await
}

/// Like [`rotate_password`], with the update mask the app names itself.
///
/// # Errors
///
/// As [`rotate_password`]; a mask that leaves out the password is refused before sending.
pub async fn rotate_password_with_mask(
    client: &yandex_mongodb::Client,
    cluster_id: &str,
    user_name: &str,
    password: &str,
    mask: &str,
) -> Result<yandex_mongodb::types::User, yandex_mongodb::Error> {
    let body = yandex_mongodb::types::UpdateUserRequest {
        update_mask: Some(mask.to_owned()),
        password: Patch::Set(password.into()),
        ..Default::default()
    };
    let mut operation = client.update_user(cluster_id, user_name, &body).await?;
    operation.wait().await
}

/// Lets a DigitalOcean PostgreSQL user replicate, and returns the user's name as the API
/// answers it.
///
/// # Errors
///
/// What the client reports: a refused argument, or an API error (404 for an unknown user).
pub async fn allow_replication(client: &digitalocean::Client, cluster_uuid: &str, user_name: &str) -> Result<String, digitalocean::Error> {
    let settings = digitalocean::types::UserSettings { pg_allow_replication: Some(true), ..Default::default() };
    let body = digitalocean::types::DatabasesUpdateUserRequest { settings };
    let answer = client.databases_update_user(cluster_uuid, user_name, &body).await?;
    Ok(answer.into_body().user.name)
}

/// The project README's Rust examples, compiled as doctests so they stay true (here, in an app
/// of the clients, so that the published crate holds no file outside its folder).
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeExamples;
