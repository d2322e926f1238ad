//! The committed `generated/` crate is exactly what the specs generate.

use codegen::{Generator, find_workspace_root};

#[test]
fn generated_crate_matches_the_specs() {
    // Found from where the test runs (cargo runs it in its package's folder), never from where
    // it was built: checkouts that share a target folder each check their own files.
    let here = std::env::current_dir().unwrap_or_else(|error| panic!("no current folder: {error}"));
    let root = find_workspace_root(&here).unwrap_or_else(|| panic!("`{}` is not inside the workspace", here.display()));
    let report = Generator::for_workspace(&root).check().unwrap_or_else(|error| panic!("the specs do not generate:\n{error}"));
    assert!(report.is_fresh(), "generated/ is out of date: run `cargo xtask codegen` and commit the result\n\n{}", report.diffs.join("\n"));
}
