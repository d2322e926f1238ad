//! Snapshots of the generated code: one per fixture spec, each about one concern of the
//! supported subset. The project's own specs are covered by the freshness test instead: their
//! generated code is committed under `generated/`, where a change shows in review.

use std::fs;
use std::path::Path;

use codegen::{SpecSource, render};

/// The warnings of one spec, then every generated file, each under a line naming it; the file
/// of module declarations is left out.
fn rendered(path: &Path, folder: &str) -> String {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let source = SpecSource { label: format!("{folder}/{name}"), text, path: None };
    match render(&[source]) {
        Ok(tree) => {
            let warnings = (!tree.warnings.is_empty())
                .then(|| format!("//// warnings\n{}", tree.warnings.iter().map(|warning| format!("{warning}\n")).collect::<String>()));
            let files = tree
                .files
                .iter()
                .filter(|(relative, _)| relative.as_str() != codegen::write::APIS_FILE)
                .map(|(relative, content)| format!("//// {relative}\n{content}"));
            // The features of an API with one per tag, and how its module is gated.
            let features = tree.modules.iter().filter(|module| !module.tags.is_empty()).map(|module| {
                let apis = tree.files.get(codegen::write::APIS_FILE).map(String::as_str).unwrap_or_default();
                format!("//// features\n{} = {:?}\n//// {}\n{apis}", module.module, module.tags, codegen::write::APIS_FILE)
            });
            warnings.into_iter().chain(features).chain(files).collect::<Vec<_>>().join("\n")
        }
        Err(error) => panic!("{name} should generate:\n{error}"),
    }
}

#[test]
fn fixtures() {
    insta::glob!("fixtures/*.yaml", |path| {
        insta::assert_snapshot!(rendered(path, "fixtures"));
    });
}
