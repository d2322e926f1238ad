//! Integers too large for 64 bits, which vendors write in constraints (DigitalOcean's
//! `maximum: 18446744073709552000`) and which the YAML reader cannot hold: they are read as
//! floating-point numbers, with a warning at their place, instead of stopping the whole read.

use std::borrow::Cow;

use crate::error::{Problem, SpecError};
use crate::load::Positions;

/// An integer of the text read as a float.
#[derive(Debug)]
pub struct Widened {
    /// Its 1-based line.
    line: usize,
    /// The integer as written.
    digits: String,
}

/// `text` with every plain integer value that does not fit in 64 bits written as a float
/// (`.0` appended), and the integers it widened.
pub fn widen_oversized_integers(text: &str) -> (Cow<'_, str>, Vec<Widened>) {
    let mut widened = Vec::new();
    let mut out = String::new();
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let body = line.trim_end_matches(['\n', '\r']);
        let Some(start) = oversized_value(body) else {
            out.push_str(line);
            continue;
        };
        let digits = body[start..].trim_end();
        widened.push(Widened { line: index + 1, digits: digits.to_owned() });
        out.push_str(&body[..start]);
        out.push_str(digits);
        out.push_str(".0");
        out.push_str(&line[start + digits.len()..]);
    }
    if widened.is_empty() { (Cow::Borrowed(text), widened) } else { (Cow::Owned(out), widened) }
}

/// Where the value of `key: 123...` starts, when it is an integer beyond 64 bits.
fn oversized_value(line: &str) -> Option<usize> {
    let (key, value) = line.split_once(": ")?;
    if key.trim_start().starts_with('#') || key.contains(['"', '\'', '{', '[']) {
        return None;
    }
    let trimmed = value.trim();
    let digits = trimmed.strip_prefix('-').unwrap_or(trimmed);
    let oversized = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && trimmed.parse::<i64>().is_err()
        && trimmed.parse::<u64>().is_err();
    oversized.then(|| key.len() + 2 + (value.len() - value.trim_start().len()))
}

/// The warnings for the widened integers, each at the place of its key.
pub fn warnings(file: &str, widened: &[Widened], positions: &Positions) -> Vec<SpecError> {
    widened
        .iter()
        .map(|number| {
            let place = positions.place_on_line(number.line).unwrap_or_default();
            let message = format!("`{}` does not fit in 64 bits: it is read as a floating-point number", number.digits);
            SpecError { file: file.to_owned(), place, position: Some((number.line, 1)), problem: Problem::Invalid { message } }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::widen_oversized_integers;

    #[test]
    fn only_integers_beyond_64_bits_are_widened() {
        let text = "a:\n  maximum: 18446744073709552000\n  minimum: -99999999999999999999\n  ok: 18446744073709551615\n  s: '18446744073709552000'\n";
        let (widened, found) = widen_oversized_integers(text);
        assert_eq!(
            widened,
            "a:\n  maximum: 18446744073709552000.0\n  minimum: -99999999999999999999.0\n  ok: 18446744073709551615\n  s: '18446744073709552000'\n"
        );
        assert_eq!(found.iter().map(|n| n.line).collect::<Vec<_>>(), [2, 3]);
    }
}
