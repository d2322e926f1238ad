//! Which file each part of an API is written in. Operations go to a module file per tag
//! (their first tag), so a large API stays navigable. Types stay in one `types.rs` for an API
//! with one tag, or at most [`ONE_FILE_AT_MOST`] types; a larger one gets a `types/` folder
//! with a file per tag, holding the types only that tag's operations reach, and `shared.rs`
//! for the types several tags (or none) reach.

use std::collections::{BTreeSet, HashMap};

use super::rust::RUNTIME_ALIAS;

/// The modules an API module has besides its tag files.
const RESERVED_MODULES: &[&str] = &["types", "test_util"];
use crate::resolve::model::{Api, Operation, TypeDef, TypeRef, reachable};

/// The operations of one tag, written in a module file of their own.
#[derive(Debug, Clone)]
pub struct TagFile<'a> {
    /// The tag as the spec names it.
    pub tag: String,
    /// The module name, which is also the file's stem.
    pub module: String,
    /// Its operations, in spec order.
    pub ops: Vec<&'a Operation>,
}

/// The module of each tag, in the order tags first appear, with its operations: a module file
/// of its own each, so a large API stays navigable.
pub fn tag_files(api: &Api) -> Vec<TagFile<'_>> {
    let mut files: Vec<TagFile<'_>> = Vec::new();
    for op in &api.operations {
        let Some(tag) = &op.tag else { continue };
        match files.iter_mut().find(|file| file.tag == *tag) {
            Some(file) => file.ops.push(op),
            None => {
                let mut module = crate::names::snake(tag);
                // Tags named like the module's own files or its name for the runtime, or
                // alike, get a suffix.
                while RESERVED_MODULES.contains(&module.as_str())
                    || module == RUNTIME_ALIAS
                    || files.iter().any(|file| file.module == module)
                {
                    module.push_str("_ops");
                }
                files.push(TagFile { tag: tag.clone(), module, ops: vec![op] });
            }
        }
    }
    files
}

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

/// The files of the `types/` folder, or `None` when the API keeps one `types.rs`. `tags` are
/// the API's tag files, as the client's files are split; a type goes with its only tag, so both halves of a tag share a name.
pub fn split<'a>(api: &'a Api, tags: &[TagFile<'a>]) -> Option<Vec<TypeFile<'a>>> {
    if tags.len() < 2 || api.types.len() <= ONE_FILE_AT_MOST {
        return None;
    }
    let owners = owners(api, tags);
    // With a feature per tag, what the module compiles with every tag is shared.
    let always = if api.tag_features { always_reached(api) } else { BTreeSet::new() };
    let shared_module = free_name(SHARED, tags);
    let mut files: Vec<TypeFile<'a>> =
        tags.iter().map(|file| TypeFile { module: file.module.clone(), tag: Some(file.tag.clone()), types: Vec::new() }).collect();
    let mut shared = TypeFile { module: shared_module, tag: None, types: Vec::new() };
    for (name, def) in &api.types {
        let owner = owners.get(name.as_str()).filter(|tags| tags.len() == 1 && !always.contains(name.as_str()));
        match owner.and_then(BTreeSet::first) {
            Some(&only) => files[only].types.push(def),
            None => shared.types.push(def),
        }
    }
    files.retain(|file| !file.types.is_empty());
    if !shared.types.is_empty() {
        files.push(shared);
    }
    Some(files)
}

/// Which tag modules reach each type, by index into `tags`.
pub fn owners<'a>(api: &'a Api, tags: &[TagFile<'a>]) -> HashMap<&'a str, BTreeSet<usize>> {
    let mut owners: HashMap<&str, BTreeSet<usize>> = HashMap::new();
    for (index, file) in tags.iter().enumerate() {
        for name in reached(api, &file.ops) {
            owners.entry(name).or_default().insert(index);
        }
    }
    owners
}

/// The types the API module uses whatever its tags: those its untagged operations reach, and
/// its `Error`'s body.
pub fn always_reached(api: &Api) -> BTreeSet<&str> {
    let untagged: Vec<&Operation> = api.operations.iter().filter(|op| op.tag.is_none()).collect();
    let mut found = reached(api, &untagged);
    found.extend(reachable(&api.types, [&api.error_body]));
    found
}

/// `wanted`, or it with a suffix when a tag module already has that name.
fn free_name(wanted: &str, tags: &[TagFile<'_>]) -> String {
    let mut name = wanted.to_owned();
    while tags.iter().any(|file| file.module == name) {
        name.push_str("_types");
    }
    name
}

/// The types `op` names itself: its parameters', body's, answer's and errors', and its
/// long-running result's and metadata's.
pub fn operation_types(op: &Operation) -> impl Iterator<Item = &TypeRef> {
    let long_running = op.long_running.iter().flat_map(|long_running| std::iter::once(&long_running.result).chain(&long_running.metadata));
    op.params
        .iter()
        .map(|param| &param.ty)
        .chain(op.body.iter().map(|body| &body.ty))
        .chain(&op.success.ty)
        .chain([&op.error_body])
        .chain(long_running)
}

/// The named types `ops` reach through their parameters, bodies, answers and errors.
fn reached<'a>(api: &'a Api, ops: &[&'a Operation]) -> BTreeSet<&'a str> {
    reachable(&api.types, ops.iter().flat_map(|op| operation_types(op)))
}

/// The names of the types `defs` refer to that are defined elsewhere, sorted, for the file's
/// `use super::{...}`.
pub fn imports<'a>(defs: &[&'a TypeDef]) -> Vec<&'a str> {
    let here: BTreeSet<&str> = defs.iter().map(|def| def.name()).collect();
    let used: BTreeSet<&str> = defs.iter().flat_map(|def| def.references()).filter_map(TypeRef::named).collect();
    used.difference(&here).copied().collect()
}
