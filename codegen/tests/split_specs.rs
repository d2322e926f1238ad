//! Specs kept in many files: a root under `specs/` and the files its `$ref`s reach generate
//! exactly what the same API bundled into one file generates, and every problem in a reached
//! file is reported in that file, at its line.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Error, Generator, SpecSource, render};
use common::copy_dir;

mod common;

/// The folder of this crate's test data.
fn tests_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

/// The spec at `path`, as the generator reads a root of `specs/`.
fn source(path: &Path) -> SpecSource {
    let text = fs::read_to_string(path).expect("a readable spec");
    SpecSource { label: "specs/api.yaml".to_owned(), text, path: Some(path.to_owned()) }
}

/// What the generator says about the spec at `path`: its errors, or else its warnings.
fn diagnostics(path: &Path) -> String {
    match render(&[source(path)]) {
        Ok(tree) => tree.warnings.iter().map(|warning| format!("warning: {warning}")).collect::<Vec<_>>().join("\n"),
        Err(error) => error.to_string(),
    }
}

/// A scratch copy of the split fixture, as the `specs/` folder of a workspace.
fn split_workspace() -> tempfile::TempDir {
    let root = tempfile::tempdir().expect("a temporary folder");
    copy_dir(&tests_dir().join("split"), &root.path().join("specs"));
    fs::create_dir_all(root.path().join("generated/src")).expect("a source folder");
    root
}

/// Replaces `from` by `to` in the file at `path`, which must hold it.
fn edit(path: &Path, from: &str, to: &str) {
    let text = fs::read_to_string(path).expect("a readable file");
    assert!(text.contains(from), "{} holds no `{from}`", path.display());
    fs::write(path, text.replace(from, to)).expect("an edit");
}

#[test]
fn a_split_spec_generates_what_its_bundled_equivalent_generates_byte_for_byte() {
    let split = render(&[source(&tests_dir().join("split/api.yaml"))]).expect("the split spec generates");
    let bundled = render(&[source(&tests_dir().join("bundled/api.yaml"))]).expect("the bundled spec generates");
    assert!(split.warnings.is_empty() && bundled.warnings.is_empty(), "{:?} {:?}", split.warnings, bundled.warnings);
    assert_eq!(split.files.keys().collect::<Vec<_>>(), bundled.files.keys().collect::<Vec<_>>());
    for (file, content) in &split.files {
        assert!(bundled.files[file] == *content, "{file} differs between the split and the bundled spec");
    }
    let client = &split.files["src/api/things.rs"];
    let types = &split.files["src/api/types.rs"];
    for expected in ["pub async fn get_thing(", "pub async fn list_things(", "Things and the people who own them."] {
        assert!(client.contains(expected), "the client has no `{expected}`");
    }
    // The component keeps its name; the files reached otherwise are named by their stem, and
    // the models that refer to each other across files are boxed where they go round.
    for expected in ["pub struct Thing {", "pub struct Person {", "pub struct Error {", "pub parent: Option<Box<Thing>>"] {
        assert!(types.contains(expected), "the types have no `{expected}`");
    }
}

#[test]
fn a_broken_ref_in_a_reached_file_is_reported_in_that_file_at_its_line() {
    let workspace = split_workspace();
    let specs = workspace.path().join("specs");
    edit(&specs.join("models/person.yml"), "$ref: \"thing.yml\"", "$ref: \"thingy.yml\"");
    edit(&specs.join("paths/list_things.yml"), "#/limit", "#/limits");
    insta::assert_snapshot!(diagnostics(&specs.join("api.yaml")));
}

#[test]
fn a_mistake_inside_a_reached_file_is_reported_in_that_file_at_its_line() {
    let workspace = split_workspace();
    let specs = workspace.path().join("specs");
    edit(&specs.join("parameters.yml"), "in: query", "in: querry");
    let wrong_keyword = diagnostics(&specs.join("api.yaml"));
    edit(&specs.join("parameters.yml"), "in: querry", "in: query");
    edit(&specs.join("responses/thing.json"), "\"content\": {", "\"content\": {{");
    let broken_json = diagnostics(&specs.join("api.yaml"));
    insta::assert_snapshot!(format!("{wrong_keyword}\n{broken_json}"));
}

