//! `cargo xtask compare`: what differs between two OpenAPI files, operation by operation, in
//! spec terms: parameters, request and answer fields, their types, formats, `required`, enum
//! values, limits and statuses. Descriptions and examples are not compared (a spec says them
//! in its own words), nor this project's `x-` extensions.
//!
//! Both documents are read as YAML (JSON is YAML); `$ref`s within a document are followed and
//! `allOf` members merged, so two specs that write the same API differently compare equal.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_yaml::Value;

use crate::load::Positions;

/// One side of a comparison: a document, its label and where its places are written.
pub struct Side<'a> {
    /// How the file is named in messages.
    pub label: &'a str,
    /// The document.
    pub document: &'a Value,
    /// The line and column of each place, when known.
    pub positions: &'a Positions,
}

/// A difference between the two specs at one place of an operation.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Difference {
    /// The `operationId` (or `METHOD path`) of the operation.
    pub operation: String,
    /// Where in the operation, in spec terms: `parameters.query.page`, `request.settings.acl[]`,
    /// `responses.200.user.role`.
    pub at: String,
    /// What differs: `type`, `format`, `required`, `enum`, `maxLength`, `present`...
    pub what: String,
    /// The value in the first spec.
    pub ours: String,
    /// The value in the second spec.
    pub theirs: String,
    /// Where the first spec writes it (file:line and place), when it does.
    pub ours_place: String,
    /// Where the second spec writes it.
    pub theirs_place: String,
}

impl Difference {
    /// The key an allow-list names it by: `operation at what`.
    pub fn key(&self) -> String {
        format!("{} {} {}", self.operation, self.at, self.what)
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {} differs: {} ({}) vs {} ({})",
            self.operation, self.at, self.what, self.ours, self.ours_place, self.theirs, self.theirs_place
        )
    }
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every difference between the operations `ours` and `theirs` both have (matched by
/// `operationId`, or by method and path), sorted.
pub fn compare(ours: &Side<'_>, theirs: &Side<'_>) -> Vec<Difference> {
    let ours_operations = operations(ours);
    let theirs_operations = operations(theirs);
    let mut differences = Vec::new();
    for (key, (ours_op, ours_place)) in &ours_operations {
        let Some((theirs_op, theirs_place)) = theirs_operations.get(key) else { continue };
        let mut walk = Walk { ours, theirs, operation: key.clone(), differences: &mut differences };
        walk.operation(ours_op, ours_place, theirs_op, theirs_place);
    }
    differences.sort();
    differences.dedup();
    differences
}

/// The operations of a document by `operationId` (or `METHOD path`), with their places.
fn operations<'a>(side: &Side<'a>) -> BTreeMap<String, (&'a Value, String)> {
    let mut found = BTreeMap::new();
    let Some(paths) = side.document.get("paths").and_then(Value::as_mapping) else { return found };
    for (path, item) in paths {
        let Some(path) = path.as_str() else { continue };
        for method in METHODS {
            let Some(operation) = item.get(method) else { continue };
            let key = operation
                .get("operationId")
                .and_then(Value::as_str)
                .map_or_else(|| format!("{} {path}", method.to_uppercase()), str::to_owned);
            found.insert(key, (operation, format!("paths.{path}.{method}")));
        }
    }
    found
}

/// A comparison under way.
struct Walk<'a, 'd> {
    ours: &'a Side<'a>,
    theirs: &'a Side<'a>,
    operation: String,
    differences: &'d mut Vec<Difference>,
}

/// A value of one side, with its place (after following references).
#[derive(Clone)]
struct At<'a> {
    value: &'a Value,
    place: String,
}

