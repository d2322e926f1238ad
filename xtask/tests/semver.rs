//! `cargo xtask semver` on a clients crate generated from a fixture spec, in a repository of
//! its own: a renamed field fails the check until the version is bumped. Needs
//! `cargo-semver-checks` and git; `.ci/run` runs it.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SPEC: &str = r##"openapi: 3.0.3
info:
  title: Accounts
  version: "1"
servers:
  - url: https://api.example.com
paths:
  /accounts/{id}:
    get:
      operationId: get_account
      parameters:
        - name: id
          in: path
          required: true
          schema:
            type: string
      responses:
        "200":
          description: The account.
          content:
            application/json:
              schema:
                $ref: "#/components/schemas/Account"
components:
  schemas:
    Account:
      type: object
      properties:
        login:
          type: string
        email:
          type: string
"##;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the workspace").to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("a folder");
    for entry in fs::read_dir(from).expect("a readable folder") {
        let path = entry.expect("an entry").path();
        let target = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            fs::copy(&path, &target).expect("a copy");
        }
    }
}

/// A workspace of the runtime and a clients crate generated from `SPEC`, committed to a git
/// repository of its own.
fn scratch_repository(root: &Path) -> PathBuf {
    let scratch = root.join("target/semver-fixture");
    let _ = fs::remove_dir_all(&scratch);
    copy_dir(&root.join("runtime"), &scratch.join("runtime"));
    fs::create_dir_all(scratch.join("generated/src")).expect("a source folder");
    fs::create_dir_all(scratch.join("specs")).expect("a specs folder");
    fs::write(scratch.join("specs/accounts.yaml"), SPEC).expect("the spec");
    let manifest = fs::read_to_string(root.join("Cargo.toml")).expect("the workspace manifest");
    let members = manifest.lines().find(|line| line.starts_with("members = ")).expect("a members line");
    fs::write(scratch.join("Cargo.toml"), manifest.replace(members, "members = [\"runtime\", \"generated\"]")).expect("a manifest");
    fs::copy(root.join("Cargo.lock"), scratch.join("Cargo.lock")).expect("the lock file");
    for file in ["Cargo.toml", "README.md"] {
        fs::copy(root.join("generated").join(file), scratch.join("generated").join(file)).expect("the crate's file");
    }
    // The manifest names the benchmarks: they are not built here, but must be there.
    copy_dir(&root.join("generated/benches"), &scratch.join("generated/benches"));
    // The crate's face, without the modules that build on the project's own APIs.
    let lib = fs::read_to_string(root.join("generated/src/lib.rs")).expect("the crate's lib.rs");
    let lib = lib.split("// Hand-written modules that build on this crate's own API modules").next().unwrap_or_default();
    fs::write(scratch.join("generated/src/lib.rs"), lib).expect("a lib.rs");
    codegen(&scratch);
    git(&scratch, &["init", "--quiet"]);
    git(&scratch, &["add", "--all"]);
    git(&scratch, &["commit", "--quiet", "--message", "The accounts API, released"]);
    scratch
}

fn codegen(scratch: &Path) {
    let output = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("codegen").arg("--root").arg(scratch).output().expect("xtask runs");
    assert!(output.status.success(), "codegen: {}", String::from_utf8_lossy(&output.stderr));
}

fn git(dir: &Path, args: &[&str]) {
    let status = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_AUTHOR_NAME", "test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .status()
        .expect("git runs");
    assert!(status.success(), "git {args:?}");
}

/// `cargo xtask semver` on the clients crate of `scratch`, with the project's target folder.
fn semver(root: &Path, scratch: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["semver", "--only", "dbaas-clients", "--root"])
        .arg(scratch)
        .env("CARGO_TARGET_DIR", root.join("target"))
        .output()
        .expect("xtask runs")
}

#[test]
#[ignore = "needs cargo-semver-checks and a minute of rustdoc: .ci/run runs it"]
fn a_renamed_field_fails_the_check_until_the_version_is_bumped() {
    let root = root();
    let scratch = scratch_repository(&root);
    fs::write(scratch.join("specs/accounts.yaml"), SPEC.replace("        login:", "        username:")).expect("the spec");
    codegen(&scratch);

    let refused = semver(&root, &scratch);
    let said = format!("{}{}", String::from_utf8_lossy(&refused.stdout), String::from_utf8_lossy(&refused.stderr));
    assert!(!refused.status.success(), "a renamed field passed:\n{said}");
    assert!(said.contains("struct_pub_field_missing") && said.contains("login"), "{said}");
    assert!(said.contains("bump the version"), "{said}");

    let manifest = scratch.join("generated/Cargo.toml");
    let text = fs::read_to_string(&manifest).expect("the manifest");
    let version = text.lines().find_map(|line| line.strip_prefix("version = \"")).expect("a version").trim_end_matches('"');
    let (major, _) = version.split_once('.').expect("a version number");
    let minor: u32 = version.split('.').nth(1).and_then(|minor| minor.parse().ok()).expect("a minor number");
    let bumped = format!("{major}.{}.0", minor + 1);
    fs::write(&manifest, text.replacen(&format!("version = \"{version}\""), &format!("version = \"{bumped}\""), 1)).expect("a bump");
    let passed = semver(&root, &scratch);
    let said = format!("{}{}", String::from_utf8_lossy(&passed.stdout), String::from_utf8_lossy(&passed.stderr));
    assert!(passed.status.success(), "the bump to {bumped} did not pass:\n{said}");
    let _ = fs::remove_dir_all(&scratch);
}
