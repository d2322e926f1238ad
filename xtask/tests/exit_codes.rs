//! `cargo xtask codegen` tells its outcomes apart by exit code: done, out of date, broken
//! spec, unreadable files, wrong arguments.

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
    assert!(text(&done).starts_with("codegen: 3 files written, 0 unchanged, 0 removed; 0 types, 1 operations in "));

    let fresh = xtask(&["codegen", "--check"], root.path());
    assert_eq!(fresh.status.code(), Some(0), "{}", text(&fresh));

    fs::write(root.path().join("specs/ping.yaml"), SPEC.replace("Pong.", "Pong!")).expect("edit");
    let stale = xtask(&["codegen", "--check"], root.path());
    assert_eq!(stale.status.code(), Some(1), "{}", text(&stale));
    assert!(text(&stale).contains("-    /// - `204`: Pong.\n+    /// - `204`: Pong!"), "{}", text(&stale));

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
