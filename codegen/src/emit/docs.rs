//! Doc comments from spec text: Markdown made safe for rustdoc, and the facts of a value
//! (example, default, constraints) written out.

use std::cell::RefCell;

use proc_macro2::TokenStream;
use quote::quote;

use crate::resolve::model::{Constraints, Docs};

/// The doc blocks of one file being emitted. Each block is emitted as one placeholder
/// attribute and written in after formatting ([`write_in`](Self::write_in)), so doc text (a
/// third to a half of a generated file) is never parsed and printed again. One is made per
/// file and passed to whatever emits the file's items.
#[derive(Debug, Default)]
pub struct DocBlocks {
    blocks: RefCell<Vec<Vec<String>>>,
}

/// What starts a placeholder's text: a character no printed literal holds unescaped.
const PLACEHOLDER: char = '\0';

impl DocBlocks {
    /// The placeholder of a doc block, or `None` for an empty one.
    fn placeholder(&self, lines: &[String]) -> Option<String> {
        if lines.is_empty() {
            return None;
        }
        let mut blocks = self.blocks.borrow_mut();
        blocks.push(lines.to_vec());
        Some(format!("{PLACEHOLDER}{}", blocks.len() - 1))
    }

    /// An item's doc comment: printed as `///` lines, one per line.
    pub fn attrs(&self, lines: &[String]) -> TokenStream {
        self.placeholder(lines).map(|text| quote! { #[doc = #text] }).unwrap_or_default()
    }

    /// A module's own doc comment: printed as `//!` lines, one per line.
    pub fn inner_attrs(&self, lines: &[String]) -> TokenStream {
        self.placeholder(lines).map(|text| quote! { #![doc = #text] }).unwrap_or_default()
    }

    /// `text`, the file these blocks were emitted for, formatted, with each placeholder line
    /// replaced by its doc block, one comment line per line at the placeholder's indentation.
    pub fn write_in(self, text: &str) -> String {
        let blocks = self.blocks.into_inner();
        let mut out = String::with_capacity(text.len() + blocks.iter().flatten().map(|line| line.len() + 16).sum::<usize>());
        for line in text.split_inclusive('\n') {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let block = ["///", "//!"].into_iter().find_map(|comment| {
                let index = body.strip_prefix(comment)?.strip_prefix(PLACEHOLDER)?.trim_end().parse::<usize>().ok()?;
                Some((comment, blocks.get(index)?))
            });
            let Some((comment, block)) = block else {
                out.push_str(line);
                continue;
            };
            for doc in block {
                out.push_str(indent);
                out.push_str(comment);
                let doc = doc.trim_end_matches(' ');
                if !doc.is_empty() {
                    out.push(' ');
                    out.push_str(doc);
                }
                out.push('\n');
            }
        }
        out
    }
}

/// Appends a paragraph, with a blank line before it when something precedes it.
pub fn paragraph(lines: &mut Vec<String>, text: impl IntoIterator<Item = String>) {
    let text: Vec<String> = text.into_iter().collect();
    if text.is_empty() {
        return;
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.extend(text);
}

/// The doc lines of a described value: its title and description, then its facts.
pub fn value_docs(docs: &Docs, fallback: &str) -> Vec<String> {
    let mut lines = Vec::new();
    // An empty title or description (`description: ""`, as vendors write) says nothing.
    let said = |text: &Option<String>| text.as_deref().filter(|text| !text.trim().is_empty()).map(str::to_owned);
    let (title, description) = (said(&docs.title), said(&docs.description));
    if let Some(title) = &title {
        paragraph(&mut lines, markdown(title));
    }
    match &description {
        Some(description) => paragraph(&mut lines, markdown(description)),
        None if title.is_none() => paragraph(&mut lines, [fallback.to_owned()]),
        None => {}
    }
    paragraph(&mut lines, facts(docs));
    lines
}

/// A described value in one line, for lists: its description, then its facts as sentences.
pub fn one_line(docs: &Docs) -> String {
    let mut parts: Vec<String> = docs.description.iter().map(|d| markdown(d).join(" ")).collect();
    parts.extend(facts(docs).into_iter().map(|fact| fact.trim_start_matches("- ").to_owned()));
    parts.join(" ")
}

/// The facts of a value as a Markdown list.
fn facts(docs: &Docs) -> Vec<String> {
    let mut facts = Vec::new();
    if docs.read_only {
        facts.push("Read-only: set by the server; the client never sends it.".to_owned());
    }
    if docs.write_only {
        facts.push("Write-only: sent in requests; the client never reads it from an answer.".to_owned());
    }
    if docs.deprecated {
        facts.push("Deprecated by the API.".to_owned());
    }
    if !docs.details().allowed.is_empty() {
        let values: Vec<String> = docs.details().allowed.iter().map(|value| code(&value.to_string())).collect();
        facts.push(format!("One of {}.", values.join(", ")));
    }
    if let Some(format) = &docs.details().format {
        facts.push(format!("Format: {}.", code(format)));
    }
    facts.extend(constraint_facts(&docs.details().constraints));
    if let Some(not) = &docs.details().not {
        facts.push(format!("Must not match the schema {} (not checked).", code(&not.to_string())));
    }
    if let Some(default) = &docs.details().default {
        facts.push(format!("Default: {}.", code(&default.to_string())));
    }
    if let Some(example) = &docs.details().example {
        facts.push(format!("Example: {}.", code(&example.to_string())));
    }
    facts.into_iter().map(|fact| format!("- {fact}")).collect()
}

fn constraint_facts(c: &Constraints) -> Vec<String> {
    let mut facts = Vec::new();
    let range = |low: Option<String>, high: Option<String>, unit: &str| match (low, high) {
        (Some(low), Some(high)) if low == high => Some(format!("Exactly {low} {unit}.")),
        (Some(low), Some(high)) => Some(format!("From {low} to {high} {unit}.")),
        (Some(low), None) => Some(format!("At least {low} {unit}.")),
        (None, Some(high)) => Some(format!("At most {high} {unit}.")),
        (None, None) => None,
    };
    facts.extend(range(c.min_length.map(|n| n.to_string()), c.max_length.map(|n| n.to_string()), "characters"));
    facts.extend(range(c.min_items.map(|n| n.to_string()), c.max_items.map(|n| n.to_string()), "items"));
    match (c.minimum, c.maximum) {
        (Some(low), Some(high)) => facts.push(format!("From {low} to {high}, inclusive.")),
        (Some(low), None) => facts.push(format!("At least {low}.")),
        (None, Some(high)) => facts.push(format!("At most {high}.")),
        (None, None) => {}
    }
    if let Some(pattern) = &c.pattern {
        // A pattern is searched for, as JSON Schema says: only anchors make it the whole value.
        if is_anchored(pattern) {
            facts.push(format!("Matches the regular expression {}.", code(pattern)));
        } else {
            facts.push(format!("Contains a match of the regular expression {}.", code(pattern)));
        }
    }
    facts
}

/// Whether `pattern` matches only whole values: it starts with `^` and ends with an unescaped
/// `$`.
fn is_anchored(pattern: &str) -> bool {
    let Some(body) = pattern.strip_prefix('^').and_then(|rest| rest.strip_suffix('$')) else { return false };
    let escapes = body.chars().rev().take_while(|c| *c == '\\').count();
    escapes % 2 == 0
}

/// A server URL as the docs show it: a link, or for a URL with variables, the template and
/// the variables' defaults (set others with the builder's `server_variable`).
pub fn server(server: &crate::resolve::model::ServerUrl) -> String {
    if server.variables.is_empty() {
        return format!("<{}>", server.url);
    }
    let defaults: Vec<String> = server.variables.iter().map(|(name, default, _)| format!("{name} = {}", code(default))).collect();
    format!("{} (by default {})", code(&server.url), defaults.join(", "))
}

/// Inline code that holds `text` whatever backticks it contains.
pub fn code(text: &str) -> String {
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest_run + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') { " " } else { "" };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Spec Markdown made safe for rustdoc: fenced blocks without a language become `text` (so
/// they are not compiled as doctests), indented lines are not turned into code blocks, and
/// outside code, `<` and stray `[` are escaped and bare URLs become links.
pub fn markdown(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // The indentation that continues the list item in progress, if any: a line that goes on
    // an item is indented under its text, as rustdoc reads it.
    let mut item_indent: Option<usize> = None;
    for line in text.trim().lines() {
        let trimmed = line.trim_start();
        if !in_fence {
            if trimmed.is_empty() {
                item_indent = None;
            } else if let Some(marker) = list_marker(trimmed) {
                item_indent = Some(marker);
            } else if let Some(indent) = item_indent {
                lines.push(format!("{}{}", " ".repeat(indent), escape_line(trimmed.trim_end())));
                continue;
            }
        }
        if trimmed.starts_with("```") {
            if !in_fence && trimmed.trim_end() == "```" {
                lines.push("```text".to_owned());
            } else {
                lines.push(trimmed.trim_end().to_owned());
            }
            in_fence = !in_fence;
        } else if in_fence {
            lines.push(line.trim_end().to_owned());
        } else {
            lines.push(escape_line(trimmed.trim_end()));
        }
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    lines
}

/// The width of the list marker a line starts with (`- `, `* `, `+ `, `1. `), if any.
fn list_marker(line: &str) -> Option<usize> {
    if ["- ", "* ", "+ "].iter().any(|marker| line.starts_with(marker)) {
        return Some(2);
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && line[digits..].starts_with(". ")).then_some(digits + 2)
}

/// Escapes one line of Markdown prose, leaving inline code spans as they are.
fn escape_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    let mut link_open = false;
    while !rest.is_empty() {
        if rest.starts_with('`') {
            let fence_len = rest.len() - rest.trim_start_matches('`').len();
            let fence = &rest[..fence_len];
            if let Some(end) = rest[fence_len..].find(fence) {
                let span_end = fence_len + end + fence_len;
                out.push_str(&rest[..span_end]);
                rest = &rest[span_end..];
                continue;
            }
            out.push_str(fence);
            rest = &rest[fence_len..];
            continue;
        }
        if let Some(url_len) = bare_url_len(rest) {
            // The target of a link opened on this line stays as it is; one whose text began on
            // an earlier line (its `[` escaped there) is put in angle brackets, so no URL is bare.
            if out.ends_with('<') || (out.ends_with('(') && link_open) {
                out.push_str(&rest[..url_len]);
            } else {
                out.push('<');
                out.push_str(&rest[..url_len]);
                out.push('>');
            }
            rest = &rest[url_len..];
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        match c {
            '<' | '>' => {
                out.push('\\');
                out.push(c);
            }
            '[' if !is_inline_link(rest) => out.push_str("\\["),
            '[' => {
                link_open = true;
                out.push(c);
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// The length of a URL at the start of `text`, when one starts there.
fn bare_url_len(text: &str) -> Option<usize> {
    if !(text.starts_with("https://") || text.starts_with("http://")) {
        return None;
    }
    let end = text.find(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '`' | '"' | ')')).unwrap_or(text.len());
    let url = text[..end].trim_end_matches(['.', ',', ';', ':', '!', '?']);
    Some(url.len())
}

/// Whether `text` starts a Markdown inline link `[label](target)`.
fn is_inline_link(text: &str) -> bool {
    text.find("](").is_some_and(|close| !text[1..close].contains(['[', ']']) && text[close..].contains(')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_whose_text_spans_lines_shows_no_bare_url() {
        assert_eq!(markdown("see \"[How to\nConnect](https://x.example/a)\"."), ["see \"\\[How to", "Connect](<https://x.example/a>)\"."]);
    }

    #[test]
    fn prose_is_escaped_for_rustdoc() {
        assert_eq!(markdown("Send `Authorization: Bearer <token>`."), ["Send `Authorization: Bearer <token>`."]);
        assert_eq!(markdown("Send Bearer <token>."), ["Send Bearer \\<token\\>."]);
        assert_eq!(markdown("See [Permission] and roles[]."), ["See \\[Permission] and roles\\[]."]);
        assert_eq!(markdown("See [the guide](https://example.com/x)."), ["See [the guide](https://example.com/x)."]);
        assert_eq!(markdown("See https://example.com/x."), ["See <https://example.com/x>."]);
    }

    #[test]
    fn lines_that_go_on_a_list_item_are_indented_under_it() {
        let text = "Fields:\n- `a`: the first\ngoing on\n10. ten\nmore\n\nAfter.";
        assert_eq!(markdown(text), ["Fields:", "- `a`: the first", "  going on", "10. ten", "    more", "", "After."]);
    }

    #[test]
    fn code_blocks_are_never_doctests() {
        assert_eq!(markdown("a\n```\nlet x = 1;\n```"), ["a", "```text", "let x = 1;", "```"]);
        assert_eq!(markdown("a\n```json\n{}\n```"), ["a", "```json", "{}", "```"]);
        assert_eq!(markdown("a\n\n    indented"), ["a", "", "indented"]);
    }

    #[test]
    fn code_spans_hold_backticks() {
        assert_eq!(code("a"), "`a`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }
}
