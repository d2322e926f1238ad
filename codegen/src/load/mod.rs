//! Load: YAML text into the typed [`Document`] model, with the place of every problem.

mod bundle;
mod document;
mod events;
pub mod extensions;
pub(crate) mod numbers;
mod positions;
mod quirks;
mod yaml;

pub use document::*;
pub use positions::Positions;

use std::borrow::Cow;
use std::sync::Arc;

use serde_path_to_error::Segment;

use crate::error::{Problem, SpecError};

/// What reading one spec gave.
#[derive(Debug)]
pub struct Loaded {
    /// The document, when it could be read; possibly with unknown keywords left out, in
    /// which case `problems` names them.
    pub document: Option<Document>,
    /// Where each place of the text is.
    pub positions: Positions,
    /// What is wrong with the text.
    pub problems: Vec<SpecError>,
    /// Harmless oddities of the text, read anyway.
    pub warnings: Vec<SpecError>,
    /// Integers beyond 64 bits read as floats, whose warnings are not among `warnings`: they
    /// need the places of the text, which are read on another core meanwhile, so
    /// [`Loaded::late_warnings`] gives them once everything else is done.
    widened: Vec<numbers::Widened>,
}

impl Loaded {
    /// The warnings that need the places of the text, `file` being the name in messages: ask
    /// for them last, as they wait for the places to be read.
    pub fn late_warnings(&self, file: &str) -> Vec<SpecError> {
        numbers::warnings(file, &self.widened, &self.positions)
    }
}

/// Parses one spec file's text into a [`Document`], with the [`Positions`] of its places.
///
/// `file` is the name used in error messages. A document whose only problems are unknown
/// keywords is still read without them, so that later stages can report their own problems
/// in the same run.
pub fn load(file: &str, text: &str) -> Loaded {
    load_from(file, text, None)
}

/// Like [`load`], for a spec read from `path`: the files its `$ref`s name, relative to it,
/// are brought into the document first (see the `bundle` module).
///
/// The text is shared with the [`Positions`] rather than copied, unless a number in it had to
/// be widened.
pub fn load_from(file: &str, text: impl Into<Arc<str>>, path: Option<&std::path::Path>) -> Loaded {
    let shared: Arc<str> = text.into();
    let original_length = u64::try_from(shared.len()).ok();
    let (widened_text, widened) = numbers::widen_oversized_integers(&shared);
    let shared = match widened_text {
        Cow::Borrowed(_) => Arc::clone(&shared),
        Cow::Owned(widened_text) => Arc::from(widened_text),
    };
    let text: &str = &shared;
    // A widened number is a warning that needs the places: they are read on another core
    // while the document is.
    let positions = Positions::of(Arc::clone(&shared));
    if !widened.is_empty() {
        positions.read_in_background();
    }
    // The quick read, straight from the parser's events, for a document it reads as the
    // thorough read below would; anything else is read the thorough way.
    if let Some(document) = events::read(text).filter(|document| is_openapi_30(&document.openapi)) {
        // A document read without a problem rarely needs a place: unless they were read
        // already, its places are read from its file, if it has one that still holds the text,
        // and the text is not kept.
        let from_file =
            path.filter(|_| widened.is_empty()).and_then(Positions::of_file).filter(|positions| positions.text_length() == original_length);
        let positions = from_file.unwrap_or(positions);
        return Loaded { document: Some(document), problems: Vec::new(), warnings: Vec::new(), positions, widened };
    }
    let raw: serde_yaml::Value = match yaml::parse(text) {
        Ok(raw) => raw,
        Err(e) => {
            let position = e.location().map(|l| (l.line(), l.column()));
            let problem = SpecError {
                file: file.to_owned(),
                place: String::new(),
                position,
                problem: Problem::Syntax { message: strip_location(&e) },
            };
            return Loaded {
                document: None,
                positions: Positions::default(),
                problems: vec![problem],
                warnings: Vec::new(),
                widened: Vec::new(),
            };
        }
    };
    if let Some(problem) = version_problem(file, &raw, &positions) {
        return Loaded { document: None, problems: vec![problem], warnings: Vec::new(), positions, widened };
    }
    let Some(path) = path.filter(|_| bundle::refers_to_files(&raw)) else {
        let Typed { document, problems, warnings } = read_typed(file, Some(text), raw, &positions);
        return Loaded { document, problems, warnings, positions, widened };
    };
    let bundled = bundle::bundle(file, path, raw, positions);
    if !bundled.problems.is_empty() {
        return Loaded { document: None, positions: bundled.positions, problems: bundled.problems, warnings: bundled.warnings, widened };
    }
    let Typed { document, problems, mut warnings } = read_typed(file, None, bundled.tree, &bundled.positions);
    warnings.extend(bundled.warnings);
    Loaded { document, positions: bundled.positions, problems, warnings, widened }
}