impl<'a> Walk<'a, '_> {
    fn differ(&mut self, at: &str, what: &str, ours: (String, &str), theirs: (String, &str)) {
        self.differences.push(Difference {
            operation: self.operation.clone(),
            at: at.to_owned(),
            what: what.to_owned(),
            ours: ours.0,
            theirs: theirs.0,
            ours_place: place_text(self.ours, ours.1),
            theirs_place: place_text(self.theirs, theirs.1),
        });
    }

    fn operation(&mut self, ours: &'a Value, ours_place: &str, theirs: &'a Value, theirs_place: &str) {
        // Parameters, by where they go and their name.
        let ours_params = parameters(self.ours, ours, ours_place);
        let theirs_params = parameters(self.theirs, theirs, theirs_place);
        for key in ours_params.keys().chain(theirs_params.keys()).collect::<BTreeSet<_>>() {
            let at = format!("parameters.{key}");
            match (ours_params.get(key), theirs_params.get(key)) {
                (Some(ours), Some(theirs)) => {
                    let required = |param: &At<'_>| param.value.get("required").and_then(Value::as_bool).unwrap_or(false);
                    if required(ours) != required(theirs) {
                        let (o, t) = (required(ours).to_string(), required(theirs).to_string());
                        self.differ(&at, "required", (o, &ours.place), (t, &theirs.place));
                    }
                    let (ours_schema, theirs_schema) = (child(self.ours, ours, "schema"), child(self.theirs, theirs, "schema"));
                    self.schema(&at, ours_schema, theirs_schema);
                }
                (Some(ours), None) => self.differ(&at, "present", ("yes".to_owned(), &ours.place), ("no".to_owned(), "")),
                (None, Some(theirs)) => self.differ(&at, "present", ("no".to_owned(), ""), ("yes".to_owned(), &theirs.place)),
                (None, None) => {}
            }
        }
        // The request body.
        let ours_body = child(self.ours, &At { value: ours, place: ours_place.to_owned() }, "requestBody");
        let theirs_body = child(self.theirs, &At { value: theirs, place: theirs_place.to_owned() }, "requestBody");
        if let (Some(ours_body), Some(theirs_body)) = (&ours_body, &theirs_body) {
            let required = |body: &At<'_>| body.value.get("required").and_then(Value::as_bool).unwrap_or(false);
            if required(ours_body) != required(theirs_body) {
                let (o, t) = (required(ours_body).to_string(), required(theirs_body).to_string());
                self.differ("request", "required", (o, &ours_body.place), (t, &theirs_body.place));
            }
        }
        self.presence("request", ours_body.as_ref(), theirs_body.as_ref());
        let (ours_schema, theirs_schema) = (
            ours_body.as_ref().and_then(|body| json_schema(self.ours, body)),
            theirs_body.as_ref().and_then(|body| json_schema(self.theirs, body)),
        );
        self.schema("request", ours_schema, theirs_schema);
        // The answers, by status.
        let ours_answers = responses(self.ours, ours, ours_place);
        let theirs_answers = responses(self.theirs, theirs, theirs_place);
        for status in ours_answers.keys().chain(theirs_answers.keys()).collect::<BTreeSet<_>>() {
            let at = format!("responses.{status}");
            let (ours_answer, theirs_answer) = (ours_answers.get(status), theirs_answers.get(status));
            self.presence(&at, ours_answer, theirs_answer);
            let (ours_schema, theirs_schema) = (
                ours_answer.and_then(|answer| json_schema(self.ours, answer)),
                theirs_answer.and_then(|answer| json_schema(self.theirs, answer)),
            );
            self.schema(&at, ours_schema, theirs_schema);
        }
    }

    fn presence(&mut self, at: &str, ours: Option<&At<'_>>, theirs: Option<&At<'_>>) {
        match (ours, theirs) {
            (Some(ours), None) => self.differ(at, "present", ("yes".to_owned(), &ours.place), ("no".to_owned(), "")),
            (None, Some(theirs)) => self.differ(at, "present", ("no".to_owned(), ""), ("yes".to_owned(), &theirs.place)),
            _ => {}
        }
    }

    /// Compares two schemas at `at`, down through their properties and items.
    fn schema(&mut self, at: &str, ours: Option<At<'a>>, theirs: Option<At<'a>>) {
        let (Some(ours), Some(theirs)) = (ours, theirs) else { return };
        let ours = flattened(self.ours, &ours);
        let theirs = flattened(self.theirs, &theirs);
        for &keyword in COMPARED_KEYWORDS {
            let (o, t) = (ours.keywords.get(keyword), theirs.keywords.get(keyword));
            if o != t {
                self.differ(at, keyword, (shown(o), &ours.place), (shown(t), &theirs.place));
            }
        }
        if ours.enumeration != theirs.enumeration {
            self.differ(at, "enum", (set_text(&ours.enumeration), &ours.place), (set_text(&theirs.enumeration), &theirs.place));
        }
        if ours.required != theirs.required {
            self.differ(at, "required", (set_text(&ours.required), &ours.place), (set_text(&theirs.required), &theirs.place));
        }
        let names: BTreeSet<&String> = ours.properties.keys().chain(theirs.properties.keys()).collect();
        for name in names {
            let field = format!("{at}.{name}");
            match (ours.properties.get(name), theirs.properties.get(name)) {
                (Some(o), Some(t)) => self.schema(&field, Some(o.clone()), Some(t.clone())),
                (o, t) => self.presence(&field, o, t),
            }
        }
        self.schema(&format!("{at}[]"), ours.items, theirs.items);
    }
}

