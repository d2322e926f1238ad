//! A name for each operation that has no `operationId`, made from its method and path by one
//! rule: the method, then the path's literal segments in `snake_case`, then `by_` and the
//! parameters that end the path (`GET /hosting/privateDatabase/{serviceName}/user` is
//! `get_hosting_private_database_user`, `GET .../user/{userName}` is
//! `get_hosting_private_database_user_by_user_name`). A name another operation has already
//! takes every parameter of the path, where it stands; a name taken still gets `_2`, `_3`... in
//! the order of the paths. The same spec always makes the same names.

use std::collections::HashSet;

use indexmap::IndexMap;

use crate::load::PathItem;
use crate::names;

/// Gives every operation of `paths` without an `operationId` one made by the rule above; the
/// place and message of a warning for each.
pub(super) fn name_unnamed(paths: &mut IndexMap<String, PathItem>) -> Vec<(String, String)> {
    let mut taken: HashSet<String> =
        paths.values().flat_map(PathItem::operations).filter_map(|(_, op)| op.operation_id.as_deref().map(names::snake)).collect();
    let mut warnings = Vec::new();
    for (template, item) in paths.iter_mut() {
        for (method, op) in item.operations_mut().filter(|(_, op)| op.operation_id.is_none()) {
            let (short, full) = candidates(method, template);
            let name = if !taken.contains(&short) {
                short
            } else if !taken.contains(&full) {
                full
            } else {
                (2..).map(|n| format!("{full}_{n}")).find(|name| !taken.contains(name)).unwrap_or(full)
            };
            taken.insert(name.clone());
            warnings.push((
                format!("paths.{template}.{method}"),
                format!("the operation has no `operationId`: it is named `{name}`, from its method and path"),
            ));
            op.operation_id = Some(name);
        }
    }
    warnings
}

/// The short name of an operation (its trailing parameters only) and the full one (every
/// parameter where it stands).
fn candidates(method: &str, template: &str) -> (String, String) {
    let segments: Vec<&str> = template.split('/').filter(|segment| !segment.is_empty()).collect();
    let parameter = |segment: &str| {
        segment.strip_prefix('{').and_then(|rest| rest.strip_suffix('}')).map(|name| name.split(':').next().unwrap_or(name).to_owned())
    };
    let literal_end = segments.iter().rposition(|segment| parameter(segment).is_none()).map_or(0, |index| index + 1);
    let words = |segments: &[&str], with_parameters: bool| -> Vec<String> {
        let mut words = Vec::new();
        let mut previous_was_parameter = false;
        for segment in segments {
            match parameter(segment) {
                Some(name) if with_parameters => {
                    words.push(if previous_was_parameter {
                        format!("and_{}", names::snake(&name))
                    } else {
                        format!("by_{}", names::snake(&name))
                    });
                    previous_was_parameter = true;
                }
                Some(_) => {}
                None => {
                    words.push(names::snake(segment));
                    previous_was_parameter = false;
                }
            }
        }
        words
    };
    let mut short = vec![method.to_owned()];
    short.extend(words(&segments[..literal_end], false));
    short.extend(words(&segments[literal_end..], true));
    let mut full = vec![method.to_owned()];
    full.extend(words(&segments, true));
    (short.join("_"), full.join("_"))
}

#[cfg(test)]
mod tests {
    use super::candidates;

    #[test]
    fn names_read_well_and_say_what_ends_the_path() {
        let short = |method, template| candidates(method, template).0;
        assert_eq!(short("get", "/hosting/privateDatabase/{serviceName}/user"), "get_hosting_private_database_user");
        assert_eq!(
            short("get", "/hosting/privateDatabase/{serviceName}/user/{userName}"),
            "get_hosting_private_database_user_by_user_name"
        );
        assert_eq!(
            short("post", "/hosting/privateDatabase/{serviceName}/user/{userName}/changePassword"),
            "post_hosting_private_database_user_change_password"
        );
        assert_eq!(short("delete", "/a/{x}/{y}"), "delete_a_by_x_and_y");
        assert_eq!(candidates("get", "/a/{x}/b").1, "get_a_by_x_b");
        assert_eq!(short("get", "/"), "get");
    }
}
