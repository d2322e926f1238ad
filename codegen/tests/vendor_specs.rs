//! Vendors' own specs (`../shared/vendor-specs/`, beside the checkout, when it is there), as
//! they publish them in one file and as they keep them in many, generate with no hand edit,
//! and the crate they make type-checks warning-free. The specs are not copied into the
//! project: each is generated into a scratch workspace under `target/`.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Generator, find_workspace_root};
use common::scratch::{scratch_workspace, type_check};

mod common;

/// Set (by `.ci/run`) where the vendor specs must be beside the checkout: their absence then
/// fails the tests instead of skipping them.
const REQUIRED: &str = "DBAAS_VENDOR_SPECS_REQUIRED";

/// The managed-database clouds' specs of `../shared/dbaas-specs/`, each named (a file added
/// there later is not read until it is named here), with its operations.
const DBAAS_SPECS: [(&str, usize); 9] = [
    ("aiven-api.json", 309),
    ("exoscale-v2.yaml", 370),
    ("ionos-dbaas-mongo.yaml", 16),
    ("ionos-dbaas-postgres.yaml", 14),
    ("linode-api-v4.yaml", 390),
    ("ovh-hosting-privatedatabase.json", 72),
    ("scaleway-rdb-v1.yaml", 58),
    ("timeweb-cloud.yaml", 342),
    ("vultr-api-v2.json", 244),
];

/// The paths of the managed-database specs, or `None` when their folder is absent and not
/// required.
fn dbaas_specs(root: &Path) -> Option<Vec<PathBuf>> {
    let folder = root.join("../shared/dbaas-specs");
    if !folder.is_dir() {
        assert!(std::env::var_os(REQUIRED).is_none(), "{} is required ({REQUIRED} is set)", folder.display());
        println!("{} is not here: no managed-database spec is tried", folder.display());
        return None;
    }
    Some(DBAAS_SPECS.iter().map(|(file, _)| folder.join(file)).collect())
}

/// The vendor specs folder's entries, or `None` when it is absent and not required.
fn vendor_specs(root: &Path) -> Option<fs::ReadDir> {
    let folder = root.join("../shared/vendor-specs");
    match fs::read_dir(&folder) {
        Ok(entries) => Some(entries),
        Err(error) if std::env::var_os(REQUIRED).is_some() => panic!("{} is required ({REQUIRED} is set): {error}", folder.display()),
        Err(_) => {
            println!("{} is not here: no vendor spec is tried (set {REQUIRED} to make that a failure)", folder.display());
            None
        }
    }
}

/// The names of the client methods generated in `workspace`, sorted (files a workspace kept
/// from an earlier layout of the crate are not generated ones).
fn client_methods(workspace: &Path) -> Vec<String> {
    let mut methods = Vec::new();
    let mut folders = vec![workspace.join("generated/src")];
    while let Some(folder) = folders.pop() {
        for path in fs::read_dir(&folder).expect("a readable folder").map(|entry| entry.expect("an entry").path()) {
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let text = fs::read_to_string(&path).expect("a readable file");
            if !text.starts_with("// @generated") {
                continue;
            }
            let names = text.lines().filter_map(|line| line.trim_start().strip_prefix("pub async fn "));
            methods.extend(names.map(|rest| rest.split(['(', '<']).next().unwrap_or_default().to_owned()));
        }
    }
    methods.sort();
    methods
}

/// Generates the spec (a file or a folder) in a scratch workspace and checks the crate, with
/// its test doubles, builds warning-free. Gives the number of operations and the client
/// methods generated.
fn generate_and_type_check(root: &Path, spec: &Path) -> (usize, Vec<String>) {
    let workspace = scratch_workspace(root, spec);
    let summary = Generator::for_workspace(&workspace)
        .run()
        .unwrap_or_else(|error| panic!("{} should generate as published:\n{error}", spec.display()));
    println!(
        "{}: {} types, {} operations, {} warnings, in {} ms",
        spec.display(),
        summary.types,
        summary.operations,
        summary.warnings.len(),
        summary.elapsed_ms
    );
    // The test doubles too: every operation gets its own.
    type_check(root, &workspace, &["--features", "dbaas-clients/test-util"], &spec.display().to_string());
    (summary.operations, client_methods(&workspace))
}

#[test]
fn vendor_specs_generate_and_type_check() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let Some(entries) = vendor_specs(&root) else { return };
    let mut specs: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.is_dir() || p.extension().is_some_and(|x| x == "yaml")).collect();
    specs.sort();
    let mut methods = std::collections::BTreeMap::new();
    for spec in specs {
        let name = spec.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
        methods.insert(name, generate_and_type_check(&root, &spec));
    }
    // DigitalOcean's spec as its maintainers keep it, in many files, and as they publish it,
    // bundled, make the same client.
    let (Some(source), Some(published)) = (methods.get("digitalocean-source"), methods.get("digitalocean-public.yaml")) else {
        panic!("expected DigitalOcean's spec in both layouts, found: {:?}", methods.keys());
    };
    assert_eq!((source.0, published.0), (659, 659), "every operation, in both layouts");
    assert!(source.1 == published.1, "the source layout and the bundle make different methods");
    // Its 659 operations have a feature per tag: an app of the `Databases` tag alone compiles
    // that tag, with its test doubles, warning-free.
    let workspace = root.join("target/vendor-specs/digitalocean-public"); // as generated above
    let features = [
        "--no-default-features",
        "--features",
        "dbaas-clients/tls-aws-lc-rs,dbaas-clients/http2,dbaas-clients/digitalocean_public-databases,dbaas-clients/test-util",
    ];
    type_check(&root, &workspace, &features, "digitalocean-public.yaml, its Databases tag alone");
}