/// The keywords of a schema compared one by one (enum values, `required`, properties and
/// items are compared as sets and trees).
const COMPARED_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "nullable",
    "readOnly",
    "writeOnly",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "default",
];

/// A schema with its `allOf` merged: its keywords, enum values, required names, properties
/// and items.
struct Flat<'a> {
    place: String,
    keywords: BTreeMap<&'static str, Value>,
    enumeration: BTreeSet<String>,
    required: BTreeSet<String>,
    properties: BTreeMap<String, At<'a>>,
    items: Option<At<'a>>,
}

fn flattened<'a>(side: &Side<'a>, schema: &At<'a>) -> Flat<'a> {
    let mut flat = Flat {
        place: schema.place.clone(),
        keywords: BTreeMap::new(),
        enumeration: BTreeSet::new(),
        required: BTreeSet::new(),
        properties: BTreeMap::new(),
        items: None,
    };
    merge(side, schema, &mut flat, 0);
    // A schema with properties is an object, whether it says so or not.
    if !flat.keywords.contains_key("type") && !flat.properties.is_empty() {
        flat.keywords.insert("type", Value::String("object".to_owned()));
    }
    flat
}

fn merge<'a>(side: &Side<'a>, schema: &At<'a>, flat: &mut Flat<'a>, depth: usize) {
    if depth > 32 {
        return;
    }
    let Some(schema) = resolved(side, schema) else { return };
    for &keyword in COMPARED_KEYWORDS {
        if let Some(value) = schema.value.get(keyword) {
            flat.keywords.insert(keyword, value.clone());
        }
    }
    if let Some(values) = schema.value.get("enum").and_then(Value::as_sequence) {
        flat.enumeration.extend(values.iter().map(scalar_text));
    }
    if let Some(names) = schema.value.get("required").and_then(Value::as_sequence) {
        flat.required.extend(names.iter().filter_map(Value::as_str).map(str::to_owned));
    }
    if let Some(properties) = schema.value.get("properties").and_then(Value::as_mapping) {
        for (name, property) in properties {
            if let Some(name) = name.as_str() {
                flat.properties.insert(name.to_owned(), At { value: property, place: format!("{}.properties.{name}", schema.place) });
            }
        }
    }
    if let Some(items) = schema.value.get("items") {
        flat.items = Some(At { value: items, place: format!("{}.items", schema.place) });
    }
    if let Some(members) = schema.value.get("allOf").and_then(Value::as_sequence) {
        for (index, member) in members.iter().enumerate() {
            merge(side, &At { value: member, place: format!("{}.allOf[{index}]", schema.place) }, flat, depth + 1);
        }
    }
}

