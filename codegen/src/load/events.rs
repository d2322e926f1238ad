//! The typed [`Document`] read straight from the YAML parser's events, with no tree in
//! between: the tree of a large spec is many times the size of its text, and building it,
//! then reading the document from it, is most of the time and memory of loading.
//!
//! This is the quick way for the common document, and it gives up on anything else: whatever
//! the [`yaml`](super::yaml) reader would hand to serde_yaml (tags, anchors, keys given twice,
//! numbers beyond plain decimals...), a `$ref` to another file, a near miss of one of the
//! project's extensions, and any problem at all. The document is then read the thorough way,
//! tree first, which gives the same document or the problems at their places. Where this
//! reader succeeds it reads what that way reads: every key a string, the extensions the project
//! does not define left out, and each value as serde_yaml's tree gives it to the typed read.

use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasher, RandomState};

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;
use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use super::Document;
use super::extensions::{self, Context};
use super::yaml;

/// The document of `text`, or `None` when it must be read the thorough way.
pub fn read(text: &str) -> Option<Document> {
    // The two YAML parsers end a block scalar at the end of the text differently.
    if !text.ends_with('\n') {
        return None;
    }
    let mut reader = Reader { parser: Parser::new_from_str(text), hasher: RandomState::new() };
    if !matches!(reader.next().ok()?, Event::StreamStart) || !matches!(reader.next().ok()?, Event::DocumentStart) {
        return None;
    }
    let mut document = Document::deserialize(Node { reader: &mut reader, context: Context::Object }).ok()?;
    // Read without knowing their lengths, the largest maps are kept no larger than they are.
    document.paths.shrink_to_fit();
    document.components.schemas.shrink_to_fit();
    let ends = matches!(reader.next().ok()?, Event::DocumentEnd) && matches!(reader.next().ok()?, Event::StreamEnd);
    ends.then_some(document)
}

/// Why the quick read gave up; the thorough read says what is wrong, if anything is.
#[derive(Debug)]
pub struct GiveUp;

impl fmt::Display for GiveUp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("read the thorough way")
    }
}

impl std::error::Error for GiveUp {}

impl de::Error for GiveUp {
    fn custom<T: fmt::Display>(_: T) -> Self {
        GiveUp
    }
}

/// The parser, and the hasher of the keys seen in each mapping.
struct Reader<'t> {
    parser: Parser<std::str::Chars<'t>>,
    hasher: RandomState,
}

impl Reader<'_> {
    fn next(&mut self) -> Result<Event, GiveUp> {
        self.parser.next_token().map(|(event, _)| event).map_err(|_| GiveUp)
    }

    fn peek(&mut self) -> Result<&Event, GiveUp> {
        self.parser.peek().map(|(event, _)| event).map_err(|_| GiveUp)
    }

    /// Whether the next event is a plain `null`, which it then takes.
    fn take_null(&mut self) -> Result<bool, GiveUp> {
        let null = matches!(self.peek()?, Event::Scalar(text, TScalarStyle::Plain, 0, None) if yaml::is_null(text));
        if null {
            self.next()?;
        }
        Ok(null)
    }

    /// Reads past the node `first` starts, checking it as the tree reader would check it.
    fn skip(&mut self, first: Event) -> Result<(), GiveUp> {
        match first {
            Event::Scalar(text, style, 0, None) => resolve(text, style).map(drop),
            Event::SequenceStart(0, None) => loop {
                match self.next()? {
                    Event::SequenceEnd => return Ok(()),
                    item => self.skip(item)?,
                }
            },
            Event::MappingStart(0, None) => {
                let mut keys = Keys::default();
                while self.next_key(&mut keys)?.is_some() {
                    let value = self.next()?;
                    self.skip(value)?;
                }
                Ok(())
            }
            _ => Err(GiveUp),
        }
    }

    /// The next key of a mapping whose earlier keys are `keys`, or `None` at its end. Gives up
    /// on a key the typed read cannot take, on a key given twice, and on a `$ref` to another
    /// file, which the thorough read brings into the document.
    fn next_key(&mut self, keys: &mut Keys) -> Result<Option<String>, GiveUp> {
        let key = match self.next()? {
            Event::MappingEnd => return Ok(None),
            Event::Scalar(text, style, 0, None) => key(text, style)?,
            _ => return Err(GiveUp),
        };
        if !keys.insert(self.hasher.hash_one(&key)) {
            return Err(GiveUp);
        }
        if key == "$ref" && !matches!(self.peek()?, Event::Scalar(target, _, _, _) if target.starts_with('#')) {
            return Err(GiveUp);
        }
        Ok(Some(key))
    }
}

