//! The errors the generator reports: problems in a spec, and failures to read or write files.

use std::fmt;
use std::path::PathBuf;

/// One problem found in one spec, with the place it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecError {
    /// The spec file, as given to the generator (e.g. `specs/digitalocean.yaml`).
    pub file: String,
    /// The place in the document, as a dotted path such as
    /// `components.schemas.Permission.properties.roles`; empty for the whole document.
    pub place: String,
    /// The line and column (both 1-based), where the YAML parser knows them.
    pub position: Option<(usize, usize)>,
    /// What is wrong.
    pub problem: Problem,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, column)) = self.position {
            write!(f, ":{line}:{column}")?;
        }
        if !self.place.is_empty() {
            write!(f, ": at `{}`", self.place)?;
        }
        write!(f, ": {}", self.problem)
    }
}

/// What is wrong with a spec.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// The text is not valid YAML, or does not have the shape of the supported OpenAPI subset.
    #[error("{message}")]
    Syntax {
        /// The parser's description of the problem.
        message: String,
    },
    /// The document does not declare OpenAPI 3.0.x.
    #[error("expected `openapi: 3.0.x`, found {found}")]
    NotOpenApi30 {
        /// What the document declares instead.
        found: String,
    },
    /// A `$ref` that does not point at an existing component of the expected kind.
    #[error("`$ref: {target}` points at nothing: expected `#/components/{section}/<name>`{}", suggestion_text(suggestion.as_deref()))]
    UnresolvedRef {
        /// The reference as written.
        target: String,
        /// The component section the reference must point into.
        section: &'static str,
        /// A near-miss name that exists.
        suggestion: Option<String>,
    },
    /// A construct the generator does not support.
    #[error("{construct} is not supported{}", hint.as_deref().map(|h| format!("; {h}")).unwrap_or_default())]
    Unsupported {
        /// What was found.
        construct: String,
        /// What to write instead, when there is something.
        hint: Option<String>,
    },
    /// A value that is present but not valid where it is.
    #[error("{message}")]
    Invalid {
        /// What is wrong and what was expected.
        message: String,
    },
    /// Two spec names that become the same Rust identifier.
    #[error("{what} `{first}` and `{second}` both become the Rust name `{rust}`: rename one of them")]
    NameCollision {
        /// The kind of name (type, field, enum variant, operation, module).
        what: &'static str,
        /// The first spec name.
        first: String,
        /// The second spec name.
        second: String,
        /// The Rust identifier both map to.
        rust: String,
    },
}

fn suggestion_text(suggestion: Option<&str>) -> String {
    crate::suggest::hint(suggestion)
}

/// Every problem found in the specs of one run, in a stable order, and the warnings found
/// beside them.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecErrors(pub Vec<SpecError>, pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    /// Every kind of problem, each with its first few cases and a count of the rest, so a spec
    /// with hundreds of one mistake still shows every other kind.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut lines = Vec::new();
        for (label, found) in [("error", &self.0), ("warning", &self.1)] {
            let mut kinds: Vec<(String, usize)> = Vec::new();
            for problem in found.iter() {
                let kind = kind_of(&problem.problem.to_string());
                let seen = match kinds.iter_mut().find(|(known, _)| *known == kind) {
                    Some((_, count)) => {
                        *count += 1;
                        *count
                    }
                    None => {
                        kinds.push((kind, 1));
                        1
                    }
                };
                if seen <= SHOWN_PER_KIND {
                    lines.push(format!("{label}: {problem}"));
                }
            }
            for (kind, count) in kinds.into_iter().filter(|(_, count)| *count > SHOWN_PER_KIND) {
                lines.push(format!("note: {} more {label}s like \"{kind}\"", count - SHOWN_PER_KIND));
            }
        }
        f.write_str(&lines.join("\n"))
    }
}

/// How many problems of one kind a report shows before it counts the rest.
const SHOWN_PER_KIND: usize = 5;

/// What a message says with its particulars (names in backticks, numbers) left out: the
/// kind of problem it is.
fn kind_of(message: &str) -> String {
    let mut kind = String::with_capacity(message.len());
    let mut in_code = false;
    for c in message.chars() {
        match c {
            '`' if !in_code => {
                in_code = true;
                kind.push_str("`…`");
            }
            '`' => in_code = false,
            _ if in_code => {}
            c if c.is_ascii_digit() => {
                if !kind.ends_with('#') {
                    kind.push('#');
                }
            }
            c => kind.push(c),
        }
    }
    kind
}

impl std::error::Error for SpecErrors {}

/// Why a generator run failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// One or more specs are broken; nothing was written.
    #[error("{0}")]
    Spec(SpecErrors),
    /// A file could not be read or written.
    #[error("cannot {action} `{}`: {source}", path.display())]
    Io {
        /// What was being done.
        action: &'static str,
        /// The file or folder.
        path: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The generator produced code that does not parse: a bug in the generator, not the spec.
    #[error("internal error: the code generated for `{file}` does not parse ({message}); please report this")]
    Internal {
        /// The output file being rendered.
        file: String,
        /// The parser's message.
        message: String,
    },
}

impl Error {
    /// Wraps an I/O error with the action and path it happened on.
    pub(crate) fn io(action: &'static str, path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Self {
        let path = path.into();
        move |source| Self::Io { action, path, source }
    }
}