/// `value`, or what its `$ref` points to (followed as far as it goes).
fn resolved<'a>(side: &Side<'a>, at: &At<'a>) -> Option<At<'a>> {
    let mut current = at.clone();
    for _ in 0..32 {
        let Some(reference) = current.value.get("$ref").and_then(Value::as_str) else { return Some(current) };
        let pointer = reference.strip_prefix("#/")?;
        let mut value = side.document;
        for segment in pointer.split('/') {
            let segment = segment.replace("~1", "/").replace("~0", "~");
            value = value.get(segment.as_str())?;
        }
        current = At { value, place: pointer.replace('/', ".") };
    }
    None
}

fn child<'a>(side: &Side<'a>, at: &At<'a>, key: &str) -> Option<At<'a>> {
    let at = resolved(side, at)?;
    let value = at.value.get(key)?;
    resolved(side, &At { value, place: format!("{}.{key}", at.place) })
}

/// The JSON schema of a request body or response (its `application/json` content).
fn json_schema<'a>(side: &Side<'a>, holder: &At<'a>) -> Option<At<'a>> {
    let holder = resolved(side, holder)?;
    let content = holder.value.get("content")?.as_mapping()?;
    let (media_type, media) = content.iter().find(|(media_type, _)| media_type.as_str().is_some_and(|m| m.contains("json")))?;
    let media_type = media_type.as_str().unwrap_or_default();
    let schema = media.get("schema")?;
    resolved(side, &At { value: schema, place: format!("{}.content.{media_type}.schema", holder.place) })
}

/// The parameters of an operation (with its path item's), by `in.name`.
fn parameters<'a>(side: &Side<'a>, operation: &'a Value, place: &str) -> BTreeMap<String, At<'a>> {
    let mut found = BTreeMap::new();
    let path_place = place.rsplit_once('.').map_or(place, |(path, _)| path);
    let item = path_place.strip_prefix("paths.").and_then(|path| side.document.get("paths")?.get(path));
    let lists = [(item.and_then(|item| item.get("parameters")), path_place.to_owned()), (operation.get("parameters"), place.to_owned())];
    for (list, list_place) in lists {
        let Some(list) = list.and_then(Value::as_sequence) else { continue };
        for (index, parameter) in list.iter().enumerate() {
            let Some(parameter) = resolved(side, &At { value: parameter, place: format!("{list_place}.parameters[{index}]") }) else {
                continue;
            };
            let (Some(location), Some(name)) =
                (parameter.value.get("in").and_then(Value::as_str), parameter.value.get("name").and_then(Value::as_str))
            else {
                continue;
            };
            found.insert(format!("{location}.{name}"), parameter);
        }
    }
    found
}

/// The responses of an operation, by status.
fn responses<'a>(side: &Side<'a>, operation: &'a Value, place: &str) -> BTreeMap<String, At<'a>> {
    let mut found = BTreeMap::new();
    let Some(responses) = operation.get("responses").and_then(Value::as_mapping) else { return found };
    for (status, response) in responses {
        let status = scalar_text(status);
        if let Some(response) = resolved(side, &At { value: response, place: format!("{place}.responses.{status}") }) {
            found.insert(status, response);
        }
    }
    found
}

fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_owned(),
    }
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "(none)".to_owned(), scalar_text)
}

fn set_text(values: &BTreeSet<String>) -> String {
    format!("[{}]", values.iter().cloned().collect::<Vec<_>>().join(", "))
}

/// `place` with the file and the line it is written at.
fn place_text(side: &Side<'_>, place: &str) -> String {
    if place.is_empty() {
        return format!("{}: absent", side.label);
    }
    match side.positions.find(place) {
        Some((line, column)) => format!("{}:{line}:{column}: {place}", side.label),
        None => format!("{}: {place}", side.label),
    }
}

/// Reads an allow-list: one difference a line, `operation at what: reason`; blank lines and
/// `#` comments are skipped. Each entry's key and reason.
pub fn allow_list(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .filter_map(|line| line.split_once(": ").map(|(key, reason)| (key.trim().to_owned(), reason.trim().to_owned())))
        .collect()
}

