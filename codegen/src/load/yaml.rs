//! YAML text into serde_yaml's [`Value`], built node by node as the parser reads: serde_yaml
//! itself first records every event of the document, which for a large spec is most of the
//! generator's peak memory. The tree is the one serde_yaml builds, scalar for scalar: a
//! document with anything this reader does not resolve the same way (tags, anchors, keys
//! given twice, numbers beyond plain decimals, a text that does not end with a line break,
//! a syntax error) is read by serde_yaml
//! instead, so its messages and its values stay serde_yaml's.

use serde_yaml::{Mapping, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// The document of `text`, as `serde_yaml::from_str` reads it.
///
/// # Errors
///
/// serde_yaml's, for a text that is not one YAML document.
pub fn parse(text: &str) -> Result<Value, serde_yaml::Error> {
    match read(text) {
        Some(value) => Ok(value),
        None => serde_yaml::from_str(text),
    }
}

/// The document, or `None` when serde_yaml must read it.
fn read(text: &str) -> Option<Value> {
    // The two parsers end a block scalar at the end of the text differently.
    if !text.ends_with('\n') {
        return None;
    }
    let mut builder = Builder::default();
    Parser::new_from_str(text).load(&mut builder, true).ok()?;
    match builder {
        Builder { refused: false, documents: 1, done: Some(value), .. } => Some(value),
        _ => None,
    }
}

/// A mapping or sequence being read.
enum Open {
    Sequence(Vec<Value>),
    /// A mapping, and the key read whose value comes next.
    Mapping(Mapping, Option<Value>),
}

#[derive(Default)]
struct Builder {
    stack: Vec<Open>,
    done: Option<Value>,
    documents: usize,
    /// Whether the document holds what serde_yaml must read itself.
    refused: bool,
}

impl Builder {
    fn push(&mut self, value: Value) {
        match self.stack.last_mut() {
            None if self.done.is_none() => self.done = Some(value),
            None => self.refused = true,
            Some(Open::Sequence(items)) => items.push(value),
            Some(Open::Mapping(map, key)) => match key.take() {
                None if matches!(value, Value::Mapping(_) | Value::Sequence(_)) => self.refused = true,
                None => *key = Some(value),
                // serde_yaml refuses a key given twice.
                Some(key) => self.refused |= map.insert(key, value).is_some(),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, event: Event, _: Marker) {
        if self.refused {
            return;
        }
        match event {
            Event::DocumentStart => self.documents += 1,
            Event::Scalar(text, style, anchor, tag) => match scalar(text, style) {
                Some(value) if anchor == 0 && tag.is_none() => self.push(value),
                _ => self.refused = true,
            },
            Event::SequenceStart(anchor, tag) | Event::MappingStart(anchor, tag) if anchor != 0 || tag.is_some() => self.refused = true,
            Event::SequenceStart(..) => self.stack.push(Open::Sequence(Vec::new())),
            Event::MappingStart(..) => self.stack.push(Open::Mapping(Mapping::new(), None)),
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Open::Sequence(items)) => self.push(Value::Sequence(items)),
                Some(Open::Mapping(map, None)) => self.push(Value::Mapping(map)),
                Some(Open::Mapping(_, Some(_))) | None => self.refused = true,
            },
            Event::Alias(_) => self.refused = true,
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// Whether a plain scalar is YAML's null.
pub(super) fn is_null(text: &str) -> bool {
    matches!(text, "" | "~" | "null" | "Null" | "NULL")
}

/// A scalar as serde_yaml resolves it, or `None` for one it resolves by rules not copied
/// here (hexadecimal, octal and binary integers, `.inf` and `.nan`, `+` before an integer,
/// integers beyond 64 bits).
pub(super) fn scalar(text: String, style: TScalarStyle) -> Option<Value> {
    if style != TScalarStyle::Plain {
        return Some(Value::String(text));
    }
    if is_null(&text) {
        return Some(Value::Null);
    }
    match text.as_str() {
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    let (sign, unsigned) = match text.as_bytes().first() {
        Some(sign @ (b'+' | b'-')) => (Some(*sign), &text[1..]),
        _ => (None, text.as_str()),
    };
    if matches!(unsigned, ".inf" | ".Inf" | ".INF" | ".nan" | ".NaN" | ".NAN") {
        return None;
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(digits) = unsigned.strip_prefix(prefix)
            && u128::from_str_radix(digits, radix).is_ok()
        {
            return None;
        }
    }
    if !unsigned.is_empty() && unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Leading zeros make a string (YAML 1.2).
        if unsigned.len() > 1 && unsigned.starts_with('0') {
            return Some(Value::String(text));
        }
        return match sign {
            None => text.parse::<u64>().ok().map(|n| Value::Number(Number::from(n))),
            Some(b'-') => text.parse::<i64>().ok().map(|n| Value::Number(Number::from(n))),
            Some(_) => None,
        };
    }
    match text.parse::<f64>() {
        Ok(float) if float.is_finite() => Some(Value::Number(Number::from(float))),
        _ => Some(Value::String(text)),
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    #[track_caller]
    fn same_as_serde_yaml(text: &str) {
        let ours = parse(text).map_err(|e| e.to_string());
        let theirs = serde_yaml::from_str::<Value>(text).map_err(|e| e.to_string());
        assert_eq!(ours, theirs, "{text}");
    }

    #[test]
    fn the_tree_is_serde_yamls() {
        for text in [
            "a: 1\nb: -2\nc: 1.5\nd: -0.25\ne: true\nf: ~\ng:\nh: 'quoted'\ni: \"x\\ty\"\nj: |\n  text\n  more\nk: >\n  folded\n  line\n",
            "200: ok\n'200': quoted\n0: zero\n-1: minus\n",
            "n: 007\nx: 0x1F\no: 0o17\nf: 1e5\ni: .inf\nm: -.inf\nnan: .nan\nbig: 18446744073709551616\nplus: +5\nv: 1.0.3\nd: 2024-01-01\n",
            "token: 0xsNnb1pwQlowdoMySEfWwk4I\nword: .information\nb: 0b102\nf: 1e400\ni: inf\n",
            "list: [a, 1, {b: c}, [d]]\nempty: []\nmap: {}\n",
            "a: &x 1\nb: *x\n",
            "a: !custom 1\n",
            "a: 1\na: 2\n",
            "a: 1\n---\nb: 2\n",
            "",
            "a: [\n",
            "- -\n- .\n- -x\n- .x\n- +\n- 1.\n- .5\n- -.5\n- 1_000\n",
            "? [a]\n: b\n",
            "key with spaces: value: with colon\nurl: http://x.y/z#frag\n",
        ] {
            same_as_serde_yaml(text);
        }
    }

    /// Every YAML and JSON file under `dir`.
    pub(in crate::load) fn spec_files(dir: &std::path::Path, found: &mut Vec<std::path::PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else { return };
        for path in entries.flatten().map(|entry| entry.path()) {
            if path.is_dir() {
                spec_files(&path, found);
            } else if path.extension().is_some_and(|ext| ext == "yaml" || ext == "yml" || ext == "json") {
                found.push(path);
            }
        }
    }

    #[test]
    fn every_spec_at_hand_reads_as_serde_yaml_reads_it() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["../specs", "tests", "../../shared/vendor-specs"] {
            spec_files(&root.join(dir), &mut files);
        }
        let mut read_here = 0;
        for path in &files {
            let Ok(text) = std::fs::read_to_string(path) else { continue };
            let Some(ours) = read(&text) else { continue };
            read_here += 1;
            let theirs: Value =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: serde_yaml refuses what was read: {e}", path.display()));
            assert!(ours == theirs, "{} reads otherwise than serde_yaml reads it", path.display());
        }
        assert!(read_here * 2 > files.len(), "most files are read here: {read_here} of {}", files.len());
        for spec in ["../specs/digitalocean.yaml", "../specs/yandex-mongodb.yaml", "../../shared/vendor-specs/digitalocean-public.yaml"] {
            let Ok(text) = std::fs::read_to_string(root.join(spec)) else { continue };
            let (text, _) = crate::load::numbers::widen_oversized_integers(&text);
            assert!(read(&text).is_some(), "{spec} is read here");
        }
    }
}
