//! Grants a MongoDB user of a Yandex Cloud cluster a set of roles on one database, then waits
//! for the operation to finish.
//!
//! ```text
//! YC_IAM_TOKEN=... cargo run -p dbaas-clients --example yandex_mongodb -- \
//!     <cluster-id> <user-name> <database> <role>...
//! ```
//!
//! Only `permissions` is named in the update mask, so the user's password stays as it is.
//! `YC_BASE_URL` points the client somewhere else than the API, such as a local mock.

use std::env;
use std::error::Error;
use std::process::ExitCode;
use std::time::Duration;

use dbaas_clients::yandex_mongodb::{Client, types};

const USAGE: &str = "usage: yandex_mongodb <cluster-id> <user-name> <database> <role>...";

/// How long to wait between two looks at the operation.
const POLL_INTERVAL: Duration = Duration::from_secs(2);

/// How many looks at the operation before giving up.
const MAX_POLLS: u32 = 150;

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
        update_mask: Some("permissions".to_owned()),
        permissions: Some(vec![types::Permission { database_name: Some(database.clone()), roles: Some(roles.to_vec()) }]),
        ..Default::default()
    };
    // The client sends an idempotency key of its own, so a retried request returns the first
    // operation instead of starting another.
    let started = client.update_user(cluster, user, &body).await?.into_body();
    let id = started.id.ok_or("the server started an operation without an id")?;
    println!("operation {id} started");

    for _ in 0..MAX_POLLS {
        let operation = client.get_operation(&id).await?.into_body();
        if operation.done == Some(true) {
            if let Some(error) = operation.error {
                return Err(format!("operation {id} failed: code {:?}: {}", error.code, error.message.unwrap_or_default()).into());
            }
            // Polling answers with a generic Operation: its `response` is a `google.protobuf.Any`,
            // which decodes into the type its `@type` names.
            let response = operation.response.ok_or("the operation finished without a response")?;
            let user: types::User = serde_json::from_value(serde_json::to_value(&response)?)?;
            println!("operation {id} done: {user:#?}");
            return Ok(());
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
    Err(format!("operation {id} is still running; look again later").into())
}