/// The keys of one mapping, by hash (two keys of one hash give up, which is only ever slower):
/// a list while short, a set beyond.
#[derive(Default)]
struct Keys {
    few: Vec<u64>,
    many: HashSet<u64>,
}

impl Keys {
    /// Whether `hash` is new.
    fn insert(&mut self, hash: u64) -> bool {
        const FEW: usize = 16;
        if self.few.len() < FEW {
            if self.few.contains(&hash) {
                return false;
            }
            self.few.push(hash);
            return true;
        }
        !self.few.contains(&hash) && self.many.insert(hash)
    }
}

/// A scalar as serde_yaml's tree holds it, or give up where the tree reader would.
fn resolve(text: String, style: TScalarStyle) -> Result<Value, GiveUp> {
    yaml::scalar(text, style).ok_or(GiveUp)
}

/// A mapping key as the typed read sees it: numbers and booleans are keys written as text
/// (`200:`), the way the thorough read turns them into strings; a null or fractional key gives
/// up.
fn key(text: String, style: TScalarStyle) -> Result<String, GiveUp> {
    match resolve(text, style)? {
        Value::String(key) => Ok(key),
        Value::Bool(flag) => Ok(flag.to_string()),
        Value::Number(number) if number.is_u64() || number.is_i64() => Ok(number.to_string()),
        _ => Err(GiveUp),
    }
}

/// The node the next events make, in its place's context.
struct Node<'r, 't> {
    reader: &'r mut Reader<'t>,
    context: Context,
}

