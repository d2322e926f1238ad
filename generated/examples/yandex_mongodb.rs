//! Grants a MongoDB user of a Yandex Cloud cluster a set of roles on one database, then waits
//! for the operation to finish.
//!
//! ```text
//! YC_SERVICE_ACCOUNT_KEY_FILE=key.json cargo run -p dbaas-clients --example yandex_mongodb -- \
//!     <cluster-id> <user-name> <database> <role>...
//! ```
//!
//! The client gets its IAM tokens with the service account's authorized key (the file `yc iam
//! key create --service-account-name NAME --output key.json` writes), and a new one before
//! each expires; `YC_IAM_TOKEN` gives it one token instead. Only `permissions` is set, so only
//! `permissions` is named in the update mask the client sends: the user's password stays as it
//! is. `YC_BASE_URL` points the client somewhere else than the API, and `YC_IAM_BASE_URL` the
//! token exchange somewhere else than the IAM API, such as local mocks.

use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use dbaas_clients::runtime::Patch;
use dbaas_clients::yandex_credentials::AuthorizedKey;
use dbaas_clients::yandex_iam;
use dbaas_clients::yandex_mongodb::{Client, types};

const USAGE: &str = "usage: yandex_mongodb <cluster-id> <user-name> <database> <role>...";

/// How long to wait for the operation before giving up (it goes on on the server; run the
/// example again with the same arguments, or resume it by its id).
const WAIT: Duration = Duration::from_secs(300);

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = env::args().skip(1).collect();
    let [cluster, user, database, roles @ ..] = args.as_slice() else { return Err(USAGE.into()) };
    if roles.is_empty() {
        return Err(USAGE.into());
    }
    let mut builder = Client::builder();
    if let Ok(key_file) = env::var("YC_SERVICE_ACCOUNT_KEY_FILE") {
        let mut key = AuthorizedKey::from_file(key_file)?;
        if let Ok(iam_url) = env::var("YC_IAM_BASE_URL") {
            key = key.iam_client(yandex_iam::Client::builder().base_url(iam_url).build()?);
        }
        builder = builder.token_provider(key);
    } else {
        let token = env::var("YC_IAM_TOKEN")
            .map_err(|_| "set YC_SERVICE_ACCOUNT_KEY_FILE to an authorized key file, or YC_IAM_TOKEN to an IAM token")?;
        builder = builder.token(token);
    }
    if let Ok(base_url) = env::var("YC_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;

    let body = types::UpdateUserRequest {
        permissions: Patch::Set(vec![types::Permission { database_name: Some(database.clone()), roles: Some(roles.to_vec()) }]),
        ..Default::default()
    };
    // The client sends an idempotency key of its own, so a retried request returns the first
    // operation instead of starting another.
    let mut operation = client.update_user(cluster, user, &body).await?;
    println!("operation {} started", operation.id());
    let updated = operation.wait_for(WAIT).await?;
    println!("operation {} done: {updated:#?}", operation.id());
    Ok(())
}