#[test]
fn urls_and_files_outside_the_spec_folder_are_refused_by_name() {
    let workspace = split_workspace();
    let specs = workspace.path().join("specs");
    fs::write(workspace.path().join("elsewhere.yml"), "type: string\n").expect("a file outside");
    edit(&specs.join("models/person.yml"), "type: string", "$ref: \"../../elsewhere.yml\"");
    edit(&specs.join("models/error.yml"), "type: string", "$ref: \"https://example.com/message.yml\"");
    insta::assert_snapshot!(diagnostics(&specs.join("api.yaml")));
}

#[test]
fn files_that_refer_to_each_other_with_no_component_between_are_refused() {
    let workspace = split_workspace();
    let specs = workspace.path().join("specs");
    fs::write(specs.join("docs/more.yml"), "text:\n  $ref: \"tags.yml#/loop\"\n").expect("a file");
    fs::write(specs.join("docs/tags.yml"), "things:\n  $ref: \"more.yml#/text\"\nloop:\n  $ref: \"more.yml#/text\"\n").expect("a file");
    insta::assert_snapshot!(diagnostics(&specs.join("api.yaml")));
}

#[test]
fn the_generator_writes_checks_and_refuses_a_split_spec_as_any_other() {
    let workspace = split_workspace();
    let generator = Generator::for_workspace(workspace.path());
    let summary = generator.run().expect("the split spec generates");
    assert_eq!(summary.operations, 2);
    let module = fs::read_to_string(workspace.path().join("generated/src/api/mod.rs")).expect("the module is named by the root file");
    assert!(module.starts_with("// @generated by cargo xtask codegen from specs/api.yaml"), "{}", &module[..80]);
    assert!(!workspace.path().join("generated/src/parameters").exists(), "a reached file is not a root");
    assert!(generator.check().expect("check runs").is_fresh());

    // A change in a reached file is a change of the spec.
    let person = workspace.path().join("specs/models/person.yml");
    edit(&person, "A person, who owns things.", "A person, who may own things.");
    let report = generator.check().expect("check runs");
    assert!(!report.is_fresh() && report.diffs.iter().any(|diff| diff.contains("A person, who may own things.")), "{:?}", report.diffs);

    // A broken reached file stops the run before anything is written.
    generator.run().expect("the edited spec generates");
    let before = fs::read(workspace.path().join("generated/src/api/types.rs")).expect("the types");
    edit(&person, "type: string", "type: [string");
    let error = generator.run().expect_err("a broken reached file is refused");
    let Error::Spec(errors) = &error else { panic!("expected spec errors, got {error}") };
    assert_eq!(errors.0.iter().map(|e| e.file.as_str()).collect::<Vec<_>>(), ["specs/models/person.yml"], "{error}");
    assert_eq!(fs::read(workspace.path().join("generated/src/api/types.rs")).expect("the types"), before);
}

#[test]
fn a_reached_file_placed_among_the_roots_is_told_to_move() {
    let workspace = split_workspace();
    let specs = workspace.path().join("specs");
    fs::rename(specs.join("parameters.yml"), specs.join("parameters.yaml")).expect("a rename");
    edit(&specs.join("paths/thing.yml"), "../parameters.yml", "../parameters.yaml");
    edit(&specs.join("paths/list_things.yml"), "../parameters.yml", "../parameters.yaml");
    let error = Generator::for_workspace(workspace.path()).run().expect_err("a root without `openapi` is refused");
    assert_eq!(
        error.to_string(),
        "error: specs/parameters.yaml: expected `openapi: 3.0.x`, found no `openapi` key (every `*.yaml` of the specs folder is a \
         root spec: a file that a spec refers to goes in a folder below it, or ends in `.yml` or `.json`)"
    );
}
