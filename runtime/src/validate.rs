//! The constraints a spec states on parameters and request-body fields, checked before a
//! request is sent.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use super::{ArgumentError, ArgumentProblem, Secret};

/// Where a value sits in a call's arguments: `path.userName`, `body.permissions[1].roles`.
/// Built on the stack as validation descends, and written out only for an error.
#[doc(hidden)]
#[derive(Clone, Copy)]
pub enum FieldPath<'a> {
    /// An argument: `path.userName`, `body`.
    Root(&'static str, &'static str),
    /// A field of an object.
    Field(&'a FieldPath<'a>, &'static str),
    /// An item of a list.
    Index(&'a FieldPath<'a>, usize),
    /// A value of a map.
    Key(&'a FieldPath<'a>, &'a str),
}

impl<'a> FieldPath<'a> {
    /// The field `name` of the object at this path.
    pub fn field(&'a self, name: &'static str) -> FieldPath<'a> {
        FieldPath::Field(self, name)
    }
}

impl fmt::Display for FieldPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Root(location, "") => f.write_str(location),
            Self::Root(location, name) => write!(f, "{location}.{name}"),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, index) => write!(f, "{parent}[{index}]"),
            Self::Key(parent, key) => write!(f, "{parent}.{key}"),
        }
    }
}

/// The constraints of one value, as the spec states them.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, Default)]
pub struct Rules {
    /// `minLength`, in characters.
    pub min_length: Option<u64>,
    /// `maxLength`, in characters.
    pub max_length: Option<u64>,
    /// `pattern`, searched for anywhere in the value.
    pub pattern: Option<&'static Pattern>,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `minItems`.
    pub min_items: Option<u64>,
    /// `maxItems`.
    pub max_items: Option<u64>,
    /// The rules of each item of a list.
    pub items: Option<&'static Rules>,
    /// The format a value taken as text must have (`uuid`, `date-time`, `date`).
    pub format: Option<TextFormat>,
}

/// A `format` the client checks on a value it takes as text.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextFormat {
    /// `uuid`: 32 hexadecimal digits, in the usual groups or not.
    Uuid,
    /// `date-time`: RFC 3339 (`2026-12-05T10:00:00Z`).
    DateTime,
    /// `date`: RFC 3339's full date (`2026-12-05`).
    Date,
}

impl TextFormat {
    /// Its name in the spec.
    fn name(self) -> &'static str {
        match self {
            Self::Uuid => "uuid",
            Self::DateTime => "date-time",
            Self::Date => "date",
        }
    }

    /// Whether `text` has this format.
    fn holds(self, text: &str) -> bool {
        match self {
            Self::Uuid => uuid::Uuid::parse_str(text).is_ok(),
            Self::DateTime => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
            Self::Date => chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        }
    }
}

impl Rules {
    /// No constraint at all, to fill in the ones not stated.
    pub const NONE: Rules = Rules {
        min_length: None,
        max_length: None,
        pattern: None,
        minimum: None,
        maximum: None,
        min_items: None,
        max_items: None,
        items: None,
        format: None,
    };

    fn text(&self, text: &str, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        if self.min_length.is_some() || self.max_length.is_some() {
            let length = text.chars().count() as u64;
            if let Some(min) = self.min_length.filter(|min| length < *min) {
                return Err(refuse(at, ArgumentProblem::TooShort { min }));
            }
            if let Some(max) = self.max_length.filter(|max| length > *max) {
                return Err(refuse(at, ArgumentProblem::TooLong { max }));
            }
        }
        if let Some(pattern) = self.pattern.filter(|pattern| !pattern.is_match(text)) {
            return Err(refuse(at, ArgumentProblem::PatternMismatch { pattern: pattern.source }));
        }
        if let Some(format) = self.format.filter(|format| !format.holds(text)) {
            return Err(refuse(at, ArgumentProblem::Format { format: format.name() }));
        }
        Ok(())
    }

    fn number(&self, value: f64, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        if let Some(min) = self.minimum.filter(|min| value < *min) {
            return Err(refuse(at, ArgumentProblem::BelowMinimum { min }));
        }
        if let Some(max) = self.maximum.filter(|max| value > *max) {
            return Err(refuse(at, ArgumentProblem::AboveMaximum { max }));
        }
        Ok(())
    }

