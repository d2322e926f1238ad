//! Vendors' own published specs (`../shared/vendor-specs/`, beside the checkout, when it is
//! there) generate with no hand edit, and the crate they make type-checks. The specs are not
//! copied into the project: each is generated into a scratch workspace under `target/`.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::{Generator, find_workspace_root};

/// Copies `from` to `to` unless `to` has that content already, so its time stays and cargo
/// finds nothing to recheck.
fn copy_if_changed(from: &Path, to: &Path) {
    let content = fs::read(from).expect("a readable file");
    if fs::read(to).ok().as_ref() != Some(&content) {
        fs::write(to, content).expect("a copy");
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a folder");
    for entry in fs::read_dir(from).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            copy_if_changed(&path, &target);
        }
    }
}

/// A workspace holding only the generated crate's runtime and `spec`.
fn scratch_workspace(root: &Path, spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let workspace = root.join("target/vendor-specs").join(&stem);
    // Generated files are left for the generator to compare, so a rerun rewrites (and
    // rechecks) nothing that did not change.
    fs::create_dir_all(workspace.join("specs")).expect("a specs folder");
    copy_if_changed(spec, &workspace.join("specs").join(spec.file_name().expect("a name")));
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let members = manifest.lines().find(|line| line.starts_with("members = ")).expect("a members line");
    let manifest = manifest.replace(members, "members = [\"generated\"]");
    if fs::read_to_string(workspace.join("Cargo.toml")).ok() != Some(manifest.clone()) {
        fs::write(workspace.join("Cargo.toml"), manifest).expect("a manifest");
    }
    copy_if_changed(&root.join("Cargo.lock"), &workspace.join("Cargo.lock"));
    copy_if_changed(&root.join("README.md"), &workspace.join("README.md"));
    fs::create_dir_all(workspace.join("generated")).expect("a crate folder");
    copy_if_changed(&root.join("generated/Cargo.toml"), &workspace.join("generated/Cargo.toml"));
    copy_dir(&root.join("generated/src/runtime"), &workspace.join("generated/src/runtime"));
    workspace
}

#[test]
fn vendor_specs_generate_and_type_check() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let vendor = root.join("../shared/vendor-specs");
    let Ok(entries) = fs::read_dir(&vendor) else {
        println!("{} is not here: no vendor spec is tried", vendor.display());
        return;
    };
    let mut specs: Vec<PathBuf> =
        entries.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "yaml")).collect();
    specs.sort();
    for spec in specs {
        let workspace = scratch_workspace(&root, &spec);
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
        let output = Command::new(env!("CARGO"))
            .args(["check", "--offline", "--quiet", "--manifest-path"])
            .arg(workspace.join("Cargo.toml"))
            .env("CARGO_TARGET_DIR", root.join("target/vendor-specs/build"))
            .output()
            .expect("cargo runs");
        assert!(
            output.status.success(),
            "the crate generated from {} does not type-check:\n{}",
            spec.display(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}
