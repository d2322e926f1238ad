//! The README says what the generator and the crate do as a real run shows it: its intro names
//! every operation of each module, and its sample outputs are what `cargo xtask codegen` prints.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Generator, find_workspace_root};

fn root() -> PathBuf {
    find_workspace_root(Path::new(env!("CARGO_MANIFEST_DIR"))).expect("the workspace")
}

fn readme() -> String {
    fs::read_to_string(root().join("README.md")).expect("the README")
}

/// The operation methods of each API module the specs generate: each `pub async fn`, but for
/// the forms an operation also has (`NAME_with`, `NAME_stream`, `resume_NAME`).
fn operations_by_module() -> BTreeMap<String, BTreeSet<String>> {
    let rendered = Generator::for_workspace(&root()).render().expect("the specs generate");
    let mut methods: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (path, text) in &rendered.files {
        let Some(module) = path.strip_prefix("src/").and_then(|rest| rest.split_once('/')).map(|(module, _)| module) else { continue };
        let names = text.lines().filter_map(|line| line.trim_start().strip_prefix("pub async fn "));
        let names = names.map(|rest| rest.split(['(', '<']).next().unwrap_or_default().to_owned());
        methods.entry(module.to_owned()).or_default().extend(names);
    }
    for names in methods.values_mut() {
        let all = names.clone();
        let another_form = |name: &String| {
            [name.strip_suffix("_with"), name.strip_suffix("_stream"), name.strip_prefix("resume_")]
                .into_iter()
                .flatten()
                .any(|operation| all.contains(operation))
        };
        names.retain(|name| !another_form(name));
    }
    methods
}

#[test]
fn the_intro_names_every_operation_of_each_module() {
    let readme = readme();
    let intro = readme.split("```sh").next().expect("an intro");
    let mut listed: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for line in intro.lines().filter_map(|line| line.strip_prefix("- `")) {
        let (module, rest) = line.split_once("`: ").expect("`- `module`: ...`");
        let names = rest.split_once(": ").map_or("", |(_, names)| names);
        let names = names.split('`').skip(1).step_by(2).map(str::to_owned);
        listed.insert(module.to_owned(), names.collect());
    }
    assert_eq!(listed, operations_by_module(), "the README's intro names another set of operations than the specs generate");
}

#[test]
fn the_sample_summary_is_what_codegen_prints_for_the_project_s_specs() {
    let rendered = Generator::for_workspace(&root()).render().expect("the specs generate");
    let expected = format!(
        "codegen: 0 files written, {} unchanged, 0 removed; {} types, {} operations in ",
        rendered.files.len(),
        rendered.types,
        rendered.operations
    );
    let readme = readme();
    let line = readme.lines().find(|line| line.starts_with("codegen: 0 files written")).expect("the sample summary");
    assert!(line.starts_with(&expected) && line.ends_with(" ms"), "the README shows\n{line}\nwhere a run prints\n{expected}... ms");
}

#[test]
fn the_sample_errors_are_what_codegen_reports_for_a_broken_spec() {
    let scratch = root().join("target/readme-broken-spec");
    let _ = fs::remove_dir_all(&scratch);
    fs::create_dir_all(scratch.join("specs")).expect("a scratch folder");
    let spec = fs::read_to_string(root().join("specs/digitalocean.yaml")).expect("the spec");
    // The three mistakes the README shows: two operations named alike, a misspelled keyword
    // and a reference to nothing.
    let broken = spec.replacen("operationId: databases_get_user\n", "operationId: databases-list-users\n", 1).replacen(
        "operationId: databases_update_user\n",
        "operationId: databases_update_user\n      deprecatd: true\n",
        1,
    );
    let at = broken.find("operationId: databases_update_user").expect("the update operation");
    let (before, after) = broken.split_at(at);
    let broken = format!("{before}{}", after.replacen("#/components/schemas/user_settings", "#/components/schemas/user_setings", 1));
    fs::write(scratch.join("specs/digitalocean.yaml"), broken).expect("the broken spec");
    let error = Generator::for_workspace(&scratch).run().expect_err("the broken spec is refused");
    assert!(!scratch.join("generated").exists(), "nothing was written");
    let _ = fs::remove_dir_all(&scratch);
    let readme = readme();
    let shown: Vec<&str> = readme.lines().filter(|line| line.starts_with("error: specs/digitalocean.yaml:")).collect();
    let reported = error.to_string();
    let reported: Vec<&str> = reported.lines().filter(|line| line.starts_with("error: ")).collect();
    assert_eq!(shown, reported, "the README's sample errors are not what the generator reports");
}

#[test]
fn the_errors_table_has_a_row_for_each_variant() {
    let source = fs::read_to_string(root().join("runtime/src/error.rs")).expect("the runtime's errors");
    let body = source.split("pub enum Error<E> {").nth(1).and_then(|rest| rest.split("\n}").next()).expect("the Error enum");
    let variants: BTreeSet<String> = body
        .lines()
        .filter_map(|line| line.strip_prefix("    ").filter(|line| line.starts_with(|c: char| c.is_ascii_uppercase())))
        .map(|line| line.split(['(', ' ', ',', '{']).next().unwrap_or_default().to_owned())
        .collect();
    let readme = readme();
    let table = readme.split("### Errors").nth(1).expect("an Errors section");
    let rows: BTreeSet<String> = table
        .lines()
        .take_while(|line| !line.starts_with("## "))
        .filter_map(|line| line.strip_prefix("| `Error::"))
        .map(|row| row.split('`').next().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(rows, variants, "the README's Errors table and the variants of `Error` differ");
}