/// The version gate: why the document is not OpenAPI 3.0, if it is not, before reading it as
/// one.
fn version_problem(file: &str, raw: &serde_yaml::Value, positions: &Positions) -> Option<SpecError> {
    let refuse = |place: &str, found: String| positions.error(file, place, Problem::NotOpenApi30 { found });
    match raw.get("openapi") {
        Some(serde_yaml::Value::String(version)) if is_openapi_30(version) => None,
        Some(serde_yaml::Value::String(version)) => Some(refuse("openapi", format!("`{version}`"))),
        Some(other) => Some(refuse("openapi", format!("`{}`", serde_yaml::to_string(other).unwrap_or_default().trim()))),
        None if raw.get("swagger").is_some() => Some(refuse("swagger", "a Swagger 2.0 document".to_owned())),
        // A part of a spec kept in many files, placed where roots are.
        None if file.ends_with(".yaml") => {
            Some(refuse("", "no `openapi` key (every `*.yaml` of the specs folder is a root spec: a file that a spec refers to goes in a folder below it, or ends in `.yml` or `.json`)".to_owned()))
        }
        None => Some(refuse("", "no `openapi` key".to_owned())),
    }
}

/// Where the typed read stopped, and why.
struct Stop {
    path: Vec<Segment>,
    error: SpecError,
}

/// What the typed read gave: the document when it could be read, its problems, and the
/// unknown keywords it left out.
pub(crate) struct Typed {
    pub document: Option<Document>,
    pub problems: Vec<SpecError>,
    pub warnings: Vec<SpecError>,
}

/// Reads the typed document: foreign extensions dropped, then every unknown keyword recovered
/// from (see [`recover`]).
fn read_typed(file: &str, text: Option<&str>, mut tree: serde_yaml::Value, positions: &Positions) -> Typed {
    let (stripped, quirks) = prepare(&mut tree, file, positions);
    // The tree is read, which is quicker than the text; a document of one file is read from
    // its tree taken apart as it goes, so the tree and the document are not both whole at
    // once, and read again from the text only for a problem. When reading fails and no
    // foreign extension was dropped from a document of one file, the text is read again, so
    // the parser gives the position.
    let stop = |e: serde_path_to_error::Error<serde_yaml::Error>| {
        let path: Vec<Segment> = e.path().iter().cloned().collect();
        if let Some(text) = text.filter(|_| !stripped.changed)
            && let Err(e) = serde_path_to_error::deserialize::<_, Document>(serde_yaml::Deserializer::from_str(text))
        {
            let position = e.inner().location().map(|l| (l.line(), l.column()));
            let problem = Problem::Syntax { message: strip_location(e.inner()) };
            return Stop { path, error: SpecError { file: file.to_owned(), place: e.path().to_string(), position, problem } };
        }
        let error = positions.error(file, e.path().to_string(), Problem::Syntax { message: e.inner().to_string() });
        Stop { path, error }
    };
    let first = match text {
        Some(text) => serde_path_to_error::deserialize::<_, Document>(tree).map_err(|e| (stop(e), reread(file, text, positions))),
        None => serde_path_to_error::deserialize::<_, Document>(&tree).map_err(|e| (stop(e), Some(tree))),
    };
    let mut typed = Typed { document: None, problems: stripped.problems, warnings: quirks };
    typed.document = match first {
        Ok(document) => Some(document),
        Err((first, Some(tree))) => recover(file, tree, first, positions, &mut typed),
        Err((first, None)) => {
            typed.problems.push(first.error);
            None
        }
    };
    for found in typed.problems.iter_mut().chain(&mut typed.warnings) {
        if found.place == "." {
            found.place.clear();
        }
        if let Problem::Syntax { message } = &mut found.problem {
            *message = tidy(std::mem::take(message), &found.place);
        }
    }
    // A keyword like no keyword of its object is left out, as a vendor's foreign key: a
    // warning, which `--deny-warnings` refuses as an error.
    for warning in &mut typed.warnings {
        if let Problem::Syntax { message } = &warning.problem {
            warning.problem = Problem::Invalid { message: format!("{message}: it is ignored") };
        }
    }
    typed
}

