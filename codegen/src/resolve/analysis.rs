//! Facts about the named types that need the whole set of them: which fields must be boxed,
//! which structs can derive `Default`.

use std::collections::HashSet;

use indexmap::IndexMap;

use super::model::{Presence, TypeDef, TypeRef, through_aliases};

/// The named type a value of `ty` holds inline (not behind a `Vec` or map), following aliases.
fn inline_named<'t>(types: &'t IndexMap<String, TypeDef>, ty: &'t TypeRef) -> Option<&'t str> {
    match through_aliases(types, ty) {
        TypeRef::Named(name) => Some(name),
        _ => None,
    }
}

/// Whether a value of struct `from` holds a value of struct `to` inline, at any depth.
fn holds_inline(types: &IndexMap<String, TypeDef>, from: &str, to: &str) -> bool {
    let mut stack = vec![from];
    let mut seen = HashSet::new();
    while let Some(name) = stack.pop() {
        if name == to {
            return true;
        }
        if !seen.insert(name) {
            continue;
        }
        if let Some(TypeDef::Struct(def)) = types.get(name) {
            stack.extend(def.fields.iter().filter(|f| !f.boxed).filter_map(|f| inline_named(types, &f.ty)));
        }
    }
    false
}

/// Boxes every field through which a struct would contain itself, so the type has a size.
pub fn mark_boxed_fields(types: &mut IndexMap<String, TypeDef>) {
    let names: Vec<String> = types.keys().cloned().collect();
    for name in names {
        let field_count = match types.get(&name) {
            Some(TypeDef::Struct(def)) => def.fields.len(),
            _ => continue,
        };
        for index in 0..field_count {
            let recursive = match types.get(&name) {
                Some(TypeDef::Struct(def)) => {
                    inline_named(types, &def.fields[index].ty).is_some_and(|target| holds_inline(types, target, &name))
                }
                _ => false,
            };
            if recursive && let Some(TypeDef::Struct(def)) = types.get_mut(&name) {
                def.fields[index].boxed = true;
            }
        }
    }
}

/// Marks the structs whose every field has a default value, so they can derive `Default`.
pub fn mark_default_structs(types: &mut IndexMap<String, TypeDef>) {
    let mut defaults: HashSet<String> = HashSet::new();
    loop {
        let before = defaults.len();
        for (name, def) in types.iter() {
            if let TypeDef::Struct(def) = def
                && (def.mask.is_some()
                    || def.fields.iter().all(|f| f.presence != Presence::Required || has_default(types, &defaults, &f.ty)))
            {
                defaults.insert(name.clone());
            }
        }
        if defaults.len() == before {
            break;
        }
    }
    for (name, def) in types.iter_mut() {
        if let TypeDef::Struct(def) = def {
            def.derives_default = defaults.contains(name);
        }
    }
}

fn has_default(types: &IndexMap<String, TypeDef>, defaults: &HashSet<String>, ty: &TypeRef) -> bool {
    match through_aliases(types, ty) {
        TypeRef::Named(name) => matches!(types.get(name), Some(TypeDef::Struct(_))) && defaults.contains(name),
        _ => true,
    }
}
