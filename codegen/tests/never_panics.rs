//! No spec makes the generator panic or hang: thousands of mutated specs, each of which must
//! end in generated code or a clean error.
//!
//! Each case starts from a real spec, fixture or bad spec and applies random mutations to its
//! YAML tree (deleting, replacing, renaming, grafting subtrees, redirecting `$ref`s, adding
//! keywords) or to its text. Cases are numbered, and case `n` always makes the same spec.
//! `CODEGEN_FUZZ_CASES` sets how many run (`cargo xtask fuzz` runs a long campaign);
//! `CODEGEN_FUZZ_FIRST` where they start.

#![allow(clippy::expect_used)] // a failed step of a test is a failed test

use std::fs;
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use codegen::{Error, SpecSource, render};
use serde_yaml::{Mapping, Value};

/// Cases in a normal test run.
const DEFAULT_CASES: u64 = 2_000;

/// The longest one case may take before it counts as a hang.
const DEADLINE: Duration = Duration::from_secs(20);

const KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "properties",
    "required",
    "$ref",
    "enum",
    "nullable",
    "readOnly",
    "writeOnly",
    "default",
    "example",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "minimum",
    "maximum",
    "additionalProperties",
    "allOf",
    "oneOf",
    "description",
    "title",
    "operationId",
    "parameters",
    "requestBody",
    "responses",
    "content",
    "schema",
    "in",
    "name",
    "servers",
    "security",
    "url",
    "paths",
    "components",
    "schemas",
];

const STRINGS: &[&str] = &[
    "",
    " ",
    "{",
    "}",
    "{id}",
    "/",
    "//",
    "..",
    "#",
    "$ref",
    "#/components/schemas/",
    "#/components/schemas/Missing",
    "other.yaml#/x",
    "string",
    "integer",
    "number",
    "boolean",
    "array",
    "object",
    "uuid",
    "date-time",
    "password",
    "int32",
    "int64",
    "float",
    "double",
    "binary",
    "application/json",
    "text/html",
    "path",
    "query",
    "header",
    "cookie",
    "200",
    "2XX",
    "default",
    "9999",
    "type",
    "self",
    "Self",
    "r#type",
    "@type",
    "+",
    "-",
    "пусто",
    "🦀",
    "\u{0}",
    "\t",
    "\n",
    "a\"b",
    "`",
    "\\",
    "[",
    "(?=x)",
    "^[a-z",
    "https://",
    "http://10.0.0.1",
    "x-",
    "3.0.3",
    "3.1.0",
];

fn seeds() -> Vec<(String, String)> {
    // The package folder, where cargo runs the test.
    let root = std::env::current_dir().expect("a current folder");
    let mut seeds = Vec::new();
    for folder in [root.join("../specs"), root.join("tests/fixtures"), root.join("tests/bad_specs")] {
        let mut paths: Vec<_> = fs::read_dir(&folder).expect("seed folder").map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for path in paths.into_iter().filter(|p| p.extension().is_some_and(|e| e == "yaml")) {
            let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            seeds.push((name, fs::read_to_string(&path).expect("seed text")));
        }
    }
    seeds
}

/// Every node of a tree, as a path of indexes from the root, for picking one at random.
fn node_paths(value: &Value, here: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
    out.push(here.clone());
    let children: Vec<&Value> = match value {
        Value::Mapping(map) => map.values().collect(),
        Value::Sequence(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for (index, child) in children.into_iter().enumerate() {
        here.push(index);
        node_paths(child, here, out);
        here.pop();
    }
}

fn node_mut<'v>(mut value: &'v mut Value, path: &[usize]) -> &'v mut Value {
    for &index in path {
        value = match value {
            Value::Mapping(map) => map.values_mut().nth(index).expect("a child"),
            Value::Sequence(items) => &mut items[index],
            _ => unreachable!("paths only lead through mappings and sequences"),
        };
    }
    value
}

fn random_scalar(rng: &mut fastrand::Rng) -> Value {
    match rng.u8(0..6) {
        0 => Value::Null,
        1 => Value::Bool(rng.bool()),
        2 => Value::from(rng.i64(-3..300)),
        3 => Value::from([0.5, -1.0, 1e300, f64::MAX][rng.usize(0..4)]),
        4 => Value::String(KEYWORDS[rng.usize(0..KEYWORDS.len())].to_owned()),
        _ => Value::String(STRINGS[rng.usize(0..STRINGS.len())].to_owned()),
    }
}

fn random_key(rng: &mut fastrand::Rng) -> Value {
    if rng.bool() {
        Value::String(KEYWORDS[rng.usize(0..KEYWORDS.len())].to_owned())
    } else {
        Value::String(STRINGS[rng.usize(0..STRINGS.len())].to_owned())
    }
}