/// The tree of `text` as [`read_typed`] reads it, again, after the first was taken apart.
fn reread(file: &str, text: &str, positions: &Positions) -> Option<serde_yaml::Value> {
    let mut tree = yaml::parse(text).ok()?;
    let _ = prepare(&mut tree, file, positions);
    Some(tree)
}

/// `tree` made ready for the typed read: every key a string, foreign extensions dropped, and
/// vendors' mistakes with one sensible reading read that way (with their warnings).
fn prepare(tree: &mut serde_yaml::Value, file: &str, positions: &Positions) -> (extensions::Stripped, Vec<SpecError>) {
    string_keys(tree);
    let mut stripped = extensions::strip_foreign(tree, file, positions);
    let quirks = quirks::mend(tree, file, positions);
    stripped.changed |= !quirks.is_empty();
    (stripped, quirks)
}

/// Unknown keywords are independent of each other: mends each one and reads again, so one run
/// reports them all, and later stages can still read the document. A near miss of a keyword
/// is a problem, read as the keyword it was meant to be so that later stages go on; a keyword
/// like none of its object's is dropped with a warning. Any other problem ends the reading.
fn recover(file: &str, mut tree: serde_yaml::Value, first: Stop, positions: &Positions, typed: &mut Typed) -> Option<Document> {
    let Stop { mut path, mut error } = first;
    let mut mended = 0;
    loop {
        let Some(keyword) = unknown_keyword(&error) else {
            typed.problems.push(error);
            return None;
        };
        let near_miss = matches!(keyword, UnknownKeyword::Meant(_));
        if !mend(&mut tree, &path, keyword) {
            typed.problems.push(error);
            return None;
        }
        if near_miss {
            typed.problems.push(error)
        } else {
            typed.warnings.push(error)
        }
        mended += 1;
        if typed.problems.len() >= MAX_ERRORS || mended >= MAX_MENDED {
            return None;
        }
        match serde_path_to_error::deserialize::<_, Document>(&tree) {
            Ok(document) => return Some(document),
            Err(next) => {
                path = next.path().iter().cloned().collect();
                let place = next.path().to_string();
                let problem = Problem::Syntax { message: next.into_inner().to_string() };
                error = positions.error(file, place, problem);
            }
        }
    }
}

/// The most unknown keywords one file has mended: each costs a read of the whole document.
const MAX_MENDED: usize = 2_000;

/// The most problems one file reports.
const MAX_ERRORS: usize = 50;

/// A serde "unknown field" message taken apart.
struct UnknownField<'m> {
    /// The keyword as written.
    unknown: &'m str,
    /// The rest of the message: ", expected one of `a`, `b`...".
    expected: &'m str,
    /// The keyword it was probably meant to be.
    meant: Option<String>,
}

fn unknown_field(message: &str) -> Option<UnknownField<'_>> {
    let rest = &message[message.find("unknown field `")? + "unknown field `".len()..];
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<String> = expected.split('`').skip(1).step_by(2).map(str::to_owned).collect();
    let meant = crate::suggest::nearest(unknown, candidates.iter()).map(str::to_owned);
    Some(UnknownField { unknown, expected, meant })
}

