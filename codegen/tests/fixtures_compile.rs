//! The code generated for every fixture spec compiles without a warning, passes clippy,
//! documents cleanly, its usage examples compile, and the wire tests of
//! `codegen/tests/fixture_wire/` pass against it: snapshots show what the code says, this
//! shows that it works.
//!
//! The fixtures become modules of a scratch crate named like the generated one (so the usage
//! examples' `dbaas_clients::...` paths resolve), beside the real crate's runtime, checked with
//! the workspace's own lock file and no network.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use codegen::{SpecSource, render};

const LIB_HEADER: &str = "//! Every fixture spec, generated.\n\
#![deny(warnings, missing_docs)]\n\
/// The runtime of the generated crate, where generated code expects it.\n\
pub use generated_crate::runtime;\n";

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().expect("the workspace exists")
}

fn write_scratch_crate(root: &Path) -> PathBuf {
    let workspace = workspace();
    let krate = root.join("fixture-crate");
    let _ = fs::remove_dir_all(krate.join("src"));
    fs::create_dir_all(krate.join("src")).expect("scratch folder");
    let manifest = fs::read_to_string(workspace.join("generated/Cargo.toml")).expect("generated/Cargo.toml");
    let section = |name: &str| {
        manifest
            .split(&format!("[{name}]"))
            .nth(1)
            .and_then(|rest| rest.split("\n[").next())
            .unwrap_or_else(|| panic!("generated/Cargo.toml has [{name}]"))
            .to_owned()
    };
    let (dependencies, dev_dependencies) = (section("dependencies"), section("dev-dependencies"));
    let generated = workspace.join("generated");
    fs::write(
        krate.join("Cargo.toml"),
        format!(
            "[package]\nname = \"fixture-crate\"\nversion = \"0.0.0\"\nedition = \"2024\"\npublish = false\n\n\
             [lib]\nname = \"dbaas_clients\"\n\n[workspace]\n\n\
             [dependencies]\ngenerated-crate = {{ package = \"dbaas-clients\", path = {:?} }}{dependencies}\n\
             [dev-dependencies]{dev_dependencies}",
            generated.display().to_string()
        ),
    )
    .expect("scratch manifest");
    fs::copy(workspace.join("Cargo.lock"), krate.join("Cargo.lock")).expect("the workspace lock file");

    let mut specs: Vec<PathBuf> = fs::read_dir(workspace.join("codegen/tests/fixtures"))
        .expect("fixtures folder")
        .map(|entry| entry.expect("fixture entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    specs.sort();
    let sources: Vec<SpecSource> = specs
        .iter()
        .map(|path| SpecSource {
            label: format!("fixtures/{}", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()),
            text: fs::read_to_string(path).expect("fixture text"),
        })
        .collect();
    let tree = render(&sources).unwrap_or_else(|error| panic!("the fixtures should generate:\n{error}"));
    let mut lib = LIB_HEADER.to_owned();
    for (relative, content) in &tree.files {
        if relative == "src/lib.rs" {
            continue;
        }
        let path = krate.join(relative);
        fs::create_dir_all(path.parent().expect("a parent folder")).expect("module folder");
        fs::write(&path, content).expect("module file");
        if let Some(module) = relative.strip_prefix("src/").and_then(|r| r.strip_suffix("/mod.rs")) {
            lib.push_str(&format!("/// The `{module}` fixture.\npub mod {module};\n"));
        }
    }
    fs::write(krate.join("src/lib.rs"), lib).expect("scratch lib.rs");
    copy_wire_tests(&workspace.join("codegen/tests/fixture_wire"), &krate.join("tests"));
    krate
}

/// The wire tests of the fixtures become the scratch crate's integration tests.
fn copy_wire_tests(from: &Path, to: &Path) {
    let _ = fs::remove_dir_all(to);
    fs::create_dir_all(to).expect("tests folder");
    for entry in fs::read_dir(from).expect("codegen/tests/fixture_wire") {
        let path = entry.expect("a wire test").path();
        if path.extension().is_some_and(|ext| ext == "rs") {
            fs::copy(&path, to.join(path.file_name().expect("a file name"))).expect("copy a wire test");
        }
    }
}

fn cargo(krate: &Path, target: &Path, command: &str, tool_args: &[&str]) {
    let output = Command::new(env!("CARGO"))
        .arg(command)
        .args(["--offline", "--quiet", "--manifest-path"])
        .arg(krate.join("Cargo.toml"))
        .args(tool_args)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTDOCFLAGS", "-D warnings")
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "`cargo {command} {}` failed on the code generated for the fixtures:\n{}\n{}",
        tool_args.join(" "),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn generated_fixture_code_builds_lints_and_documents_cleanly() {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let krate = write_scratch_crate(root);
    let target = root.join("fixture-target");
    cargo(&krate, &target, "clippy", &["--", "-D", "warnings"]);
    cargo(&krate, &target, "doc", &["--no-deps"]);
    cargo(&krate, &target, "test", &[]);
}
