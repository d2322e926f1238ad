//! Specs kept in many files: every `$ref` to another file (a relative path to a YAML or JSON
//! file, with or without a `#/json/pointer` fragment) is brought into one document, as a
//! bundler would, before the document is read.
//!
//! What a reference reaches is named by one rule: a file referenced as a component
//! (`components.schemas.User: {$ref: user.yml}`) keeps that component's name; any other
//! schema, parameter, response, request body or header becomes a component named by the
//! fragment's last part, or else by the file's stem (`models/user.yml` is `user`), with `_2`,
//! `_3`... when another target took that name first. Everything else (a path item, an
//! operation, a description) is written in place. Each file is read once; references that
//! go round through files end at a component, as within one file.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde_yaml::Value;

use super::numbers;
use super::positions::{Mount, Positions};
use crate::error::{Problem, SpecError};

/// A document brought into one, with what went wrong on the way.
pub struct Bundled {
    /// The document.
    pub tree: Value,
    /// Where each part of it is written, in which file.
    pub positions: Positions,
    /// The references that could not be followed.
    pub problems: Vec<SpecError>,
    /// Harmless oddities of the files read.
    pub warnings: Vec<SpecError>,
}

/// Whether `tree` refers to another file anywhere.
pub fn refers_to_files(tree: &Value) -> bool {
    match tree {
        Value::Mapping(map) => map.iter().any(|(key, value)| {
            (key.as_str() == Some("$ref") && value.as_str().is_some_and(|reference| !reference.starts_with('#'))) || refers_to_files(value)
        }),
        Value::Sequence(items) => items.iter().any(refers_to_files),
        _ => false,
    }
}

/// Brings the files `tree` (the root spec, `label` in messages, read from `path`) refers to
/// into it.
pub fn bundle(label: &str, path: &Path, tree: Value, positions: Positions) -> Bundled {
    let root_dir = path.parent().map(normalized).unwrap_or_default();
    let label_dir = Path::new(label).parent().map(Path::to_path_buf).unwrap_or_default();
    let root = (normalized(path), Arc::<str>::from(label));
    let mut bundler = Bundler {
        root_dir,
        label_dir,
        files: HashMap::new(),
        named: HashMap::new(),
        taken: HashMap::new(),
        hoisted: Vec::new(),
        mounts: Vec::new(),
        problems: Vec::new(),
        warnings: Vec::new(),
        inlining: Vec::new(),
        root_positions: positions.clone(),
    };
    bundler.claim_existing(&tree);
    let mut tree = tree;
    let context = Context { file: root.0, label: root.1, is_root: true, from: String::new(), depth: 0 };
    // The components first: a file they name keeps that name wherever else it is referenced.
    if let Value::Mapping(map) = &mut tree {
        let mut keys: Vec<Value> = map.keys().cloned().collect();
        keys.sort_by_key(|key| key.as_str() != Some("components"));
        for key in keys {
            let (Some(name), Some(child)) = (key.as_str().map(str::to_owned), map.get_mut(&key)) else { continue };
            let mut steps = vec![Step::Key(name)];
            bundler.walk(child, &context, &mut steps);
        }
    }
    bundler.add_components(&mut tree);
    let positions = positions.with_mounts(std::mem::take(&mut bundler.mounts));
    Bundled { tree, positions, problems: bundler.problems, warnings: bundler.warnings }
}

/// One file read.
struct File {
    label: Arc<str>,
    /// Its document, when it could be read.
    value: Option<Value>,
    positions: Positions,
}

/// The file a part of the tree was read from.
#[derive(Clone)]
struct Context {
    file: PathBuf,
    label: Arc<str>,
    is_root: bool,
    /// Where the part starts in that file.
    from: String,
    /// How many steps of the bundled document lead to the part.
    depth: usize,
}

impl Context {
    /// The file's own context, for a part at `from` in it, mounted `depth` steps deep.
    fn at(&self, from: &str, depth: usize) -> Self {
        Self { from: from.to_owned(), depth, ..self.clone() }
    }

    /// The place in this context's file that `steps` of the bundled document lead to.
    fn place_in_file(&self, steps: &[Step]) -> String {
        let inner = place_of(steps.get(self.depth..).unwrap_or_default());
        match (self.from.is_empty(), inner.is_empty()) {
            (true, _) => inner,
            (false, true) => self.from.clone(),
            (false, false) if inner.starts_with('[') => format!("{}{inner}", self.from),
            (false, false) => format!("{}.{inner}", self.from),
        }
    }
}

/// One step of the path to a node: a key, or an index.
#[derive(Clone)]
enum Step {
    Key(String),
    Index(usize),
}

