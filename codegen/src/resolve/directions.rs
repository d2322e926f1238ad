//! Which way each named type travels: sent in requests, received in answers, or both. A
//! `readOnly` property is set by the server and a `writeOnly` one never comes back (OpenAPI
//! 3.0), so a type that only travels one way leaves the other way's properties out, and a type
//! that travels both ways never sends the first or reads the second.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::model::{Operation, TypeDef, TypeRef};

/// The ways a named type travels.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Travel {
    /// In a request: a body, or a parameter.
    pub sent: bool,
    /// In an answer: a body (success or error), or a long-running operation's result or
    /// metadata.
    pub received: bool,
}

/// The ways each named type reachable from an operation travels; a type no operation reaches
/// is absent.
pub fn travels(types: &IndexMap<String, TypeDef>, operations: &[Operation]) -> HashMap<String, Travel> {
    let mut found: HashMap<String, Travel> = HashMap::new();
    for op in operations {
        let sent = op.params.iter().map(|param| &param.ty).chain(op.body.as_ref().map(|body| &body.ty));
        for ty in sent {
            reach(types, ty, true, &mut found);
        }
        let long_running = op.long_running.iter().flat_map(|long_running| [Some(&long_running.result), long_running.metadata.as_ref()]);
        let received = op.success.ty.iter().chain([&op.error_body]).chain(long_running.flatten());
        for ty in received {
            reach(types, ty, false, &mut found);
        }
    }
    found
}

/// Marks every named type `ty` reaches as sent (or received), through the properties that
/// travel that way.
fn reach(types: &IndexMap<String, TypeDef>, ty: &TypeRef, sent: bool, found: &mut HashMap<String, Travel>) {
    let mut stack = vec![ty];
    while let Some(ty) = stack.pop() {
        let Some(name) = ty.named() else { continue };
        let travel = found.entry(name.to_owned()).or_default();
        let seen = if sent { &mut travel.sent } else { &mut travel.received };
        if std::mem::replace(seen, true) {
            continue;
        }
        match types.get(name) {
            Some(TypeDef::Struct(def)) => {
                let travelling = def.fields.iter().filter(|field| if sent { !field.docs.read_only } else { !field.docs.write_only });
                stack.extend(travelling.map(|field| &field.ty).chain(def.additional.as_ref()));
            }
            Some(other) => stack.extend(other.references()),
            None => {}
        }
    }
}

/// Leaves out of each struct the properties that never travel the way it does, and marks those
/// of a struct that travels both ways.
pub fn apply(types: &mut IndexMap<String, TypeDef>, travels: &HashMap<String, Travel>) {
    for (name, def) in types.iter_mut() {
        let TypeDef::Struct(def) = def else { continue };
        // A type no operation reaches may travel either way.
        let Travel { sent, received } = travels.get(name).copied().unwrap_or(Travel { sent: true, received: true });
        // A read-only property travels only in answers, a write-only one only in requests.
        def.fields.retain(|field| (!field.docs.read_only || received) && (!field.docs.write_only || sent));
        for field in &mut def.fields {
            field.never_sent = field.docs.read_only && sent;
            field.never_read = field.docs.write_only && received;
        }
    }
}
