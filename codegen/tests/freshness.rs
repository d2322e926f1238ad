//! The committed `generated/` crate is exactly what the specs generate.

use std::path::Path;

use codegen::Generator;

#[test]
fn generated_crate_matches_the_specs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let report = Generator::for_workspace(&root).check().unwrap_or_else(|error| panic!("the specs do not generate:\n{error}"));
    assert!(
        report.is_fresh(),
        "generated/ is out of date: run `cargo xtask codegen` and commit the result\n\n{}",
        report.diffs.join("\n")
    );
}