/// An unknown keyword, as recovery treats it.
enum UnknownKeyword {
    /// A near miss of this keyword: renamed to it.
    Meant(String),
    /// Nothing like a keyword of its object: dropped.
    Unlike,
}

/// The unknown keyword a problem reports, if it reports one.
fn unknown_keyword(error: &SpecError) -> Option<UnknownKeyword> {
    let Problem::Syntax { message } = &error.problem else { return None };
    unknown_field(message).map(|field| field.meant.map_or(UnknownKeyword::Unlike, UnknownKeyword::Meant))
}

/// Makes every mapping key of `value` a string, as OpenAPI reads them (`200:` is `"200"`).
/// Only mappings with other keys are rebuilt.
fn string_keys(value: &mut serde_yaml::Value) {
    use serde_yaml::Value;
    match value {
        Value::Mapping(map) => {
            if map.keys().any(|key| matches!(key, Value::Number(_) | Value::Bool(_))) {
                *map = std::mem::take(map)
                    .into_iter()
                    .map(|(key, value)| match key {
                        Value::Number(number) => (Value::String(number.to_string()), value),
                        Value::Bool(flag) => (Value::String(flag.to_string()), value),
                        other => (other, value),
                    })
                    .collect();
            }
            map.values_mut().for_each(string_keys);
        }
        Value::Sequence(items) => items.iter_mut().for_each(string_keys),
        _ => {}
    }
}

/// Renames the mapping entry at `path` to the keyword meant when that key is free, or else
/// removes it; whether there was an entry.
fn mend(tree: &mut serde_yaml::Value, path: &[Segment], keyword: UnknownKeyword) -> bool {
    let meant = match keyword {
        UnknownKeyword::Meant(meant) => Some(meant),
        UnknownKeyword::Unlike => None,
    };
    let Some((last, parents)) = path.split_last() else { return false };
    let mut current = tree;
    for segment in parents {
        let next = match segment {
            Segment::Map { key } => current.get_mut(key.as_str()),
            Segment::Seq { index } => current.get_mut(*index),
            _ => None,
        };
        let Some(next) = next else { return false };
        current = next;
    }
    let (Segment::Map { key }, serde_yaml::Value::Mapping(map)) = (last, current) else { return false };
    let Some(value) = map.remove(key.as_str()) else { return false };
    if let Some(meant) = meant.filter(|meant| !map.contains_key(meant.as_str())) {
        map.insert(serde_yaml::Value::String(meant), value);
    }
    true
}

/// A parser message made to read well beside its place: serde_yaml's copy of the path is
/// dropped and a misspelled keyword gets a suggestion.
fn tidy(message: String, place: &str) -> String {
    let message = match message.split_once(": ") {
        Some((path, rest)) if !path.contains(' ') && place.starts_with(path) => rest.to_owned(),
        _ => message,
    };
    with_suggestion(message)
}

/// Rewords serde's "unknown field" for a spec's author: it is a keyword, and the closest
/// known keyword is suggested instead of the whole list when one is close enough.
fn with_suggestion(message: String) -> String {
    match unknown_field(&message) {
        Some(UnknownField { unknown, meant: Some(meant), .. }) => format!("unknown keyword `{unknown}`: did you mean `{meant}`?"),
        Some(UnknownField { unknown, expected, meant: None }) => format!("unknown keyword `{unknown}`{expected}"),
        None => message,
    }
}

fn is_openapi_30(version: &str) -> bool {
    version.strip_prefix("3.0.").is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
}

/// serde_yaml writes " at line L column C" into its messages; the position is reported apart.
pub(crate) fn strip_location(error: &serde_yaml::Error) -> String {
    let message = error.to_string();
    match error.location() {
        Some(l) => message.replacen(&format!(" at line {} column {}", l.line(), l.column()), "", 1),
        None => message,
    }
}
