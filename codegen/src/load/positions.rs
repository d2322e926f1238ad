//! Where each place of a YAML document starts: a map from dotted paths
//! (`paths./users.get.parameters[0]`, the form every error uses) to line and column, so that
//! problems found after loading can still point at a line.

use std::borrow::Cow;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::SystemTime;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};

use crate::error::{Problem, SpecError};
use yaml_rust2::scanner::Marker;

/// The line and column (both 1-based) of every key and sequence item of a document, and,
/// for a document bundled from several files, the file each part of it is written in.
///
/// They are read from the text the first time a place is looked up: a spec without problems
/// never pays for them.
#[derive(Debug, Clone, Default)]
pub struct Positions {
    source: Source,
    places: Arc<OnceLock<HashMap<String, (usize, usize)>>>,
    /// The parts of the document read from other files.
    mounts: Arc<Vec<Mount>>,
}

/// Where the text the places are read from is.
#[derive(Debug, Clone)]
enum Source {
    /// In memory.
    Text(Arc<str>),
    /// In a file, read again when a place is first looked up, so that a large spec's text is
    /// not held while it is resolved. A file changed since it was loaded (another length or
    /// modification time) has no places.
    File { path: Arc<Path>, length: u64, modified: Option<SystemTime> },
}

impl Default for Source {
    fn default() -> Self {
        Self::Text(Arc::from(""))
    }
}

impl Source {
    /// The text, as it was loaded; `None` for a file that is gone or changed.
    fn text(&self) -> Option<Cow<'_, str>> {
        match self {
            Self::Text(text) => Some(Cow::Borrowed(text)),
            Self::File { path, length, modified } => {
                let metadata = std::fs::metadata(path).ok()?;
                if metadata.len() != *length || metadata.modified().ok() != *modified {
                    return None;
                }
                std::fs::read_to_string(path).ok().map(Cow::Owned)
            }
        }
    }
}

/// A part of a bundled document read from another file.
#[derive(Debug, Clone)]
pub struct Mount {
    /// Where the part is in the bundled document.
    pub at: String,
    /// The file it was read from, as messages name it.
    pub file: Arc<str>,
    /// Where it is in that file.
    pub from: String,
    /// The places of that file.
    pub positions: Positions,
}

impl PartialEq for Positions {
    fn eq(&self, other: &Self) -> bool {
        match (&self.source, &other.source) {
            (Source::Text(text), Source::Text(other)) => text == other,
            (Source::File { path, .. }, Source::File { path: other, .. }) => path == other,
            _ => false,
        }
    }
}

impl Eq for Positions {}

impl Positions {
    /// The positions of `text`; a text that does not parse has none.
    pub fn of(text: impl Into<Arc<str>>) -> Self {
        Self { source: Source::Text(text.into()), places: Arc::default(), mounts: Arc::default() }
    }

    /// The positions of the text of the file at `path`, which the file holds now: read from
    /// the file again when a place is first looked up, rather than kept in memory. `None`
    /// when the file cannot be looked at.
    pub fn of_file(path: &Path) -> Option<Self> {
        let metadata = std::fs::metadata(path).ok()?;
        let source = Source::File { path: Arc::from(path), length: metadata.len(), modified: metadata.modified().ok() };
        Some(Self { source, places: Arc::default(), mounts: Arc::default() })
    }

    /// The length in bytes of the text as it was given, or of the file as it was when these
    /// positions were made.
    pub fn text_length(&self) -> Option<u64> {
        match &self.source {
            Source::Text(text) => u64::try_from(text.len()).ok(),
            Source::File { length, .. } => Some(*length),
        }
    }

    /// Starts reading the places on a thread of its own, for a caller that will need them; a
    /// lookup meanwhile waits for it.
    pub fn read_in_background(&self) {
        let positions = self.clone();
        std::thread::spawn(move || {
            positions.places();
        });
    }

    fn places(&self) -> &HashMap<String, (usize, usize)> {
        self.places.get_or_init(|| {
            let mut recorder = Recorder::default();
            // A text that does not parse was already reported by the loader, with its position.
            if let Some(text) = self.source.text() {
                let _ = Parser::new_from_str(&text).load(&mut recorder, false);
            }
            recorder.positions
        })
    }

    /// The deepest place that starts on `line`, if any.
    pub fn place_on_line(&self, line: usize) -> Option<String> {
        self.places()
            .iter()
            .filter(|(_, (at, _))| *at == line)
            .max_by_key(|(place, (_, column))| (*column, place.len(), place.as_str()))
            .map(|(place, _)| place.clone())
    }

    /// These positions with the parts of the document that `mounts` say come from other files.
    pub fn with_mounts(self, mounts: Vec<Mount>) -> Self {
        Self { mounts: Arc::new(mounts), ..self }
    }

