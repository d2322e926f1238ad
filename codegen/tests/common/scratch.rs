//! Scratch workspaces: the runtime, the generated crate's hand-written parts and a spec,
//! generated and type-checked under `target/`.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use super::{copy_dir, copy_if_changed};

/// Where `generated/src/lib.rs` declares the hand-written modules that build on the crate's
/// own API modules.
const OWN_API_MODULES: &str = "// Hand-written modules that build on this crate's own API modules";

/// A workspace holding only the runtime crate, the generated crate's hand-written parts and
/// `spec`: one file, or a folder of roots and the files they reach, copied as `specs/`.
pub fn scratch_workspace(root: &Path, spec: &Path) -> PathBuf {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let workspace = root.join("target/vendor-specs").join(&stem);
    // Generated files are left for the generator to compare, so a rerun rewrites (and
    // rechecks) nothing that did not change.
    if spec.is_dir() {
        copy_dir(spec, &workspace.join("specs"));
    } else {
        // A root is a `.yaml` file of `specs/`; JSON is YAML, so a `.json` spec is one as it is.
        fs::create_dir_all(workspace.join("specs")).expect("a specs folder");
        copy_if_changed(spec, &workspace.join("specs").join(format!("{stem}.yaml")));
    }
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let members = manifest.lines().find(|line| line.starts_with("members = ")).expect("a members line");
    let manifest = manifest.replace(members, "members = [\"runtime\", \"generated\"]");
    if fs::read_to_string(workspace.join("Cargo.toml")).ok() != Some(manifest.clone()) {
        fs::write(workspace.join("Cargo.toml"), manifest).expect("a manifest");
    }
    copy_if_changed(&root.join("Cargo.lock"), &workspace.join("Cargo.lock"));
    copy_if_changed(&root.join("README.md"), &workspace.join("README.md"));
    fs::create_dir_all(workspace.join("runtime")).expect("a crate folder");
    fs::create_dir_all(workspace.join("generated/src")).expect("a source folder");
    copy_if_changed(&root.join("generated/Cargo.toml"), &workspace.join("generated/Cargo.toml"));
    copy_if_changed(&root.join("generated/README.md"), &workspace.join("generated/README.md"));
    copy_if_changed(&root.join("runtime/Cargo.toml"), &workspace.join("runtime/Cargo.toml"));
    copy_dir(&root.join("runtime/src"), &workspace.join("runtime/src"));
    // The crate's face without the hand-written modules that build on its own API modules,
    // which a vendor's spec does not have.
    let lib = fs::read_to_string(root.join("generated/src/lib.rs")).expect("the crate's lib.rs");
    let lib = lib.split(OWN_API_MODULES).next().unwrap_or_default();
    if fs::read_to_string(workspace.join("generated/src/lib.rs")).ok().as_deref() != Some(lib) {
        fs::write(workspace.join("generated/src/lib.rs"), lib).expect("a lib.rs");
    }
    // The manifest names the benchmarks; they are not built here, but must be there.
    copy_dir(&root.join("generated/benches"), &workspace.join("generated/benches"));
    workspace
}

/// Checks the crate of `workspace` with Cargo's `arguments` (its features): it must build
/// warning-free; `label` names it in the failure.
pub fn type_check(root: &Path, workspace: &Path, arguments: &[&str], label: &str) {
    let output = Command::new(env!("CARGO"))
        .args(["check", "--offline", "--message-format", "short"])
        .args(arguments)
        .arg("--manifest-path")
        .arg(workspace.join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", root.join("target/vendor-specs/build"))
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the crate generated from {label} does not type-check:\n{stderr}");
    let warnings: Vec<&str> = stderr.lines().filter(|line| line.contains("warning")).collect();
    assert!(warnings.is_empty(), "the crate generated from {label} has warnings:\n{}", warnings.join("\n"));
}