/// What comparing two files found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// How many operations both files have.
    pub operations: usize,
    /// Every difference in them.
    pub differences: Vec<Difference>,
}

/// Compares the OpenAPI files `ours` and `theirs`.
///
/// # Errors
///
/// When a file cannot be read, or is not YAML.
pub fn files(ours: &std::path::Path, theirs: &std::path::Path) -> Result<Comparison, crate::Error> {
    let read = |path: &std::path::Path| -> Result<(String, Value, Positions), crate::Error> {
        let text = std::fs::read_to_string(path).map_err(crate::Error::io("read", path))?;
        // Integers beyond 64 bits (vendors write some) are read as floats, as the generator does.
        let (widened, _) = crate::load::numbers::widen_oversized_integers(&text);
        let document: Value = serde_yaml::from_str(&widened).map_err(|error| {
            let position = error.location().map(|location| (location.line(), location.column()));
            let problem = crate::Problem::Invalid { message: format!("not YAML: {error}") };
            let error = crate::SpecError { file: path.display().to_string(), place: String::new(), position, problem };
            crate::Error::Spec(crate::SpecErrors(vec![error], Vec::new()))
        })?;
        let positions = Positions::of(text.as_str());
        Ok((path.display().to_string(), document, positions))
    };
    let (ours_label, ours_document, ours_positions) = read(ours)?;
    let (theirs_label, theirs_document, theirs_positions) = read(theirs)?;
    let ours = Side { label: &ours_label, document: &ours_document, positions: &ours_positions };
    let theirs = Side { label: &theirs_label, document: &theirs_document, positions: &theirs_positions };
    let ours_operations = operations(&ours);
    let theirs_operations = operations(&theirs);
    let operations = ours_operations.keys().filter(|key| theirs_operations.contains_key(*key)).count();
    Ok(Comparison { operations, differences: compare(&ours, &theirs) })
}

/// A comparison weighed against an allow-list: the differences it does not name, those it
/// does (with their reasons), and the entries that name nothing any more.
#[derive(Debug)]
pub struct Report<'a> {
    operations: usize,
    unexpected: Vec<&'a Difference>,
    allowed: Vec<(&'a Difference, &'a str)>,
    stale: Vec<&'a str>,
}

impl<'a> Report<'a> {
    /// Weighs `comparison` against `allowed` (keys and reasons, as [`allow_list`] reads them).
    pub fn new(comparison: &'a Comparison, allowed: &'a [(String, String)]) -> Self {
        let reason = |difference: &Difference| allowed.iter().find(|(key, _)| *key == difference.key()).map(|(_, reason)| reason.as_str());
        let mut report = Report { operations: comparison.operations, unexpected: Vec::new(), allowed: Vec::new(), stale: Vec::new() };
        for difference in &comparison.differences {
            match reason(difference) {
                Some(reason) => report.allowed.push((difference, reason)),
                None => report.unexpected.push(difference),
            }
        }
        report.stale = allowed
            .iter()
            .filter(|(key, _)| !comparison.differences.iter().any(|difference| difference.key() == *key))
            .map(|(key, _)| key.as_str())
            .collect();
        report
    }

    /// Whether every difference is allowed, and every allowance still names one.
    pub fn is_clean(&self) -> bool {
        self.unexpected.is_empty() && self.stale.is_empty()
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for difference in &self.unexpected {
            writeln!(f, "difference: {difference}")?;
            writeln!(f, "  (allow it with the line `{}: REASON`)", difference.key())?;
        }
        for (difference, reason) in &self.allowed {
            writeln!(f, "allowed: {}: {reason}", difference.key())?;
        }
        for key in &self.stale {
            writeln!(f, "stale allowance: `{key}` names no difference any more: remove it")?;
        }
        writeln!(
            f,
            "compare: {} operation(s) in both; {} difference(s) not allowed, {} allowed, {} stale allowance(s)",
            self.operations,
            self.unexpected.len(),
            self.allowed.len(),
            self.stale.len()
        )
    }
}
