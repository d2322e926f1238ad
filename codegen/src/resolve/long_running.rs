//! Long-running operations: the `x-long-running` mark of an operation, linked to the
//! operation that polls it and to the schema of its result.

use super::Resolver;
use super::model::{HttpMethod, LongRunning, Operation, ParamLocation, PathPart, TypeRef};
use super::operations::Marks;

impl Resolver<'_> {
    /// Links every operation marked `x-long-running` to its polling operation and result.
    pub(super) fn link_long_running(&mut self, operations: &mut [Operation], marks: &[Marks]) {
        for marked in marks {
            let Some(mark) = &marked.long_running else { continue };
            let id = &marked.operation_id;
            let place = format!("{}.x-long-running", marked.place);
            let Some(index) = operations.iter().position(|known| known.operation_id == *id) else { continue };
            // Every part is checked, so one run reports all that is wrong with the mark.
            let poll = self.poll_target(operations, &mark.poll, &format!("{place}.poll"));
            let result = self.component_type(&mark.result, &format!("{place}.result"));
            let metadata = mark.metadata.as_ref().map(|name| self.component_type(name, &format!("{place}.metadata")));
            let (Some(poll), Some(result), None | Some(Some(_))) = (poll, result, &metadata) else { continue };
            let metadata = metadata.flatten();
            if operations[index].success.ty.is_none() {
                self.invalid(place.clone(), "a long-running operation must answer with the operation as a JSON body");
                continue;
            }
            let resume = format!("resume_{}", operations[index].fn_name.trim_start_matches("r#"));
            if let Some(taken) = operations.iter().find(|other| other.fn_name == resume) {
                let message =
                    format!("the client's `{resume}` method resumes this operation, but `{}` has that name too", taken.operation_id);
                self.invalid(place.clone(), message);
                continue;
            }
            let result_type = mark.result_type.clone().unwrap_or_else(|| mark.result.clone());
            let metadata_type = mark.metadata.as_ref().map(|name| mark.metadata_type.clone().unwrap_or_else(|| name.clone()));
            operations[index].long_running = Some(LongRunning { result, result_type, metadata, metadata_type, ..poll });
        }
    }

    /// The polling operation named `poll`: a GET whose one argument is the operation's id.
    fn poll_target(&mut self, operations: &[Operation], poll: &str, place: &str) -> Option<LongRunning> {
        let Some(target) = operations.iter().find(|op| op.operation_id == poll) else {
            let suggestion = crate::suggest::did_you_mean(poll, operations.iter().map(|op| &op.operation_id));
            self.invalid(place, format!("`{poll}` is not the operationId of an operation of this spec{suggestion}"));
            return None;
        };
        let path_params: Vec<_> = target.params.iter().filter(|p| p.location == ParamLocation::Path).collect();
        let other_required = target.params.iter().any(|p| p.location != ParamLocation::Path && p.required);
        let shape = match target.path.as_slice() {
            [PathPart::Literal(before), PathPart::Param(0)] => Some((before.clone(), String::new())),
            [PathPart::Literal(before), PathPart::Param(0), PathPart::Literal(after)] => Some((before.clone(), after.clone())),
            _ => None,
        };
        let (Some((before, after)), [id_param], false, HttpMethod::Get, None) =
            (shape, path_params.as_slice(), other_required, target.method, &target.body)
        else {
            self.invalid(place, format!("`{poll}` cannot poll: it must be a GET whose only argument is the operation's id, in its path"));
            return None;
        };
        Some(LongRunning {
            poll_operation_id: target.operation_id.clone(),
            poll_path_template: target.path_template.clone(),
            poll_path_before: before,
            poll_id_param: id_param.wire_name.clone(),
            poll_path_after: after,
            poll_server: target.server.clone(),
            poll_security: target.security.clone(),
            result: TypeRef::Json,
            result_type: String::new(),
            metadata: None,
            metadata_type: None,
        })
    }

    /// The type of the component schema `name`.
    fn component_type(&mut self, name: &str, place: &str) -> Option<TypeRef> {
        if let Some(rust) = self.component_types.get(name) {
            return Some(TypeRef::Named(rust.clone()));
        }
        let suggestion = crate::suggest::did_you_mean(name, self.doc.components.schemas.keys());
        self.invalid(place, format!("`{name}` is not a schema of `components.schemas`{suggestion}"));
        None
    }
}