/// One random change to the tree.
fn mutate(tree: &mut Value, rng: &mut fastrand::Rng) {
    let mut paths = Vec::new();
    node_paths(tree, &mut Vec::new(), &mut paths);
    let target = paths[rng.usize(0..paths.len())].clone();
    let graft = node_mut(tree, &paths[rng.usize(0..paths.len())]).clone();
    let node = node_mut(tree, &target);
    match rng.u8(0..7) {
        0 => *node = random_scalar(rng),
        1 => *node = graft,
        2 => {
            if let Value::Mapping(map) = node
                && !map.is_empty()
            {
                let key = map.keys().nth(rng.usize(0..map.len())).cloned().expect("a key");
                map.remove(&key);
            }
        }
        3 => {
            if let Value::Mapping(map) = node
                && !map.is_empty()
            {
                let key = map.keys().nth(rng.usize(0..map.len())).cloned().expect("a key");
                let value = map.remove(&key).expect("present");
                map.insert(random_key(rng), value);
            }
        }
        4 => {
            let value = if rng.bool() { random_scalar(rng) } else { graft };
            match node {
                Value::Mapping(map) => {
                    map.insert(random_key(rng), value);
                }
                Value::Sequence(items) => items.push(value),
                _ => {}
            }
        }
        5 => {
            let names = ["Missing", "Thing", "Node", "Color", "UpdateUserRequest", "user_settings", "Any", "Status"];
            let mut map = Mapping::new();
            map.insert(Value::from("$ref"), Value::from(format!("#/components/schemas/{}", names[rng.usize(0..names.len())])));
            *node = Value::Mapping(map);
        }
        _ => {
            if let Value::Sequence(items) = node
                && !items.is_empty()
            {
                items.remove(rng.usize(0..items.len()));
            }
        }
    }
}

/// A random tree of OpenAPI keywords, strings and numbers, at most `depth` deep.
fn random_tree(rng: &mut fastrand::Rng, depth: usize) -> Value {
    match rng.u8(0..4) {
        0 | 1 if depth > 0 => {
            let mut map = Mapping::new();
            for _ in 0..rng.usize(1..5) {
                map.insert(random_key(rng), random_tree(rng, depth - 1));
            }
            Value::Mapping(map)
        }
        2 if depth > 0 => Value::Sequence((0..rng.usize(0..4)).map(|_| random_tree(rng, depth - 1)).collect()),
        _ => random_scalar(rng),
    }
}

/// The spec of case `case`: a seed with a few changes to its tree, damage to its text, or a
/// random tree under a valid header.
fn case_spec(seeds: &[(String, String)], case: u64) -> (String, String) {
    let mut rng = fastrand::Rng::with_seed(case);
    if rng.u8(0..10) == 0 {
        let mut tree = Mapping::new();
        tree.insert(Value::from("openapi"), Value::from("3.0.3"));
        tree.insert(Value::from("info"), serde_yaml::from_str("{title: Random, version: \"1\"}").expect("a header"));
        for key in ["paths", "components", "servers"] {
            tree.insert(Value::from(key), random_tree(&mut rng, 6));
        }
        return ("random.yaml".to_owned(), serde_yaml::to_string(&Value::Mapping(tree)).unwrap_or_default());
    }
    let (name, text) = &seeds[rng.usize(0..seeds.len())];
    if rng.u8(0..10) == 0 {
        let mut text = text.clone();
        let at = text.char_indices().map(|(i, _)| i).nth(rng.usize(0..text.chars().count().max(1))).unwrap_or(0);
        match rng.u8(0..3) {
            0 => text.truncate(at),
            1 => text.insert_str(at, STRINGS[rng.usize(0..STRINGS.len())]),
            _ => text.insert(at, [':', '-', '{', '[', '&', '*', '!', '\t', '"'][rng.usize(0..9)]),
        }
        return (name.clone(), text);
    }
    let Ok(mut tree) = serde_yaml::from_str::<Value>(text) else { return (name.clone(), text.clone()) };
    for _ in 0..rng.usize(1..5) {
        mutate(&mut tree, &mut rng);
    }
    (name.clone(), serde_yaml::to_string(&tree).unwrap_or_default())
}

/// What one case ended in: generated code, a spec error, or a failure of the generator.
fn run_case(name: String, text: String) -> Result<bool, String> {
    let (sender, receiver) = mpsc::channel();
    std::thread::spawn(move || {
        let outcome = std::panic::catch_unwind(|| render(&[SpecSource { label: format!("specs/{name}"), text, path: None }]));
        let _ = sender.send(outcome);
    });
    match receiver.recv_timeout(DEADLINE) {
        Ok(Ok(Ok(_))) => Ok(true),
        Ok(Ok(Err(Error::Spec(errors)))) if !errors.0.is_empty() => Ok(false),
        Ok(Ok(Err(other))) => Err(format!("ended in an error that is not about the spec: {other}")),
        Ok(Err(_)) => Err("panicked".to_owned()),
        Err(_) => Err(format!("did not finish within {DEADLINE:?}")),
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

#[test]
fn mutated_specs_end_in_code_or_a_clean_error() {
    let seeds = seeds();
    let first = env_number("CODEGEN_FUZZ_FIRST", 0);
    let cases = env_number("CODEGEN_FUZZ_CASES", DEFAULT_CASES);
    let started = Instant::now();
    let (mut generated, mut refused) = (0, 0);
    for case in first..first + cases {
        let (name, text) = case_spec(&seeds, case);
        match run_case(name.clone(), text.clone()) {
            Ok(true) => generated += 1,
            Ok(false) => refused += 1,
            Err(failure) => {
                let kept = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("fuzz-case-{case}.yaml"));
                let _ = fs::write(&kept, &text);
                panic!("case {case} (from {name}) {failure}; the spec is kept at {}", kept.display());
            }
        }
    }
    println!(
        "{cases} mutated specs from {} seeds: {generated} generated, {refused} refused cleanly, in {:.1} s",
        seeds.len(),
        started.elapsed().as_secs_f64()
    );
    // Mutations break most specs, but not all: a generator that refused everything would
    // otherwise pass. About 7.5% of the cases generate today.
    assert!(generated * 25 >= cases, "only {generated} of {cases} cases generated: the generator refuses too much");
}
