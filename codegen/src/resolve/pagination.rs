//! Paginated operations: the `x-pagination` mark of an operation, checked against its
//! parameters and its answer's type.

use super::Resolver;
use super::model::{Operation, Pagination, ParamLocation, Presence, TypeDef, TypeRef};
use super::operations::Marks;

impl Resolver<'_> {
    /// Links every operation marked `x-pagination` to its token parameter and the fields of
    /// its answer.
    pub(super) fn link_pagination(&mut self, operations: &mut [Operation], marks: &[Marks]) {
        for marked in marks {
            let Some(mark) = &marked.pagination else { continue };
            let id = &marked.operation_id;
            let place = format!("{}.x-pagination", marked.place);
            let Some(operation) = operations.iter_mut().find(|known| known.operation_id == *id) else { continue };
            let token = operation.params.iter().find(|param| param.wire_name == mark.page_token);
            let page_token = match token {
                Some(param) if param.location == ParamLocation::Query && !param.required && param.ty == TypeRef::String => {
                    Some(param.name.clone())
                }
                Some(_) => {
                    self.invalid(
                        format!("{place}.pageToken"),
                        format!("`{}` must be an optional query parameter of type string", mark.page_token),
                    );
                    None
                }
                None => {
                    let suggestion = crate::suggest::did_you_mean(&mark.page_token, operation.params.iter().map(|param| &param.wire_name));
                    self.invalid(
                        format!("{place}.pageToken"),
                        format!("`{}` is not a parameter of the operation{suggestion}", mark.page_token),
                    );
                    None
                }
            };
            let answer = operation.success.ty.as_ref().and_then(|ty| match ty {
                TypeRef::Named(name) => match self.types.get(name) {
                    Some(TypeDef::Struct(def)) => Some(def.fields.clone()),
                    _ => None,
                },
                _ => None,
            });
            let Some(fields) = answer else {
                self.invalid(place, "a paginated operation must answer with an object of a component or inline type");
                continue;
            };
            let field = |wire: &str| fields.iter().find(|field| field.wire_name == wire);
            let optional = |presence: Presence| !matches!(presence, Presence::Required);
            let next = match field(&mark.next_page_token) {
                Some(found) if found.ty == TypeRef::String => Some((found.name.clone(), optional(found.presence))),
                _ => {
                    self.invalid(format!("{place}.nextPageToken"), format!("the answer has no string field `{}`", mark.next_page_token));
                    None
                }
            };
            let items = match field(&mark.items) {
                Some(found) => match &found.ty {
                    TypeRef::List(item) => Some((found.name.clone(), optional(found.presence), item.as_ref().clone())),
                    _ => None,
                },
                None => None,
            };
            if items.is_none() {
                self.invalid(format!("{place}.items"), format!("the answer has no list field `{}`", mark.items));
            }
            let (Some(page_token), Some((next_page_token, next_page_token_optional)), Some((items, items_optional, item))) =
                (page_token, next, items)
            else {
                continue;
            };
            operation.pagination = Some(Pagination { page_token, next_page_token, next_page_token_optional, items, items_optional, item });
        }
    }
}
