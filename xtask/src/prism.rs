//! `cargo xtask prism`: the database-user operations of each managed-database cloud, generated
//! from the cloud's own spec and sent to Stoplight Prism mocking that same spec. Prism refuses a
//! request that breaks the spec (422, with `sl-violations`); every answer must decode, Prism's
//! examples and rounds of its dynamic answers alike.
//!
//! The clients are generated from the vendors' specs cut down to those operations and what
//! they reach (one crate of a module per cloud, quick to build); Prism mocks each whole spec.

use std::collections::BTreeSet;
use std::fs;
use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use codegen::resolve::model::Api;
use serde_yaml::Value as Yaml;

use crate::release::{ReleaseError as PrismError, copy_dir, io_error, run};

/// A cloud's spec (in `../shared/dbaas-specs/`) and its database-user operations, by
/// `operationId` or, for a spec without them, by `METHOD path`.
struct Cloud {
    module: &'static str,
    spec: &'static str,
    operations: &'static [&'static str],
}

const CLOUDS: &[Cloud] = &[
    Cloud {
        module: "linode",
        spec: "linode-api-v4.yaml",
        operations: &[
            "get-databases-mysql-instance-credentials",
            "post-databases-mysql-instance-credentials-reset",
            "get-databases-postgre-sql-instance-credentials",
            "post-databases-postgre-sql-instance-credentials-reset",
        ],
    },
    Cloud { module: "scaleway", spec: "scaleway-rdb-v1.yaml", operations: &["ListUsers", "CreateUser", "UpdateUser", "DeleteUser"] },
    Cloud {
        module: "vultr",
        spec: "vultr-api-v2.json",
        operations: &[
            "list-database-users",
            "create-database-user",
            "get-database-user",
            "update-database-user",
            "delete-database-user",
            "set-database-user-acl",
        ],
    },
    Cloud {
        module: "aiven",
        spec: "aiven-api.json",
        operations: &[
            "ServiceUserCreate",
            "ServiceUserGet",
            "ServiceUserCredentialsModify",
            "ServiceUserCredentialsReset",
            "ServiceUserDelete",
        ],
    },
    Cloud {
        module: "exoscale",
        spec: "exoscale-v2.yaml",
        operations: &[
            "create-dbaas-postgres-user",
            "delete-dbaas-postgres-user",
            "reset-dbaas-postgres-user-password",
            "reveal-dbaas-postgres-user-password",
            "update-dbaas-postgres-allow-replication",
            "create-dbaas-mysql-user",
            "delete-dbaas-mysql-user",
            "reset-dbaas-mysql-user-password",
            "reveal-dbaas-mysql-user-password",
        ],
    },
    Cloud {
        module: "ionos_mongo",
        spec: "ionos-dbaas-mongo.yaml",
        operations: &["clustersUsersGet", "clustersUsersPost", "clustersUsersFindById", "clustersUsersPatch", "clustersUsersDelete"],
    },
    Cloud {
        module: "timeweb",
        spec: "timeweb-cloud.yaml",
        operations: &["getDatabaseUsers", "createDatabaseUser", "getDatabaseUser", "updateDatabaseUser", "deleteDatabaseUser"],
    },
    Cloud {
        module: "ovh",
        spec: "ovh-hosting-privatedatabase.json",
        operations: &[
            "get /hosting/privateDatabase/{serviceName}/user",
            "post /hosting/privateDatabase/{serviceName}/user",
            "get /hosting/privateDatabase/{serviceName}/user/{userName}",
            "delete /hosting/privateDatabase/{serviceName}/user/{userName}",
            "post /hosting/privateDatabase/{serviceName}/user/{userName}/changePassword",
            "get /hosting/privateDatabase/{serviceName}/user/{userName}/grant",
            "post /hosting/privateDatabase/{serviceName}/user/{userName}/grant",
            "get /hosting/privateDatabase/{serviceName}/user/{userName}/grant/{databaseName}",
            "delete /hosting/privateDatabase/{serviceName}/user/{userName}/grant/{databaseName}",
            "post /hosting/privateDatabase/{serviceName}/user/{userName}/grant/{databaseName}/update",
        ],
    },
];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// `cargo xtask prism PRISM [--rounds N]`.
pub fn prism(root: &Path, prism: &Path, rounds: usize) -> Result<(), PrismError> {
    let specs = root.join("../shared/dbaas-specs");
    let workspace = root.join("target/prism-clients");
    let _ = fs::remove_dir_all(&workspace);
    fs::create_dir_all(workspace.join("specs")).map_err(io_error("create", &workspace))?;
    let mut apis = Vec::new();
    for cloud in CLOUDS {
        let text = fs::read_to_string(specs.join(cloud.spec)).map_err(io_error("read", &specs.join(cloud.spec)))?;
        let document: Yaml = serde_yaml::from_str(&text).map_err(|error| PrismError(format!("{}: {error}", cloud.spec)))?;
        let sliced = serde_yaml::to_string(&slice(&document, cloud.operations)?).map_err(|error| PrismError(error.to_string()))?;
        let file = workspace.join("specs").join(format!("{}.yaml", cloud.module));
        fs::write(&file, &sliced).map_err(io_error("write", &file))?;
        apis.push(resolved(cloud.module, &sliced)?);
    }
    write_workspace(root, &workspace, &apis)?;
    codegen::Generator::for_workspace(&workspace)
        .run()
        .map_err(|error| PrismError(format!("the cut-down specs do not generate:\n{error}")))?;
    let target = root.join("target/vendor-specs/build");
    let mut build = crate::release::cargo();
    build.current_dir(&workspace).args(["build", "--quiet", "-p", "prism-calls"]).env("CARGO_TARGET_DIR", &target);
    run(&mut build, "the calls' build")?;
    let program = target.join("debug/prism-calls");
    let mut failures = Vec::new();
    for (index, cloud) in CLOUDS.iter().enumerate() {
        let port = 4010 + 2 * u16::try_from(index).unwrap_or(0);
        let spec = specs.join(cloud.spec);
        let mocks = [start_prism(prism, &spec, port, false)?, start_prism(prism, &spec, port + 1, true)?];
        let outcome = Command::new(&program)
            .args([cloud.module, &format!("http://127.0.0.1:{port}"), &format!("http://127.0.0.1:{}", port + 1), &rounds.to_string()])
            .output();
        for mut mock in mocks {
            let _ = mock.kill();
            let _ = mock.wait();
        }
        let outcome = outcome.map_err(|error| PrismError(format!("cannot run the calls: {error}")))?;
        let lines = String::from_utf8_lossy(&outcome.stdout).into_owned();
        let calls = lines.lines().count();
        let bad: Vec<&str> =
            lines.lines().filter(|line| !line.split('\t').nth(3).is_some_and(|outcome| outcome.starts_with("ok"))).collect();
        println!("prism: {}: {} operations, {calls} calls, {} refused or undecodable", cloud.module, cloud.operations.len(), bad.len());
        failures.extend(bad.iter().map(|line| format!("{}: {line}", cloud.module)));
        if !outcome.status.success() || calls == 0 {
            failures.push(format!("{}: the calls ended badly: {}", cloud.module, String::from_utf8_lossy(&outcome.stderr)));
        }
    }
    if failures.is_empty() {
        return Ok(());
    }
    Err(PrismError(format!("{} call(s) failed:\n{}", failures.len(), failures.join("\n"))))
}