/// Each managed-database cloud's spec generates whole, as published, with every operation:
/// quick, so part of every test run; building each crate is `dbaas_specs_type_check`.
#[test]
fn dbaas_specs_generate_whole() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let Some(specs) = dbaas_specs(&root) else { return };
    for ((_, operations), spec) in DBAAS_SPECS.iter().zip(specs) {
        let text = fs::read_to_string(&spec).expect("the spec");
        let source = codegen::SpecSource { label: spec.display().to_string(), text, path: Some(spec.clone()) };
        let tree = codegen::render(&[source]).unwrap_or_else(|error| panic!("{} should generate as published:\n{error}", spec.display()));
        println!("{}: {} types, {} operations, {} warnings", spec.display(), tree.types, tree.operations, tree.warnings.len());
        assert_eq!(tree.operations, *operations, "every operation of {}", spec.display());
    }
}

/// Each managed-database cloud's spec makes a crate that type-checks warning-free, its test
/// doubles included.
#[test]
#[ignore = "builds nine large crates: .ci/run runs it"]
fn dbaas_specs_type_check() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let Some(specs) = dbaas_specs(&root) else { return };
    for ((_, operations), spec) in DBAAS_SPECS.iter().zip(specs) {
        let (generated, _) = generate_and_type_check(&root, &spec);
        assert_eq!(generated, *operations, "every operation of {}", spec.display());
    }
}

/// Every `$ref` target named anywhere in `value`, as `(section, name)`.
fn refs_in(value: &serde_yaml::Value, found: &mut Vec<(String, String)>) {
    match value {
        serde_yaml::Value::Mapping(map) => {
            for (key, child) in map {
                if key.as_str() == Some("$ref")
                    && let Some(target) = child.as_str().and_then(|t| t.strip_prefix("#/components/"))
                    && let Some((section, name)) = target.split_once('/')
                {
                    // A pointer into a component (`registry/properties/name`) needs the component.
                    let name = name.split('/').next().unwrap_or(name);
                    found.push((section.to_owned(), name.replace("~1", "/").replace("~0", "~")));
                }
                refs_in(child, found);
            }
        }
        serde_yaml::Value::Sequence(items) => items.iter().for_each(|item| refs_in(item, found)),
        _ => {}
    }
}

/// `document` with only the operation `method` of `path`, and the components it reaches.
fn only_operation(document: &serde_yaml::Value, path: &str, method: &str) -> serde_yaml::Value {
    use serde_yaml::{Mapping, Value};
    let mut item = document["paths"][path].clone();
    if let Value::Mapping(map) = &mut item {
        map.retain(|key, _| {
            !matches!(key.as_str(), Some("get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace"))
                || key.as_str() == Some(method)
        });
    }
    let mut single = document.clone();
    let mut paths = Mapping::new();
    paths.insert(Value::String(path.to_owned()), item);
    single["paths"] = Value::Mapping(paths);
    let mut components = Mapping::new();
    if let Some(schemes) = document["components"].get("securitySchemes") {
        components.insert(Value::String("securitySchemes".to_owned()), schemes.clone());
    }
    let mut pending = Vec::new();
    refs_in(&single["paths"], &mut pending);
    let mut seen: Vec<(String, String)> = Vec::new();
    while let Some((section, name)) = pending.pop() {
        if seen.contains(&(section.clone(), name.clone())) {
            continue;
        }
        let Some(target) = document["components"].get(section.as_str()).and_then(|s| s.get(name.as_str())) else { continue };
        refs_in(target, &mut pending);
        let entry = components.entry(Value::String(section.clone())).or_insert_with(|| Value::Mapping(Mapping::new()));
        if let Value::Mapping(entries) = entry {
            entries.insert(Value::String(name.clone()), target.clone());
        }
        seen.push((section, name));
    }
    single["components"] = Value::Mapping(components);
    single
}

/// Every operation of every vendor spec generates on its own too, with only what it
/// reaches: what a maintainer who copies one endpoint out of a vendor's spec gets.
#[test]
#[ignore = "a long run over every operation: .ci/run runs it in release"]
fn every_vendor_operation_generates_on_its_own() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let Some(entries) = vendor_specs(&root) else { return };
    let vendor = entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "yaml"));
    for spec in vendor.chain(dbaas_specs(&root).unwrap_or_default()) {
        let text = fs::read_to_string(&spec).expect("the spec");
        // The YAML reader cannot hold integers beyond 64 bits, which the generator widens with
        // a warning; here the whole document is only sliced, so they are widened by hand.
        let text = text.replace("18446744073709552000", "18446744073709552000.0");
        let document: serde_yaml::Value = serde_yaml::from_str(&text).expect("YAML");
        let mut failures = Vec::new();
        let mut count = 0;
        let methods = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
        for (path, item) in document["paths"].as_mapping().expect("paths") {
            let Some(path) = path.as_str() else { continue };
            for method in methods.iter().filter(|m| item.get(**m).is_some()) {
                count += 1;
                let single = serde_yaml::to_string(&only_operation(&document, path, method)).expect("YAML text");
                let source = codegen::SpecSource { label: format!("{method} {path}"), text: single, path: None };
                if let Err(error) = codegen::render(&[source]) {
                    failures.push(format!("{method} {path}: {error}"));
                }
            }
        }
        println!("{}: {count} operations, each generated on its own", spec.display());
        assert!(failures.is_empty(), "{} of {count} operations do not generate on their own:\n{}", failures.len(), failures.join("\n"));
    }
}
