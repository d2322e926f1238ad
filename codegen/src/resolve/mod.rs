//! Resolve: turns a loaded [`Document`] into the intermediate [`Api`] model.
//!
//! Every `$ref` is followed, every Rust name is chosen and every collision is found here,
//! once. Problems are collected rather than returned one by one, so a run reports all of them.

mod analysis;
mod compose;
mod directions;
mod formats;
mod keywords;
mod long_running;
pub mod model;
mod operation_names;
mod operations;
mod pagination;
mod param_styles;
mod schemas;
mod unions;
mod values;

use std::collections::HashMap;

use indexmap::IndexMap;

use crate::error::{Problem, SpecError};
use crate::load::{Document, Positions};
use model::{Api, SecurityScheme, TypeDef, TypeRef};

/// The most operations an API has with all its tags behind one Cargo feature, unless its spec
/// asks otherwise (`x-tag-features`): a larger one gets a feature per tag.
pub const TAG_FEATURES_ABOVE: usize = 200;

/// Resolves one loaded spec into the model of one module named `module`, or every problem
/// found; `positions` give each problem its line. The warnings (harmless oddities of the
/// spec, read anyway) come either way.
///
/// The document's paths are taken from it and dropped one by one as their operations are
/// resolved, so the document and the model are never both whole in memory.
pub fn resolve(file: &str, module: &str, mut doc: Document, positions: &Positions) -> (Result<Api, Vec<SpecError>>, Vec<SpecError>) {
    let mut paths = std::mem::take(&mut doc.paths);
    let unnamed = operation_names::name_unnamed(&mut paths);
    let doc = &doc;
    let mut resolver = Resolver {
        doc,
        file,
        positions,
        errors: Vec::new(),
        warnings: Vec::new(),
        multipart_bodies: Default::default(),
        // A spec's types are mostly its components: room for them up front, rather than the
        // largest maps of a large spec grown by doubling.
        types: IndexMap::with_capacity(doc.components.schemas.len()),
        type_origins: HashMap::with_capacity(doc.components.schemas.len()),
        component_types: IndexMap::with_capacity(doc.components.schemas.len()),
        undeclared_schemes: Vec::new(),
    };
    for (place, message) in unnamed {
        resolver.warn(place, message);
    }
    resolver.name_components();
    resolver.lower_components();
    resolver.check_alias_cycles();
    let servers = resolver.servers(doc.servers.as_slice(), "servers");
    if let Some(requirements) = &doc.security {
        resolver.check_security(requirements, "security");
    }
    let mut schemes = resolver.security_schemes();
    let marks = operations::marks(&paths);
    let operations::Operations { mut operations, error_body } = resolver.operations(paths);
    schemes.extend(resolver.undeclared_schemes.drain(..).map(|name| SecurityScheme {
        name,
        kind: model::SchemeKind::Bearer,
        description: Some("A scheme the spec uses without declaring it, read as a bearer token.".to_owned()),
        format: None,
    }));
    resolver.link_long_running(&mut operations, &marks);
    resolver.link_pagination(&mut operations, &marks);
    let warnings = std::mem::take(&mut resolver.warnings);
    let result = if resolver.errors.is_empty() {
        let mut types = resolver.types;
        let travels = directions::travels(&types, &operations);
        directions::apply(&mut types, &travels);
        analysis::mark_boxed_fields(&mut types);
        analysis::mark_default_structs(&mut types);
        for name in &resolver.multipart_bodies {
            if let Some(TypeDef::Struct(def)) = types.get_mut(name) {
                def.multipart = true;
            }
        }
        let operations_count = operations.len();
        let requires_credential = !operations.is_empty() && operations.iter().all(|op| op.authenticated);
        Ok(Api {
            spec_file: file.to_owned(),
            module: module.to_owned(),
            title: doc.info.title.clone(),
            description: doc.info.description.clone(),
            version: doc.info.version.clone(),
            servers,
            schemes,
            requires_credential,
            types,
            operations,
            tag_descriptions: doc.tags.iter().filter_map(|tag| Some((tag.name.clone(), tag.description.clone()?))).collect(),
            error_body,
            tag_features: doc.tag_features.unwrap_or(operations_count > TAG_FEATURES_ABOVE),
        })
    } else {
        Err(resolver.errors)
    };
    // Last, as the lines may still be being read.
    (result, warnings.into_iter().map(|(place, problem)| positions.error(file, place, problem)).collect())
}

/// An item of an operation after following its `$ref`, if it had one.
struct Shared<'m, T> {
    /// The item itself, or the component it points at.
    item: &'m T,
    /// Where the item is written.
    place: String,
    /// The name of the component, when the item is one.
    component: Option<&'m str>,
}

/// The state of resolving one document.
struct Resolver<'a> {
    doc: &'a Document,
    file: &'a str,
    positions: &'a Positions,
    errors: Vec<SpecError>,
    /// Harmless oddities found, by place: reported, and read anyway. Their lines are looked up
    /// once resolving is done, so that the places of the text can be read meanwhile.
    warnings: Vec<(String, Problem)>,
    /// The structs sent as `multipart/form-data` bodies.
    multipart_bodies: std::collections::BTreeSet<String>,
    /// The named types made so far, by Rust name.
    types: IndexMap<String, TypeDef>,
    /// Where each Rust type name came from, for collision messages.
    type_origins: HashMap<String, String>,
    /// The Rust name of each component schema, by its name in the spec.
    component_types: IndexMap<String, String>,
    /// The security schemes operations name and the spec does not declare, read as bearer
    /// token schemes.
    undeclared_schemes: Vec<String>,
}