/// `document` with only `operations` (and the path-level parameters of their paths), and the
/// components they reach.
fn slice(document: &Yaml, operations: &[&str]) -> Result<Yaml, PrismError> {
    let mut paths = serde_yaml::Mapping::new();
    let mut found = BTreeSet::new();
    for (path, item) in document["paths"].as_mapping().into_iter().flatten() {
        let Some(path) = path.as_str() else { continue };
        let mut kept = serde_yaml::Mapping::new();
        for (key, value) in item.as_mapping().into_iter().flatten() {
            let Some(key) = key.as_str() else { continue };
            if !METHODS.contains(&key) {
                kept.insert(Yaml::String(key.to_owned()), value.clone());
                continue;
            }
            let id = value.get("operationId").and_then(Yaml::as_str).map(str::to_owned).unwrap_or_else(|| format!("{key} {path}"));
            if operations.contains(&id.as_str()) {
                found.insert(id);
                kept.insert(Yaml::String(key.to_owned()), value.clone());
            }
        }
        if kept.keys().any(|key| key.as_str().is_some_and(|key| METHODS.contains(&key))) {
            paths.insert(Yaml::String(path.to_owned()), Yaml::Mapping(kept));
        }
    }
    let missing: Vec<&&str> = operations.iter().filter(|id| !found.contains(**id)).collect();
    if !missing.is_empty() {
        return Err(PrismError(format!("operations not found: {missing:?}")));
    }
    let mut sliced = document.clone();
    sliced["paths"] = Yaml::Mapping(paths);
    let mut components = serde_yaml::Mapping::new();
    if let Some(schemes) = document["components"].get("securitySchemes") {
        components.insert(Yaml::String("securitySchemes".to_owned()), schemes.clone());
    }
    let mut pending = Vec::new();
    refs_in(&sliced["paths"], &mut pending);
    let mut seen = BTreeSet::new();
    while let Some((section, name)) = pending.pop() {
        if !seen.insert((section.clone(), name.clone())) {
            continue;
        }
        let Some(target) = document["components"].get(section.as_str()).and_then(|entries| entries.get(name.as_str())) else { continue };
        refs_in(target, &mut pending);
        let entry = components.entry(Yaml::String(section)).or_insert_with(|| Yaml::Mapping(serde_yaml::Mapping::new()));
        if let Yaml::Mapping(entries) = entry {
            entries.insert(Yaml::String(name), target.clone());
        }
    }
    sliced["components"] = Yaml::Mapping(components);
    Ok(sliced)
}

