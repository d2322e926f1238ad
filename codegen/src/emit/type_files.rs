//! Which file each type of an API is written in. An API with one tag, or at most
//! [`ONE_FILE_AT_MOST`] types, keeps them all in `types.rs`; a larger one gets a `types/` folder
//! with a file per tag, holding the types only that tag's operations reach, and `shared.rs` for
//! the types several tags (or none) reach.

use std::collections::{BTreeSet, HashMap};

use crate::resolve::model::{Api, Operation, TypeDef, TypeRef};

/// The most types an API keeps in one `types.rs`.
pub const ONE_FILE_AT_MOST: usize = 100;

/// The module of the types no single tag owns.
pub const SHARED: &str = "shared";

/// One file of the `types/` folder.
#[derive(Debug)]
pub struct TypeFile<'a> {
    /// The module name, which is also the file's stem.
    pub module: String,
    /// The tag whose operations reach these types, or `None` for the shared ones.
    pub tag: Option<String>,
    /// The types, in the order of the API's types.
    pub types: Vec<&'a TypeDef>,
}

/// The files of the `types/` folder, or `None` when the API keeps one `types.rs`. `tags` are the API's tag modules with their operations, as the client's
/// files are split; a type goes with its only tag, so both halves of a tag share a name.
pub fn split<'a>(api: &'a Api, tags: &[(String, Vec<&Operation>)]) -> Option<Vec<TypeFile<'a>>> {
    if tags.len() < 2 || api.types.len() <= ONE_FILE_AT_MOST {
        return None;
    }
    // Which tag modules reach each type, by index into `tags`.
    let mut owners: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (index, (_, ops)) in tags.iter().enumerate() {
        for name in reached(api, ops) {
            owners.entry(name).or_default().insert(index);
        }
    }
    let shared_module = free_name(SHARED, tags);
    let mut files: Vec<TypeFile<'a>> = tags
        .iter()
        .map(|(module, ops)| TypeFile { module: module.clone(), tag: ops.first().and_then(|op| op.tag.clone()), types: Vec::new() })
        .collect();
    let mut shared = TypeFile { module: shared_module, tag: None, types: Vec::new() };
    for (name, def) in &api.types {
        match owners.get(name.as_str()).map(|set| set.iter().copied().collect::<Vec<_>>()).as_deref() {
            Some([only]) => files[*only].types.push(def),
            _ => shared.types.push(def),
        }
    }
    files.retain(|file| !file.types.is_empty());
    if !shared.types.is_empty() {
        files.push(shared);
    }
    Some(files)
}

/// `wanted`, or it with a suffix when a tag module already has that name.
fn free_name(wanted: &str, tags: &[(String, Vec<&Operation>)]) -> String {
    let mut name = wanted.to_owned();
    while tags.iter().any(|(module, _)| *module == name) {
        name.push_str("_types");
    }
    name
}

/// The named types `ops` reach through their parameters, bodies, answers and errors.
fn reached<'a>(api: &'a Api, ops: &[&'a Operation]) -> BTreeSet<&'a str> {
    let mut pending: Vec<&'a TypeRef> = Vec::new();
    for op in ops {
        pending.extend(op.params.iter().map(|param| &param.ty));
        pending.extend(op.body.iter().map(|body| &body.ty));
        pending.extend(op.success.ty.iter());
        pending.push(&op.error_body);
        if let Some(long_running) = &op.long_running {
            pending.push(&long_running.result);
            pending.extend(long_running.metadata.iter());
        }
    }
    let mut found = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        if let Some(name) = named_in(ty, &mut pending)
            && let Some((key, def)) = api.types.get_key_value(name)
            && found.insert(key.as_str())
        {
            pending.extend(references(def));
        }
    }
    found
}

/// The name `ty` refers to, when it is named; items of lists and maps go to `pending`.
fn named_in<'a>(ty: &'a TypeRef, pending: &mut Vec<&'a TypeRef>) -> Option<&'a str> {
    match ty {
        TypeRef::Named(name) => Some(name),
        TypeRef::List(item) | TypeRef::Map(item) => {
            pending.push(item);
            None
        }
        _ => None,
    }
}

/// The types a type definition refers to directly.
pub fn references(def: &TypeDef) -> Vec<&TypeRef> {
    match def {
        TypeDef::Struct(def) => def.fields.iter().map(|field| &field.ty).chain(def.additional.iter()).collect(),
        TypeDef::Alias(def) => vec![&def.ty],
        TypeDef::Union(def) => def.variants.iter().map(|variant| &variant.ty).collect(),
        TypeDef::Enum(_) => Vec::new(),
    }
}

/// The names of the types `defs` refer to that are defined elsewhere, sorted, for the file's
/// `use super::{...}`.
pub fn imports<'a>(defs: &[&'a TypeDef]) -> Vec<&'a str> {
    let here: BTreeSet<&str> = defs.iter().map(|def| def.name()).collect();
    let mut pending: Vec<&TypeRef> = defs.iter().flat_map(|def| references(def)).collect();
    let mut found = BTreeSet::new();
    while let Some(ty) = pending.pop() {
        if let Some(name) = named_in(ty, &mut pending)
            && !here.contains(name)
        {
            found.insert(name);
        }
    }
    found.into_iter().collect()
}