impl<'de> de::Deserializer<'de> for Node<'_, '_> {
    type Error = GiveUp;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        match self.reader.next()? {
            Event::Scalar(text, style, 0, None) => match resolve(text, style)? {
                Value::Null => visitor.visit_unit(),
                Value::Bool(flag) => visitor.visit_bool(flag),
                Value::String(text) => visitor.visit_string(text),
                Value::Number(number) => match (number.as_u64(), number.as_i64(), number.as_f64()) {
                    (Some(unsigned), _, _) => visitor.visit_u64(unsigned),
                    (None, Some(signed), _) => visitor.visit_i64(signed),
                    (None, None, Some(float)) => visitor.visit_f64(float),
                    (None, None, None) => Err(GiveUp),
                },
                Value::Sequence(_) | Value::Mapping(_) | Value::Tagged(_) => Err(GiveUp),
            },
            Event::SequenceStart(0, None) => visit_sequence(self.reader, self.context, visitor, false),
            Event::MappingStart(0, None) => visit_mapping(self.reader, self.context, visitor, false),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.reader.take_null()? { visitor.visit_none() } else { visitor.visit_some(self) }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.reader.take_null()? { visitor.visit_unit() } else { Err(GiveUp) }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, GiveUp> {
        visitor.visit_newtype_struct(self)
    }

    /// A sequence, or an empty one for a null, as serde_yaml's tree gives them.
    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.reader.take_null()? {
            return visit_sequence(self.reader, self.context, visitor, true);
        }
        match self.reader.next()? {
            Event::SequenceStart(0, None) => visit_sequence(self.reader, self.context, visitor, false),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _: &'static str, _: usize, visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_seq(visitor)
    }

    /// A mapping, or an empty one for a null, as serde_yaml's tree gives them; never a
    /// sequence, which a struct's visitor would otherwise read field by field.
    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        if self.reader.take_null()? {
            return visit_mapping(self.reader, self.context, visitor, true);
        }
        match self.reader.next()? {
            Event::MappingStart(0, None) => visit_mapping(self.reader, self.context, visitor, false),
            _ => Err(GiveUp),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _: &'static str, _: &'static [&'static str], visitor: V) -> Result<V::Value, GiveUp> {
        self.deserialize_map(visitor)
    }

    /// A unit variant, named by a string; anything else gives up.
    fn deserialize_enum<V: Visitor<'de>>(self, _: &str, _: &'static [&'static str], visitor: V) -> Result<V::Value, GiveUp> {
        match self.reader.next()? {
            Event::Scalar(text, style, 0, None) => match resolve(text, style)? {
                Value::String(name) => visitor.visit_enum(name.into_deserializer()),
                _ => Err(GiveUp),
            },
            _ => Err(GiveUp),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, GiveUp> {
        let first = self.reader.next()?;
        self.reader.skip(first)?;
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf identifier
    }
}

/// Gives `visitor` the sequence whose start was read (or an empty one), and checks that it
/// read every item.
fn visit_sequence<'de, V: Visitor<'de>>(reader: &mut Reader<'_>, context: Context, visitor: V, empty: bool) -> Result<V::Value, GiveUp> {
    let mut items = Items { reader, context, ended: empty };
    let value = visitor.visit_seq(&mut items)?;
    if items.ended { Ok(value) } else { Err(GiveUp) }
}

/// Gives `visitor` the mapping whose start was read (or an empty one), and checks that it read
/// every entry.
fn visit_mapping<'de, V: Visitor<'de>>(reader: &mut Reader<'_>, context: Context, visitor: V, empty: bool) -> Result<V::Value, GiveUp> {
    let mut entries = Entries { reader, context, value_context: context, keys: Keys::default(), ended: empty };
    let value = visitor.visit_map(&mut entries)?;
    if entries.ended { Ok(value) } else { Err(GiveUp) }
}

/// The items of a sequence, each in the sequence's context.
struct Items<'r, 't> {
    reader: &'r mut Reader<'t>,
    context: Context,
    ended: bool,
}

impl<'de> SeqAccess<'de> for Items<'_, '_> {
    type Error = GiveUp;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, GiveUp> {
        if self.ended {
            return Ok(None);
        }
        if matches!(self.reader.peek()?, Event::SequenceEnd) {
            self.reader.next()?;
            self.ended = true;
            return Ok(None);
        }
        seed.deserialize(Node { reader: self.reader, context: self.context }).map(Some)
    }
}

/// The entries of a mapping: keys as strings, extensions the project does not define passed
/// over where the mapping is an OpenAPI object, each value in its key's context.
struct Entries<'r, 't> {
    reader: &'r mut Reader<'t>,
    context: Context,
    value_context: Context,
    keys: Keys,
    ended: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, '_> {
    type Error = GiveUp;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, GiveUp> {
        if self.ended {
            return Ok(None);
        }
        loop {
            let Some(key) = self.reader.next_key(&mut self.keys)? else {
                self.ended = true;
                return Ok(None);
            };
            if self.context == Context::Object && extensions::is_foreign(&key) {
                // A near miss of ours is reported by the thorough read.
                if extensions::near_miss(&key).is_some() {
                    return Err(GiveUp);
                }
                let value = self.reader.next()?;
                self.reader.skip(value)?;
                continue;
            }
            self.value_context = self.context.child(&key);
            return seed.deserialize(key.into_deserializer()).map(Some);
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, GiveUp> {
        seed.deserialize(Node { reader: self.reader, context: self.value_context })
    }
}

#[cfg(test)]
mod tests {
    use super::read;

    /// The document as the thorough read gives it, when it gives one without a problem.
    fn read_thoroughly(text: &str) -> Option<String> {
        let positions = crate::load::Positions::of(text);
        let tree = crate::load::yaml::parse(text).ok()?;
        if crate::load::bundle::refers_to_files(&tree) {
            return None;
        }
        let typed = crate::load::read_typed("spec.yaml", Some(text), tree, &positions);
        typed.document.filter(|_| typed.problems.is_empty() && typed.warnings.is_empty()).map(|document| format!("{document:?}"))
    }

    /// Whether the quick read reads `text`, which it then reads as the thorough read does.
    #[track_caller]
    fn quick(text: &str) -> bool {
        let Some(document) = read(text) else { return false };
        let thorough = read_thoroughly(text);
        assert_eq!(Some(format!("{document:?}")), thorough, "the two reads differ on\n{text}");
        true
    }

    const MINIMAL: &str = "openapi: 3.0.3\ninfo:\n  title: T\n  version: '1'\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";

    #[test]
    fn reads_as_the_thorough_read_does_or_gives_up() {
        assert!(quick(MINIMAL), "numeric keys are read as text");
        let with = |from: &str, to: &str| {
            assert!(MINIMAL.contains(from));
            MINIMAL.replacen(from, to, 1)
        };
        let read_quickly = [
            with("info:\n", "x-top: {a: [1, 2]}\ninfo:\n  x-logo: {url: x}\n"),
            with("      responses:\n", "      x-codeSamples:\n        - lang: sh\n          source: curl\n      responses:\n"),
            with(
                "paths:\n",
                "components:\n  schemas:\n    x-name:\n      type: object\n      x-vendor: 1\n      properties:\n        x-prop: {type: string, x-secret: true, example: {x-keep: 1}}\n    N:\n      properties:\n      enum: [1, -2, 1.5, true, ~, text]\npaths:\n",
            ),
            with("description: ok\n", "description: ok\n          headers:\n            X-Rate: {schema: {type: integer, default: 7}}\n"),
            with("    get:\n", "    parameters:\n      - {$ref: '#/components/parameters/P'}\n    get:\n"),
            with("  version: '1'\n", "  version: '1'\n  description: |\n    Two\n    lines.\n"),
        ];
        for text in &read_quickly {
            assert!(quick(text), "read quickly:\n{text}");
        }
        let given_up = [
            with("openapi: 3.0.3\n", "openapi: 3.0\n"),
            with("paths:\n", "servers:\n  - &s {url: x}\n  - *s\npaths:\n"),
            with("  title: T\n", "  title: T\n  title: U\n"),
            with("    get:\n", "    parameters:\n      - $ref: other.yaml#/P\n    get:\n"),
            with("    get:\n", "    x-idempotency-kee: true\n    get:\n"),
            with("    get:\n", "    x-vendor: 0x1F\n    get:\n"),
            with("    get:\n", "    x-vendor: {a: 1, a: 2}\n    get:\n"),
            with("          description: ok\n", "          description: ok\n          sumary: typo\n"),
            with("  version: '1'\n", "  version: 1\n"),
            with("        200:\n", "        1.5:\n"),
            with("info:\n", "info: !tagged\n"),
            MINIMAL.trim_end().to_owned(),
            format!("{MINIMAL}---\na: 1\n"),
            "- a\n".to_owned(),
        ];
        for text in &given_up {
            assert!(!quick(text), "given up:\n{text}");
        }
    }

    #[test]
    fn every_spec_at_hand_reads_as_the_thorough_read_reads_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["../specs", "tests", "../../shared/vendor-specs"] {
            crate::load::yaml::tests::spec_files(&root.join(dir), &mut files);
        }
        let (mut documents, mut read_here) = (0, 0);
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else { continue };
            let (text, _) = crate::load::numbers::widen_oversized_integers(&text);
            documents += usize::from(read_thoroughly(&text).is_some());
            read_here += usize::from(quick(&text));
        }
        assert!(read_here * 10 > documents * 9, "most documents are read quickly: {read_here} of {documents}");
        for spec in ["../specs/digitalocean.yaml", "../specs/yandex-mongodb.yaml", "../../shared/vendor-specs/digitalocean-public.yaml"] {
            let Ok(text) = std::fs::read_to_string(root.join(spec)) else { continue };
            let (text, _) = crate::load::numbers::widen_oversized_integers(&text);
            assert!(read(&text).is_some(), "{spec} is read quickly");
        }
        assert!(quick(&crate::synth::spec(20)), "the synthetic spec is read quickly");
    }
}
