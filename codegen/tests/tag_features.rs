//! An API with a Cargo feature per tag (the `tag_features` fixture) compiles warning-free with
//! any one tag's feature alone, test doubles included: what that tag's operations use is there,
//! and nothing else is left unused.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::path::Path;

use codegen::{Generator, find_workspace_root};
use common::scratch::{scratch_workspace, type_check};

mod common;

#[test]
fn each_tag_compiles_alone() {
    let here = std::env::current_dir().expect("a current folder");
    let root = find_workspace_root(&here).expect("the workspace");
    let spec = root.join("codegen/tests/fixtures/tag_features.yaml");
    let workspace = scratch_workspace(&root, &spec);
    Generator::for_workspace(&workspace).run().expect("the fixture generates");
    let manifest = std::fs::read_to_string(workspace.join("generated/Cargo.toml")).expect("the manifest");
    assert!(
        manifest.contains(
            "\ntag_features = [\"tag_features-clusters\", \"tag_features-users\"]\ntag_features-clusters = []\ntag_features-users = []\n"
        ),
        "the module's feature turns on each tag's:\n{manifest}"
    );
    for tag in ["clusters", "users"] {
        for test_util in ["", ",dbaas-clients/test-util"] {
            let features = format!("dbaas-clients/tls-aws-lc-rs,dbaas-clients/http2,dbaas-clients/tag_features-{tag}{test_util}");
            type_check(&root, &workspace, &["--no-default-features", "--features", &features], &format!("{} with {features}", show(&spec)));
        }
    }
}

fn show(path: &Path) -> String {
    path.display().to_string()
}
