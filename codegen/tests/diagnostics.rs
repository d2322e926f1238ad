//! The messages a maintainer sees for a broken or odd spec: one small spec per case under
//! `bad_specs/`, each with a snapshot of exactly what the generator says: the errors that
//! refuse it, or the warnings of a spec that is read anyway.

use std::fs;
use std::path::Path;

use codegen::{Error, SpecSource, render};

/// What `cargo xtask codegen` prints for one bad spec.
fn diagnostics(path: &Path) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    match render(&[SpecSource { label: format!("specs/{name}"), text, path: Some(path.to_owned()) }]) {
        Ok(tree) if tree.warnings.is_empty() => panic!("{name} should be refused, or warned about"),
        Ok(tree) => tree.warnings.iter().map(|warning| format!("warning: {warning}")).collect::<Vec<_>>().join("\n"),
        Err(error @ Error::Spec(_)) => error.to_string(),
        Err(other) => panic!("{name} should fail as a spec error, not: {other}"),
    }
}

#[test]
fn bad_specs() {
    insta::glob!("bad_specs/*.yaml", |path| {
        insta::assert_snapshot!(diagnostics(path));
    });
}