/// A target of references: a file, and a pointer in it.
type Target = (PathBuf, String);

struct Bundler {
    /// The spec's own folder tree: no file outside it is read.
    root_dir: PathBuf,
    /// The folder of the root's label, which labels of other files start with.
    label_dir: PathBuf,
    /// Every file read, by path.
    files: HashMap<PathBuf, File>,
    /// The component each target became, by target: `#/components/SECTION/NAME`.
    named: HashMap<Target, String>,
    /// The component names taken in each section, and by which target (`None` for the
    /// root's own).
    taken: HashMap<&'static str, HashMap<String, Option<Target>>>,
    /// The components made of targets, in the order they were reached.
    hoisted: Vec<(&'static str, String, Value)>,
    mounts: Vec<Mount>,
    problems: Vec<SpecError>,
    warnings: Vec<SpecError>,
    /// The targets being written in place, to stop a cycle of them.
    inlining: Vec<Target>,
    root_positions: Positions,
}

/// The component sections a reference may be made a component of.
const SECTIONS: [&str; 5] = ["schemas", "parameters", "responses", "requestBodies", "headers"];

impl Bundler {
    /// Records the names of the root's own components, which targets may not take.
    fn claim_existing(&mut self, tree: &Value) {
        for section in SECTIONS {
            let names = tree.get("components").and_then(|components| components.get(section)).and_then(Value::as_mapping);
            let taken = self.taken.entry(section).or_default();
            for name in names.into_iter().flat_map(|names| names.keys()).filter_map(Value::as_str) {
                taken.insert(name.to_owned(), None);
            }
        }
    }

    fn problem(&mut self, context: &Context, place: &str, message: String) {
        let error = if context.is_root {
            self.root_positions.error(&context.label, place, Problem::Invalid { message })
        } else {
            let position = self.files.get(&context.file).and_then(|file| file.positions.find(place));
            SpecError { file: context.label.to_string(), place: place.to_owned(), position, problem: Problem::Invalid { message } }
        };
        self.problems.push(error);
    }

    /// Follows every reference to another file in `value` (at `steps` of the file `context`
    /// names), writing targets in place or making components of them.
    fn walk(&mut self, value: &mut Value, context: &Context, steps: &mut Vec<Step>) {
        match value {
            Value::Mapping(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_owned) {
                    self.follow(value, &reference, context, steps);
                    return;
                }
                for (key, child) in map.iter_mut() {
                    let Some(key) = key.as_str() else { continue };
                    if is_data(key, steps) {
                        continue;
                    }
                    steps.push(Step::Key(key.to_owned()));
                    self.walk(child, context, steps);
                    steps.pop();
                }
            }
            Value::Sequence(items) => {
                for (index, item) in items.iter_mut().enumerate() {
                    steps.push(Step::Index(index));
                    self.walk(item, context, steps);
                    steps.pop();
                }
            }
            _ => {}
        }
    }

