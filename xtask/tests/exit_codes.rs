//! `cargo xtask codegen` tells its outcomes apart by exit code: done, out of date, broken
//! spec (or a warning, when warnings are denied), unreadable files, wrong arguments.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: \"1\"}\nservers: [{url: \"https://api.example.com\"}]\n\
paths:\n  /ping:\n    get:\n      operationId: ping\n      responses:\n        \"204\":\n          description: Pong.\n";

fn xtask(args: &[&str], root: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).arg("--root").arg(root).output().expect("xtask runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn each_outcome_has_its_exit_code() {
    let root = tempfile::tempdir().expect("a temporary folder");
    fs::create_dir_all(root.path().join("specs")).expect("specs folder");
    fs::write(root.path().join("specs/ping.yaml"), SPEC).expect("spec");

    let done = xtask(&["codegen"], root.path());
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    assert!(text(&done).starts_with("codegen: 4 files written, 0 unchanged, 0 removed; 0 types, 1 operation in "));

    let fresh = xtask(&["codegen", "--check"], root.path());
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));

    fs::write(root.path().join("specs/ping.yaml"), SPEC.replace("Pong.", "Pong!")).expect("edit");
    let stale = xtask(&["codegen", "--check"], root.path());
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale));
    assert!(text(&stale).contains("-    /// - `204`: Pong.\n+    /// - `204`: Pong!"), "{}", text(&stale));

    // A warning (a format no registry knows) is an error only when warnings are denied.
    let odd = SPEC.replace(
        "description: Pong.\n",
        "description: Pong.\n          content:\n            application/json:\n              schema: {type: string, format: colour}\n",
    );
    fs::write(root.path().join("specs/ping.yaml"), &odd).expect("edit");
    let denied = xtask(&["codegen", "--deny-warnings", "--check"], root.path());
    assert_eq!(denied.status.code(), Some(2), "{}", text(&denied));
    assert!(text(&denied).contains("error: specs/ping.yaml:"), "{}", text(&denied));
    assert!(text(&denied).contains("`format: colour` is not a format the generator knows"), "{}", text(&denied));
    let warned = xtask(&["codegen", "--check"], root.path());
    assert_eq!(warned.status.code(), Some(1), "out of date, but not refused: {}", text(&warned));
    assert!(text(&warned).contains("warning: specs/ping.yaml:"), "{}", text(&warned));

    fs::write(root.path().join("specs/ping.yaml"), "openapi: 3.0.3\npaths: [").expect("break");
    let broken = xtask(&["codegen"], root.path());
    assert_eq!(broken.status.code(), Some(2), "{}", text(&broken));
    assert!(text(&broken).contains("generated/ was left as it was"), "{}", text(&broken));

    let missing = xtask(&["codegen"], &root.path().join("nowhere"));
    assert_eq!(missing.status.code(), Some(3), "{}", text(&missing));
    assert!(text(&missing).starts_with("error: cannot read the folder `"), "{}", text(&missing));

    let usage = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("codegen").arg("--frobnicate").output().expect("xtask runs");
    assert_eq!(usage.status.code(), Some(64));
}

/// Every file under `dir`, with its content.
fn files(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in fs::read_dir(&dir).expect("a readable folder") {
            let path = entry.expect("an entry").path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let content = fs::read(&path).expect("a readable file");
                found.push((path, content));
            }
        }
    }
    found.sort();
    found
}

#[test]
fn the_workspace_is_the_one_around_the_current_folder_not_the_one_built_from() {
    // A second checkout, sharing this one's build (and so its xtask binary).
    let other = tempfile::tempdir().expect("a temporary folder");
    fs::write(other.path().join("Cargo.toml"), "[workspace]\n").expect("manifest");
    fs::create_dir_all(other.path().join("specs/nested")).expect("specs folder");
    fs::write(other.path().join("specs/ping.yaml"), SPEC).expect("spec");
    let this_checkout = std::env::current_dir().expect("a current folder").join("../generated");
    let before = files(&this_checkout);

    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).current_dir(other.path().join("specs/nested")).output();
    let done = run(&["codegen"]).expect("xtask runs");
    assert_eq!(done.status.code(), Some(0), "{}", text(&done));
    assert!(other.path().join("generated/src/ping/mod.rs").is_file(), "the other checkout is generated");
    assert_eq!(files(&this_checkout), before, "this checkout's generated/ is not touched");

    fs::write(other.path().join("specs/ping.yaml"), SPEC.replace("Pong.", "Pong!")).expect("edit");
    let stale = run(&["codegen", "--check"]).expect("xtask runs");
    assert_eq!(stale.status.code(), Some(1), "a stale tree is reported stale: {}", text(&stale));

    let nowhere = tempfile::tempdir().expect("a temporary folder");
    let outside = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("codegen").current_dir(nowhere.path()).output().expect("xtask runs");
    assert_eq!(outside.status.code(), Some(64), "{}", text(&outside));
    assert!(text(&outside).contains("is not inside a workspace"), "{}", text(&outside));
}