    /// Where `place` is written: the file, when it is not this document's own (a part read
    /// from another file), the place in that file, and its position there.
    pub fn locate<'a>(&'a self, place: &'a str) -> (Option<&'a str>, Cow<'a, str>, Option<(usize, usize)>) {
        let mount = self
            .mounts
            .iter()
            .filter(|mount| place == mount.at || (place.starts_with(&mount.at) && place[mount.at.len()..].starts_with(['.', '['])))
            .max_by_key(|mount| mount.at.len());
        match mount {
            Some(mount) => {
                let rest = &place[mount.at.len()..];
                let inner = match (mount.from.is_empty(), rest.strip_prefix('.')) {
                    (true, Some(rest)) => rest.to_owned(),
                    _ => format!("{}{rest}", mount.from),
                };
                let position = mount.positions.find(&inner);
                (Some(&mount.file), Cow::Owned(inner), position)
            }
            None => (None, Cow::Borrowed(place), self.find(place)),
        }
    }

    /// A problem at `place`, named by where it is written: in `file` at `place`, or, for a
    /// part read from another file, in that file at the place there.
    pub fn error(&self, file: &str, place: impl Into<String>, problem: Problem) -> SpecError {
        let place = place.into();
        let (written_in, inner, position) = self.locate(&place);
        SpecError { file: written_in.unwrap_or(file).to_owned(), place: inner.into_owned(), position, problem }
    }

    /// The position of `place` in this document's own text, or of the nearest enclosing place
    /// that has one.
    pub fn find(&self, place: &str) -> Option<(usize, usize)> {
        let mut current = place;
        loop {
            if let Some(position) = self.places().get(current) {
                return Some(*position);
            }
            let cut = current.rfind(['.', '['])?;
            current = &current[..cut];
        }
    }
}

/// One open mapping or sequence.
#[derive(Debug)]
enum Frame {
    /// `unplaced` is set for a mapping that is a sequence item: the parser marks such a
    /// mapping where its first key ends, so the item takes the first key's position.
    Mapping {
        path: String,
        key: Option<String>,
        unplaced: bool,
    },
    Sequence {
        path: String,
        next_index: usize,
    },
}

#[derive(Debug, Default)]
struct Recorder {
    stack: Vec<Frame>,
    positions: HashMap<String, (usize, usize)>,
}

impl Recorder {
    /// The path of the node that starts now, after recording where it is; `None` for a key.
    fn node_path(&mut self, event: &Event, mark: Marker) -> Option<String> {
        // yaml-rust2 counts columns from 0; serde_yaml, and people, from 1.
        let position = (mark.line(), mark.col() + 1);
        match self.stack.last_mut() {
            None => Some(String::new()),
            Some(Frame::Mapping { path, key, unplaced }) => match key.take() {
                None => {
                    let name = match event {
                        Event::Scalar(value, ..) => value.clone(),
                        _ => "?".to_owned(),
                    };
                    if std::mem::take(unplaced) {
                        self.positions.insert(path.clone(), position);
                    }
                    let full = if path.is_empty() { name.clone() } else { format!("{path}.{name}") };
                    self.positions.entry(full).or_insert(position);
                    *key = Some(name);
                    None
                }
                Some(name) => Some(if path.is_empty() { name } else { format!("{path}.{name}") }),
            },
            Some(Frame::Sequence { path, next_index }) => {
                let full = format!("{path}[{next_index}]");
                *next_index += 1;
                if !matches!(event, Event::MappingStart(..)) {
                    self.positions.entry(full.clone()).or_insert(position);
                }
                Some(full)
            }
        }
    }
}

impl MarkedEventReceiver for Recorder {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match &event {
            Event::MappingEnd | Event::SequenceEnd => {
                self.stack.pop();
            }
            Event::Scalar(..) | Event::Alias(_) => {
                self.node_path(&event, mark);
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                // A mapping or sequence used as a key gets a path of its own that no error uses.
                let in_sequence = matches!(self.stack.last(), Some(Frame::Sequence { .. }));
                let path = self.node_path(&event, mark).unwrap_or_else(|| "?".to_owned());
                self.stack.push(match event {
                    Event::MappingStart(..) => Frame::Mapping { path, key: None, unplaced: in_sequence },
                    _ => Frame::Sequence { path, next_index: 0 },
                });
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_items_have_their_positions() {
        let text = "openapi: 3.0.3\npaths:\n  /users/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - $ref: '#/x'\n      tags: [a, b]\n";
        let positions = Positions::of(text);
        assert_eq!(positions.find("openapi"), Some((1, 1)));
        assert_eq!(positions.find("paths./users/{id}.get"), Some((4, 5)));
        assert_eq!(positions.find("paths./users/{id}.get.parameters[0]"), Some((6, 11)));
        assert_eq!(positions.find("paths./users/{id}.get.parameters[0].in"), Some((7, 11)));
        assert_eq!(positions.find("paths./users/{id}.get.parameters[1].$ref"), Some((8, 11)));
        assert_eq!(positions.find("paths./users/{id}.get.tags[1]"), Some((9, 17)));
        assert_eq!(positions.find("paths./users/{id}.get.responses.200"), Some((4, 5)), "the nearest enclosing place");
        assert_eq!(positions.find("nowhere"), None);
    }

    #[test]
    fn places_read_from_a_file_are_those_of_its_text_unless_it_changed() {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("spec.yaml");
        std::fs::write(&path, "a:\n  b: 1\n  c: 18446744073709552000\n").expect("written");
        let positions = Positions::of_file(&path).expect("the file is there");
        assert_eq!(positions.find("a.c"), Some((3, 3)));
        assert_eq!(positions.place_on_line(3).as_deref(), Some("a.c"), "read again from the file, whose numbers the places need not read");

        let changed = Positions::of_file(&path).expect("the file is there");
        std::fs::write(&path, "a:\n  b: 1\n").expect("written");
        assert_eq!(changed.find("a.b"), None, "a file changed since it was loaded has no places");
    }
}