/// Every component a `$ref` in `value` names, as `(section, name)`.
fn refs_in(value: &Yaml, found: &mut Vec<(String, String)>) {
    match value {
        Yaml::Mapping(map) => {
            for (key, child) in map {
                let target = child.as_str().and_then(|target| target.strip_prefix("#/components/"));
                if let (Some("$ref"), Some((section, name))) = (key.as_str(), target.and_then(|target| target.split_once('/'))) {
                    let name = name.split('/').next().unwrap_or(name).replace("~1", "/").replace("~0", "~");
                    found.push((section.to_owned(), name));
                }
                refs_in(child, found);
            }
        }
        Yaml::Sequence(items) => items.iter().for_each(|item| refs_in(item, found)),
        _ => {}
    }
}

/// The resolved model of the cut-down spec `text`, whose module is `module`.
fn resolved(module: &str, text: &str) -> Result<Api, PrismError> {
    let loaded = codegen::load::load(module, text);
    let document = loaded.document.ok_or_else(|| PrismError(format!("{module} does not load: {:?}", loaded.problems)))?;
    let (api, _) = codegen::resolve::resolve(module, module, document, &loaded.positions);
    api.map_err(|errors| PrismError(format!("{module} does not resolve: {errors:?}")))
}

/// The scratch workspace: the runtime, the clients crate (its hand-written face, without the
/// project's own modules) and `prism-calls`, the program that makes the calls.
fn write_workspace(root: &Path, workspace: &Path, apis: &[Api]) -> Result<(), PrismError> {
    let write = |path: PathBuf, text: &str| fs::write(&path, text).map_err(io_error("write", &path));
    let manifest = fs::read_to_string(root.join("Cargo.toml")).map_err(io_error("read", &root.join("Cargo.toml")))?;
    let members = manifest.lines().find(|line| line.starts_with("members = ")).unwrap_or_default();
    write(workspace.join("Cargo.toml"), &manifest.replace(members, "members = [\"runtime\", \"generated\", \"calls\"]"))?;
    fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).map_err(io_error("copy", &root.join("Cargo.lock")))?;
    copy_dir(&root.join("runtime"), &workspace.join("runtime"))?;
    copy_dir(&root.join("generated/benches"), &workspace.join("generated/benches"))?;
    fs::create_dir_all(workspace.join("generated/src")).map_err(io_error("create", workspace))?;
    for file in ["Cargo.toml", "README.md"] {
        fs::copy(root.join("generated").join(file), workspace.join("generated").join(file)).map_err(io_error("copy", &root.join(file)))?;
    }
    let lib = fs::read_to_string(root.join("generated/src/lib.rs")).map_err(io_error("read", &root.join("generated/src/lib.rs")))?;
    let lib = lib.split("// Hand-written modules that build on this crate's own API modules").next().unwrap_or_default();
    write(workspace.join("generated/src/lib.rs"), lib)?;
    fs::create_dir_all(workspace.join("calls/src")).map_err(io_error("create", workspace))?;
    write(
        workspace.join("calls/Cargo.toml"),
        "[package]\nname = \"prism-calls\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n[dependencies]\n\
         dbaas-clients = { path = \"../generated\" }\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt\"] }\n",
    )?;
    write(workspace.join("calls/src/main.rs"), &crate::calls::program(apis))?;
    Ok(())
}

/// Starts Prism mocking `spec` on `port` (`-d`: dynamic answers), once it listens.
fn start_prism(prism: &Path, spec: &Path, port: u16, dynamic: bool) -> Result<Child, PrismError> {
    let mut command = Command::new(prism);
    command.args(["mock", "--errors", "-h", "127.0.0.1", "-p", &port.to_string()]);
    if dynamic {
        command.arg("-d");
    }
    let mut child = command
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|error| PrismError(format!("cannot start Prism: {error}")))?;
    let started = Instant::now();
    if let Some(stdout) = child.stdout.take() {
        // Prism says when it listens; its log is drained so it never blocks.
        std::thread::spawn(move || BufReader::new(stdout).lines().for_each(drop));
    }
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            return Err(PrismError(format!("Prism did not listen on {port} within two minutes for {}", spec.display())));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    Ok(child)
}