    fn list<T: Validate>(&self, items: &[T], at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        let count = items.len() as u64;
        if let Some(min) = self.min_items.filter(|min| count < *min) {
            return Err(refuse(at, ArgumentProblem::TooFewItems { min }));
        }
        if let Some(max) = self.max_items.filter(|max| count > *max) {
            return Err(refuse(at, ArgumentProblem::TooManyItems { max }));
        }
        let item_rules = self.items.unwrap_or(&Rules::NONE);
        for (index, item) in items.iter().enumerate() {
            item.check(item_rules, &FieldPath::Index(at, index))?;
        }
        Ok(())
    }
}

fn refuse(at: &FieldPath<'_>, problem: ArgumentProblem) -> ArgumentError {
    ArgumentError { argument: at.to_string(), problem }
}

/// A `pattern` of the spec: a regular expression, compiled the first time a value is checked
/// against it. Generated code keeps each in a `static` beside its check.
#[doc(hidden)]
pub struct Pattern {
    source: &'static str,
    compiled: OnceLock<Option<Engine>>,
}

/// A compiled pattern: by regex-lite, small and quick to build, or, for the patterns it cannot
/// read (look-ahead and look-behind, back-references), by fancy-regex.
enum Engine {
    Lite(regex_lite::Regex),
    Fancy(Box<fancy_regex::Regex>),
}

impl Engine {
    fn compile(source: &str) -> Option<Self> {
        match regex_lite::Regex::new(source) {
            Ok(regex) => Some(Self::Lite(regex)),
            Err(_) => fancy_regex::Regex::new(source).ok().map(|regex| Self::Fancy(Box::new(regex))),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        match self {
            Self::Lite(regex) => regex.is_match(text),
            // A pattern that gives up (backtracking past its limit) has not matched.
            Self::Fancy(regex) => regex.is_match(text).unwrap_or(false),
        }
    }
}

impl Pattern {
    /// The pattern `source`, not compiled yet.
    pub const fn new(source: &'static str) -> Self {
        Self { source, compiled: OnceLock::new() }
    }

    /// Whether the pattern is found in `text`. The generator checks that every pattern
    /// compiles with one of the engines; one that still did not would match nothing, so a value
    /// is refused rather than let through unchecked.
    fn is_match(&self, text: &str) -> bool {
        self.compiled.get_or_init(|| Engine::compile(self.source)).as_ref().is_some_and(|engine| engine.is_match(text))
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

/// A value whose constraints can be checked: every request-body type, and what they hold.
#[doc(hidden)]
pub trait Validate {
    /// Checks the constraints the value's own type states (the fields of a struct); a type
    /// that states none has nothing to check.
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        let _ = at;
        Ok(())
    }

    /// Checks `rules`, stated where the value is used, and then the value's own.
    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        let _ = rules;
        self.validate(at)
    }
}

impl<T: Validate + ?Sized> Validate for &T {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        (**self).validate(at)
    }

    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        (**self).check(rules, at)
    }
}

impl<T: Validate + ?Sized> Validate for Box<T> {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        (**self).validate(at)
    }

    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        (**self).check(rules, at)
    }
}

impl<T: Validate> Validate for Option<T> {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        self.as_ref().map_or(Ok(()), |value| value.validate(at))
    }

    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        self.as_ref().map_or(Ok(()), |value| value.check(rules, at))
    }
}

impl<T: Validate> Validate for Vec<T> {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        Rules::NONE.list(self, at)
    }

    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        rules.list(self, at)
    }
}

impl<T: Validate> Validate for [T] {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        Rules::NONE.list(self, at)
    }

    fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        rules.list(self, at)
    }
}

impl<T: Validate> Validate for BTreeMap<String, T> {
    fn validate(&self, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
        self.iter().try_for_each(|(key, value)| value.validate(&FieldPath::Key(at, key)))
    }
}

macro_rules! text_values {
    ($($ty:ty => |$value:ident| $text:expr),* $(,)?) => {
        $(impl Validate for $ty {
            fn validate(&self, _: &FieldPath<'_>) -> Result<(), ArgumentError> {
                Ok(())
            }

            fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
                let $value = self;
                rules.text($text, at)
            }
        })*
    };
}

