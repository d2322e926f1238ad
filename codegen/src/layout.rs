//! Blank lines between items, which prettyplease does not write: after a module's docs and
//! attributes, and between the items of a module, an `impl` or a trait.

/// How an item starts, once its indentation is taken off.
const ITEM_STARTS: &[&str] = &[
    "///",
    "#[",
    "pub ",
    "impl",
    "fn ",
    "async fn ",
    "static ",
    "const ",
    "type ",
    "mod ",
    "use ",
    "enum ",
    "struct ",
    "trait ",
    "crate::",
    // An item-level macro of the runtime, named through its alias (`rt::string_enum!`).
    "rt::",
    "unsafe ",
];

/// `text` (prettyplease's output) with a blank line before each item that follows another
/// item at the same level.
#[cfg(test)]
pub fn with_blank_lines(text: &str) -> String {
    let mut out = String::new();
    Spacer::default().push(&mut out, text);
    out
}

/// Writes texts one after another with the blank lines of [`with_blank_lines`], as if they
/// were one text: the last line written is kept for the next text's first line.
#[derive(Debug, Default)]
pub struct Spacer {
    /// The last line written, unless it was empty (or nothing was written).
    previous: Option<String>,
}

impl Spacer {
    /// Writes `text` to `out`, spaced as the rest.
    pub fn push(&mut self, out: &mut String, text: &str) {
        out.reserve(text.len() + text.len() / 16);
        let mut previous = self.previous.as_deref();
        for line in text.lines() {
            if let Some(before) = previous
                && !line.is_empty()
                && needs_blank_line(before, line)
            {
                out.push('\n');
            }
            out.push_str(line);
            out.push('\n');
            previous = if line.is_empty() { None } else { Some(line) };
        }
        let last = previous.map(str::to_owned);
        self.previous = last;
    }

    /// Whether a text starting with `line` written next gets a blank line before it.
    pub fn needs_blank_before(&self, line: &str) -> bool {
        self.previous.as_deref().is_some_and(|before| !line.is_empty() && needs_blank_line(before, line))
    }
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

fn needs_blank_line(before: &str, line: &str) -> bool {
    let (depth, code, previous) = (indent(line), line.trim_start(), before.trim_start());
    if previous.starts_with("//!") || previous.starts_with("#![") {
        return !(code.starts_with("//!") || code.starts_with("#!["));
    }
    if previous.starts_with("//") || previous.starts_with("#[") {
        return false;
    }
    if depth != indent(before) || depth > 4 || !ITEM_STARTS.iter().any(|start| code.starts_with(start)) {
        return false;
    }
    let ends_item = previous == "}" || previous == "};" || previous == "];" || previous.ends_with(");") || previous.ends_with("{}");
    let same_kind = ["use ", "pub use ", "mod "].iter().any(|kind| previous.starts_with(kind) && code.starts_with(kind));
    let ends_declaration = previous.ends_with(';') && !same_kind;
    ends_item || (ends_declaration && (depth == 0 || ["const ", "type "].iter().any(|start| previous.starts_with(start))))
}

#[cfg(test)]
mod tests {
    use super::with_blank_lines;

    #[test]
    fn items_are_spaced_and_bodies_are_not() {
        let text = "//! Docs.\n/// Ends with a call();\n/// and goes on.\npub mod types;\nmod x;\nmod y;\npub use x::*;\npub use y::*;\nuse a::b;\nuse c::d;\n/// A.\npub struct A {\n    x: u8,\n    y: u8,\n}\nimpl A {\n    const N: u8 = 1;\n    fn f() {\n        let a = 1;\n        g();\n    }\n    /// G.\n    fn g() {}\n}\nstring_enum!(A {});\ncrate::x!(B);\npub type T = u8;\n";
        let expected = "//! Docs.\n\n/// Ends with a call();\n/// and goes on.\npub mod types;\n\nmod x;\nmod y;\n\npub use x::*;\npub use y::*;\n\nuse a::b;\nuse c::d;\n\n/// A.\npub struct A {\n    x: u8,\n    y: u8,\n}\n\nimpl A {\n    const N: u8 = 1;\n\n    fn f() {\n        let a = 1;\n        g();\n    }\n\n    /// G.\n    fn g() {}\n}\nstring_enum!(A {});\n\ncrate::x!(B);\n\npub type T = u8;\n";
        assert_eq!(with_blank_lines(text), expected);
    }
}