    /// Follows the reference `reference` that `value` is.
    fn follow(&mut self, value: &mut Value, reference: &str, context: &Context, steps: &mut Vec<Step>) {
        let place = context.place_in_file(steps);
        let ref_place = if place.is_empty() { "$ref".to_owned() } else { format!("{place}.$ref") };
        let (file_part, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        if file_part.is_empty() && context.is_root {
            // A reference within the root: read as it is.
            return;
        }
        if file_part.contains("://") || file_part.starts_with("//") {
            self.problem(
                context,
                &ref_place,
                format!("`$ref: {reference}` is a URL: only files beside the spec, in its own folder tree, are read"),
            );
            return;
        }
        let target_path = if file_part.is_empty() {
            context.file.clone()
        } else {
            normalized(&context.file.parent().unwrap_or(Path::new("")).join(file_part))
        };
        if !target_path.starts_with(&self.root_dir) {
            let message =
                format!("`$ref: {reference}` is outside the spec's own folder: keep the files it reaches in its folder or below it");
            self.problem(context, &ref_place, message);
            return;
        }
        let Some(target) = self.target(&target_path, fragment, context, &ref_place, reference) else { return };
        let key = (target_path.clone(), fragment.to_owned());
        let target_context =
            Context { file: target_path.clone(), label: self.label_of(&target_path), is_root: false, from: String::new(), depth: 0 };
        let fragment_place = pointer_place(fragment);
        // A file referenced as a component keeps that component's name.
        if let [Step::Key(components), Step::Key(section), Step::Key(name)] = steps.as_slice()
            && components == "components"
            && context.is_root
        {
            let section = SECTIONS.iter().find(|known| *known == section).copied();
            if let Some(section) = section {
                self.named.entry(key.clone()).or_insert_with(|| format!("#/components/{section}/{name}"));
            }
            self.write_in_place(value, target, key, &target_context, &fragment_place, steps);
            return;
        }
        match section_of(steps) {
            Some(section) => {
                let reference = match self.named.get(&key) {
                    Some(reference) => reference.clone(),
                    None => self.hoist(section, target, key, &target_context, &fragment_place, fragment),
                };
                if let Value::Mapping(map) = value {
                    map.insert(Value::String("$ref".to_owned()), Value::String(reference));
                }
            }
            None => self.write_in_place(value, target, key, &target_context, &fragment_place, steps),
        }
    }

    /// Writes `target` where its reference was, read in its own file's context.
    fn write_in_place(&mut self, value: &mut Value, mut target: Value, key: Target, context: &Context, from: &str, steps: &mut Vec<Step>) {
        if let Some(start) = self.inlining.iter().position(|inlining| *inlining == key) {
            let circle: Vec<String> = self.inlining[start..].iter().chain([&key]).map(|target| self.target_name(target)).collect();
            let message = format!("these references go round in a circle that no component breaks: {}", circle.join(" -> "));
            self.problem(context, from, message);
            return;
        }
        self.mount(&place_of(steps), context, from);
        self.inlining.push(key);
        self.walk(&mut target, &context.at(from, steps.len()), steps);
        self.inlining.pop();
        *value = target;
    }

    /// Makes a component of `target` in `section`, and gives the reference to it.
    fn hoist(&mut self, section: &'static str, mut target: Value, key: Target, context: &Context, from: &str, fragment: &str) -> String {
        let stem =
            fragment.rsplit('/').find(|part| !part.is_empty()).map(str::to_owned).unwrap_or_else(|| {
                key.0.file_stem().map(|stem| stem.to_string_lossy().into_owned()).unwrap_or_else(|| "component".to_owned())
            });
        let taken = self.taken.entry(section).or_default();
        let mut name = stem.clone();
        let mut count = 1;
        while taken.get(&name).is_some_and(|owner| owner.as_ref() != Some(&key)) {
            count += 1;
            name = format!("{stem}_{count}");
        }
        taken.insert(name.clone(), Some(key.clone()));
        let reference = format!("#/components/{section}/{name}");
        self.named.insert(key, reference.clone());
        let mut steps = vec![Step::Key("components".to_owned()), Step::Key(section.to_owned()), Step::Key(name.clone())];
        self.mount(&place_of(&steps), context, from);
        self.walk(&mut target, &context.at(from, steps.len()), &mut steps);
        self.hoisted.push((section, name, target));
        reference
    }

    fn mount(&mut self, at: &str, context: &Context, from: &str) {
        let positions = self.files.get(&context.file).map(|file| file.positions.clone()).unwrap_or_default();
        self.mounts.push(Mount { at: at.to_owned(), file: Arc::clone(&context.label), from: from.to_owned(), positions });
    }

    /// The value `fragment` points at in the file at `path` (read once), or a problem at
    /// the reference.
    fn target(&mut self, path: &Path, fragment: &str, context: &Context, ref_place: &str, reference: &str) -> Option<Value> {
        if !self.files.contains_key(path) {
            let file = self.read(path);
            self.files.insert(path.to_path_buf(), file);
        }
        let file = self.files.get(path)?;
        let Some(document) = &file.value else {
            if std::fs::metadata(path).is_err() {
                self.problem(context, ref_place, format!("`$ref: {reference}` points at nothing: there is no file `{}`", file.label));
            }
            return None;
        };
        let mut found = document;
        for segment in fragment.trim_start_matches('/').split('/').filter(|segment| !segment.is_empty()) {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            let next = match found {
                Value::Sequence(items) => segment.parse::<usize>().ok().and_then(|index| items.get(index)),
                other => other.get(segment.as_str()),
            };
            let Some(next) = next else {
                let label = file.label.clone();
                self.problem(context, ref_place, format!("`$ref: {reference}` points at nothing: `{label}` has no `#{fragment}`"));
                return None;
            };
            found = next;
        }
        Some(found.clone())
    }

    /// Reads and parses one file; a file that cannot be read or parsed is a problem there.
    fn read(&mut self, path: &Path) -> File {
        let label = self.label_of(path);
        let empty = |value| File { label: Arc::clone(&label), value, positions: Positions::default() };
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(_) => return empty(None),
        };
        let (text, widened) = numbers::widen_oversized_integers(&text);
        let positions = Positions::of(text.as_ref());
        match super::yaml::parse(&text) {
            Ok(value) => {
                self.warnings.extend(numbers::warnings(&label, &widened, &positions));
                File { label, value: Some(value), positions }
            }
            Err(error) => {
                let position = error.location().map(|location| (location.line(), location.column()));
                let problem = Problem::Syntax { message: super::strip_location(&error) };
                self.problems.push(SpecError { file: label.to_string(), place: String::new(), position, problem });
                empty(None)
            }
        }
    }