impl Resolver<'_> {
    /// Reports a problem, once: what a path item or a component shares with each operation
    /// that uses it is resolved for each of them, and would otherwise be reported again.
    fn error(&mut self, place: impl Into<String>, problem: Problem) {
        let error = self.positions.error(self.file, place, problem);
        if !self.errors.contains(&error) {
            self.errors.push(error);
        }
    }

    /// Reports a harmless oddity (once): the spec is read anyway.
    fn warn(&mut self, place: impl Into<String>, message: impl Into<String>) {
        let warning = (place.into(), Problem::Invalid { message: message.into() });
        if !self.warnings.contains(&warning) {
            self.warnings.push(warning);
        }
    }

    fn invalid(&mut self, place: impl Into<String>, message: impl Into<String>) {
        self.error(place, Problem::Invalid { message: message.into() });
    }

    fn unsupported(&mut self, place: impl Into<String>, construct: impl Into<String>) {
        self.error(place, Problem::Unsupported { construct: construct.into(), hint: None });
    }

    fn unsupported_because(&mut self, place: impl Into<String>, construct: impl Into<String>, hint: impl Into<String>) {
        self.error(place, Problem::Unsupported { construct: construct.into(), hint: Some(hint.into()) });
    }

    /// Claims a Rust type name for the spec item at `origin`; reports a collision when the
    /// name is taken.
    fn claim_type_name(&mut self, rust: &str, origin: &str) -> bool {
        match self.type_origins.get(rust) {
            Some(first) if first != origin => {
                let first = first.clone();
                self.error(origin, Problem::NameCollision { what: "type", first, second: origin.to_owned(), rust: rust.to_owned() });
                false
            }
            Some(_) => true,
            None => {
                self.type_origins.insert(rust.to_owned(), origin.to_owned());
                true
            }
        }
    }

    /// Reports aliases that contain themselves (`A` is `B`, `B` is a list of `A`): no Rust type
    /// can stand for them.
    fn check_alias_cycles(&mut self) {
        let mut reported = std::collections::HashSet::new();
        let aliases: Vec<String> =
            self.types.iter().filter(|(_, def)| matches!(def, TypeDef::Alias(_))).map(|(name, _)| name.clone()).collect();
        for name in aliases {
            if reported.contains(&name) {
                continue;
            }
            let mut cycle = vec![name.clone()];
            if self.alias_reaches(&TypeRef::Named(name.clone()), &name, &mut cycle, true) {
                reported.extend(cycle.iter().cloned());
                let place = self.type_origins.get(&name).cloned().unwrap_or_default();
                let path = cycle.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(" → ");
                self.invalid(
                    place,
                    format!("the references {path} → `{name}` form a cycle of aliases that no Rust type can represent; put an object with properties somewhere in the cycle"),
                );
            }
        }
    }

    /// Whether `ty` reaches the alias `target` through aliases, lists and maps only.
    fn alias_reaches(&self, ty: &TypeRef, target: &str, path: &mut Vec<String>, start: bool) -> bool {
        match ty {
            TypeRef::List(item) | TypeRef::Map(item) => self.alias_reaches(item, target, path, false),
            TypeRef::Named(name) if name == target && !start => true,
            TypeRef::Named(name) => match self.types.get(name) {
                Some(TypeDef::Alias(alias)) if start || !path.contains(name) => {
                    if !start {
                        path.push(name.clone());
                    }
                    let found = self.alias_reaches(&alias.ty, target, path, false);
                    if !found && !start {
                        path.pop();
                    }
                    found
                }
                _ => false,
            },
            _ => false,
        }
    }

    /// Follows `reference` into `components.<section>`, reporting where it points at nothing.
    /// `item`, or the component its `$ref` points at: where it is written, and the component's
    /// name when it is shared (types made inside a shared item are named after it).
    fn shared<'m, T>(
        &mut self,
        item: &'m T,
        reference: Option<&String>,
        section: &'static str,
        entries: &'m IndexMap<String, T>,
        place: String,
    ) -> Option<Shared<'m, T>> {
        match reference {
            None => Some(Shared { item, place, component: None }),
            Some(reference) => {
                let (name, target) = self.follow(reference, section, entries, &place)?;
                Some(Shared { item: target, place: format!("components.{section}.{name}"), component: Some(name) })
            }
        }
    }

    fn follow<'m, T>(
        &mut self,
        reference: &str,
        section: &'static str,
        entries: &'m IndexMap<String, T>,
        place: &str,
    ) -> Option<(&'m str, &'m T)> {
        let place = format!("{place}.$ref");
        if !reference.starts_with('#') {
            self.unsupported_because(
                place,
                format!("a `$ref` to another document (`{reference}`)"),
                "only a spec read from its file, as `cargo xtask codegen` reads `specs/`, can refer to files beside it",
            );
            return None;
        }
        let prefix = format!("#/components/{section}/");
        let found = reference
            .strip_prefix(&prefix)
            .map(|name| name.replace("~1", "/").replace("~0", "~"))
            .and_then(|name| entries.get_key_value(name.as_str()));
        match found {
            Some((name, entry)) => Some((name.as_str(), entry)),
            None => {
                let wanted = reference.rsplit('/').next().unwrap_or(reference);
                let suggestion = crate::suggest::nearest(wanted, entries.keys()).map(|name| format!("{prefix}{name}"));
                self.error(place, Problem::UnresolvedRef { target: reference.to_owned(), section, suggestion });
                None
            }
        }
    }
}
