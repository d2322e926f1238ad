//! Grants a MongoDB user of a Yandex Cloud cluster a set of roles on one database, then waits
//! for the operation to finish.
//!
//! ```text
//! YC_IAM_TOKEN=... cargo run -p dbaas-clients --example yandex_mongodb -- \
//!     <cluster-id> <user-name> <database> <role>...
//! ```
//!
//! Only `permissions` is set, so only `permissions` is named in the update mask the client
//! sends: the user's password stays as it is. `YC_BASE_URL` points the client somewhere else
//! than the API, such as a local mock.

use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use dbaas_clients::runtime::Patch;
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
    let token = env::var("YC_IAM_TOKEN").map_err(|_| "set YC_IAM_TOKEN to an IAM token (yc iam create-token)")?;
    let mut builder = Client::builder().token(token);
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