text_values!(String => |value| value, str => |value| value, Secret => |value| value.expose());

macro_rules! number_values {
    ($($ty:ty),*) => {
        $(impl Validate for $ty {
            fn validate(&self, _: &FieldPath<'_>) -> Result<(), ArgumentError> {
                Ok(())
            }

            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn check(&self, rules: &Rules, at: &FieldPath<'_>) -> Result<(), ArgumentError> {
                rules.number(*self as f64, at)
            }
        })*
    };
}

number_values!(i32, i64, u64, f32, f64);

macro_rules! unconstrained_values {
    ($($ty:ty),*) => {
        $(impl Validate for $ty {
            fn validate(&self, _: &FieldPath<'_>) -> Result<(), ArgumentError> {
                Ok(())
            }
        })*
    };
}

unconstrained_values!(
    bool,
    uuid::Uuid,
    bytes::Bytes,
    chrono::DateTime<chrono::Utc>,
    chrono::NaiveDate,
    std::net::Ipv4Addr,
    std::net::Ipv6Addr,
    serde_json::Value,
    serde_json::Map<String, serde_json::Value>
);

#[cfg(test)]
mod tests {
    use super::*;

    fn refused<T: Validate + ?Sized>(value: &T, rules: &Rules) -> Option<String> {
        value.check(rules, &FieldPath::Root("body", "")).err().map(|error| error.to_string())
    }

    #[test]
    fn a_pattern_with_look_around_is_checked_too() {
        // Linode's label pattern: no two dashes or underscores in a row.
        static LABEL: Pattern = Pattern::new("^(?!.*[_-]{2,})[a-zA-Z0-9_-]{3,32}$");
        let label = Rules { pattern: Some(&LABEL), ..Rules::NONE };
        assert_eq!(refused("db-primary_1", &label), None);
        assert!(refused("db--primary", &label).is_some_and(|m| m.contains("does not match the pattern")));
        assert!(refused("db", &label).is_some());
    }

    #[test]
    fn each_kind_of_constraint_is_checked_and_named() {
        static LETTERS: Pattern = Pattern::new("^[a-z]+$");
        let name = Rules { max_length: Some(3), pattern: Some(&LETTERS), ..Rules::NONE };
        assert_eq!(refused("abc", &name), None);
        assert_eq!(refused("abcd", &name).as_deref(), Some("argument `body` was refused: longer than 3 characters (maxLength)"));
        assert!(refused("a b", &name).is_some_and(|m| m.contains("does not match the pattern `^[a-z]+$`")));
        assert!(refused("ééé", &name).is_some(), "a pattern is about characters, not bytes");
        assert_eq!(refused("ééé", &Rules { max_length: Some(3), ..Rules::NONE }), None, "lengths count characters");
        assert!(refused("", &Rules { min_length: Some(1), ..Rules::NONE }).is_some());
        assert!(refused(&5_i64, &Rules { maximum: Some(4.0), ..Rules::NONE }).is_some());
        assert!(refused(&3_i32, &Rules { minimum: Some(4.0), ..Rules::NONE }).is_some());
        assert!(refused(&vec![1_i32], &Rules { min_items: Some(2), ..Rules::NONE }).is_some());
        assert!(refused(&vec![1_i32; 3], &Rules { max_items: Some(2), ..Rules::NONE }).is_some());
    }

    #[test]
    fn items_are_named_by_index() {
        static ITEM: Rules = Rules { max_length: Some(1), ..Rules::NONE };
        let rules = Rules { items: Some(&ITEM), ..Rules::NONE };
        let list = vec!["a".to_owned(), "bb".to_owned()];
        let error = list.check(&rules, &FieldPath::Root("body", "roles")).unwrap_err();
        assert_eq!(error.argument, "body.roles[1]");
    }

    #[test]
    fn a_pattern_that_does_not_compile_refuses_every_value() {
        static BROKEN: Pattern = Pattern::new("([a-z]");
        let rules = Rules { pattern: Some(&BROKEN), ..Rules::NONE };
        let refused = "abc".check(&rules, &FieldPath::Root("path", "name")).expect_err("refused");
        assert!(refused.to_string().contains("does not match the pattern `([a-z]`"), "{refused}");
    }
}
