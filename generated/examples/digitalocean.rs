//! Updates the settings of a DigitalOcean managed database user.
//!
//! ```text
//! DIGITALOCEAN_TOKEN=... cargo run -p dbaas-clients --example digitalocean -- \
//!     <cluster-uuid> <username> [--pg-allow-replication true|false] [--kafka-acl TOPIC=PERMISSION]...
//! ```
//!
//! `DIGITALOCEAN_BASE_URL` points the client somewhere else than the API, such as a local mock.

use std::env;
use std::error::Error;
use std::process::ExitCode;

use dbaas_clients::digitalocean::{Client, types};

const USAGE: &str = "usage: digitalocean <cluster-uuid> <username> [--pg-allow-replication true|false] [--kafka-acl TOPIC=PERMISSION]...";

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
    let [cluster, username, options @ ..] = args.as_slice() else { return Err(USAGE.into()) };
    let settings = settings(options)?;
    let token = env::var("DIGITALOCEAN_TOKEN").map_err(|_| "set DIGITALOCEAN_TOKEN to an API token with the database:update scope")?;
    let mut builder = Client::builder().token(token);
    if let Ok(base_url) = env::var("DIGITALOCEAN_BASE_URL") {
        builder = builder.base_url(base_url);
    }
    let client = builder.build()?;
    let answer = client.databases_update_user(cluster, username, &types::DatabasesUpdateUserRequest { settings }).await?;
    println!("updated user {}: {:#?}", answer.user.name, answer.user);
    Ok(())
}

fn settings(options: &[String]) -> Result<types::UserSettings, Box<dyn Error>> {
    let mut settings = types::UserSettings::default();
    let mut options = options.iter();
    while let Some(option) = options.next() {
        let value = options.next().ok_or(USAGE)?;
        match option.as_str() {
            "--pg-allow-replication" => settings.pg_allow_replication = Some(value.parse()?),
            "--kafka-acl" => {
                let (topic, permission) = value.split_once('=').ok_or("--kafka-acl takes TOPIC=PERMISSION")?;
                let permission = types::KafkaAclPermission::from(permission);
                if let types::KafkaAclPermission::UnknownValue(other) = &permission {
                    return Err(format!("unknown Kafka permission `{other}`: use admin, consume, produce or produceconsume").into());
                }
                let acl = types::KafkaAcl { id: None, topic: topic.to_owned(), permission };
                settings.acl.get_or_insert_with(Vec::new).push(acl);
            }
            _ => return Err(USAGE.into()),
        }
    }
    Ok(settings)
}