    /// How messages name a target: its file, and the fragment in it.
    fn target_name(&self, (path, fragment): &Target) -> String {
        let file = self.label_of(path);
        if fragment.is_empty() { file.to_string() } else { format!("{file}#{fragment}") }
    }

    /// How messages name the file at `path`: beside the root's label.
    fn label_of(&self, path: &Path) -> Arc<str> {
        let relative = path.strip_prefix(&self.root_dir).unwrap_or(path);
        let label = self.label_dir.join(relative);
        Arc::from(label.components().map(|part| part.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/"))
    }

    /// Adds the components made of targets to the root's `components`.
    fn add_components(&mut self, tree: &mut Value) {
        if self.hoisted.is_empty() {
            return;
        }
        let Value::Mapping(root) = tree else { return };
        let components = root.entry(Value::String("components".to_owned())).or_insert_with(|| Value::Mapping(Default::default()));
        let Value::Mapping(components) = components else { return };
        let mut by_section: IndexMap<&'static str, Vec<(String, Value)>> = IndexMap::new();
        for (section, name, value) in std::mem::take(&mut self.hoisted) {
            by_section.entry(section).or_default().push((name, value));
        }
        for (section, entries) in by_section {
            let map = components.entry(Value::String(section.to_owned())).or_insert_with(|| Value::Mapping(Default::default()));
            if let Value::Mapping(map) = map {
                for (name, value) in entries {
                    map.insert(Value::String(name), value);
                }
            }
        }
    }
}

/// The component section a reference at `steps` is of, when it is one that becomes a
/// component; `None` for one written in place.
fn section_of(steps: &[Step]) -> Option<&'static str> {
    let key = |from_end: usize| match steps.len().checked_sub(from_end).and_then(|at| steps.get(at)) {
        Some(Step::Key(key)) => Some(key.as_str()),
        _ => None,
    };
    let is_index = matches!(steps.last(), Some(Step::Index(_)));
    match (key(2), key(1)) {
        (Some("properties"), _) => Some("schemas"),
        (_, Some("schema" | "items" | "additionalProperties" | "not")) => Some("schemas"),
        (Some("allOf" | "oneOf" | "anyOf"), _) if is_index => Some("schemas"),
        (Some("parameters"), _) if is_index => Some("parameters"),
        (Some("responses"), Some(_)) => Some("responses"),
        (_, Some("requestBody")) => Some("requestBodies"),
        (Some("headers"), Some(_)) => Some("headers"),
        _ => None,
    }
}

/// Whether the value under `key` is data, never references: examples, defaults, enums and
/// the values of extensions. Under a map of names (properties, headers, responses...) every
/// key is a name, whatever it is spelled.
fn is_data(key: &str, steps: &[Step]) -> bool {
    let parent = match steps.last() {
        Some(Step::Key(parent)) => parent.as_str(),
        _ => "",
    };
    let names = matches!(
        parent,
        "properties"
            | "headers"
            | "content"
            | "responses"
            | "examples"
            | "links"
            | "callbacks"
            | "schemas"
            | "parameters"
            | "requestBodies"
            | "securitySchemes"
            | "variables"
            | "encoding"
            | "paths"
    );
    let under_examples = steps.len() >= 2 && matches!(&steps[steps.len() - 2], Step::Key(examples) if examples == "examples");
    !names && (matches!(key, "example" | "default" | "enum") || key.starts_with("x-") || (key == "value" && under_examples))
}

/// The dotted place of `steps`, as every message writes places.
fn place_of(steps: &[Step]) -> String {
    let mut place = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !place.is_empty() {
                    place.push('.');
                }
                place.push_str(key);
            }
            Step::Index(index) => place.push_str(&format!("[{index}]")),
        }
    }
    place
}

/// The dotted place a JSON pointer fragment names.
fn pointer_place(fragment: &str) -> String {
    fragment
        .trim_start_matches('/')
        .split('/')
        .filter(|segment| !segment.is_empty())
        .map(|segment| segment.replace("~1", "/").replace("~0", "~"))
        .collect::<Vec<_>>()
        .join(".")
}

/// `path` with `.` and `..` worked out, without asking the file system.
fn normalized(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
