//! Near-miss suggestions for names that point at nothing: a misspelled `$ref` target,
//! keyword or property.

/// The name among `candidates` closest to `wanted`, if it is close enough to be a typo.
pub fn nearest<'c, C: AsRef<str> + ?Sized + 'c>(wanted: &str, candidates: impl Iterator<Item = &'c C>) -> Option<&'c str> {
    nearest_within(wanted, candidates, (wanted.chars().count() / 3).max(2))
}

/// The name among `candidates` closest to `wanted`, if at most `limit` edits away.
pub fn nearest_within<'c, C: AsRef<str> + ?Sized + 'c>(
    wanted: &str,
    candidates: impl Iterator<Item = &'c C>,
    limit: usize,
) -> Option<&'c str> {
    let wanted = wanted.to_lowercase();
    candidates
        .map(C::as_ref)
        .map(|candidate| (edit_distance(&wanted, &candidate.to_lowercase()), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// ` (did you mean `NAME`?)` for the name among `candidates` closest to `wanted`, or nothing
/// when none is close: the one way every message suggests a name.
pub fn did_you_mean<'c>(wanted: &str, candidates: impl Iterator<Item = &'c String>) -> String {
    hint(nearest(wanted, candidates))
}

/// ` (did you mean `NAME`?)` for a suggestion, or nothing without one.
pub fn hint(suggestion: Option<&str>) -> String {
    suggestion.map_or_else(String::new, |name| format!(" (did you mean `{name}`?)"))
}

/// The Levenshtein distance between two strings, counted in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current.push(substitution.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_misses_are_suggested() {
        let names = ["user_settings".to_owned(), "database_user".to_owned()];
        assert_eq!(nearest("user_setings", names.iter()), Some("user_settings"));
        assert_eq!(nearest("Database_User", names.iter()), Some("database_user"));
        assert_eq!(nearest("completely_else", names.iter()), None);
    }
}
