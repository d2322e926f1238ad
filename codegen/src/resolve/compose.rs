//! `allOf`: every member applies, so a schema with `allOf` is the merge of its members (and of
//! its own keywords): properties and `required` are unioned, and a real conflict, two types
//! that no value can have at once, is reported.

use super::Resolver;
use crate::load::Schema;

/// How deep `allOf` members that are themselves merges are followed.
const MAX_DEPTH: usize = 16;

impl Resolver<'_> {
    /// The schema `schema` stands for once its `allOf` is merged; `None` when a member cannot
    /// be read (reported). A lone `$ref` member with nothing beside it stays a `$ref`, so the
    /// type keeps its name.
    pub(super) fn merged_all_of(&mut self, schema: &Schema, place: &str) -> Option<Schema> {
        self.merge(schema, place, 0)
    }

    fn merge(&mut self, schema: &Schema, place: &str, depth: usize) -> Option<Schema> {
        let Some(members) = &schema.rare().all_of else { return Some(schema.clone()) };
        let mut own = schema.clone();
        own.rare_mut().all_of = None;
        if let [only] = members.as_slice()
            && only.reference.is_some()
            && own == Schema::default()
        {
            return Some(only.clone());
        }
        let mut merged = Schema::default();
        for (index, member) in members.iter().enumerate() {
            let member_place = format!("{place}.allOf[{index}]");
            let member = match &member.reference {
                Some(reference) => {
                    let doc = self.doc;
                    let (_, target) = self.follow(reference, "schemas", &doc.components.schemas, &member_place)?;
                    target.clone()
                }
                None => member.clone(),
            };
            let member =
                if member.rare().all_of.is_some() && depth < MAX_DEPTH { self.merge(&member, &member_place, depth + 1)? } else { member };
            self.merge_into(&mut merged, member, &member_place);
        }
        self.merge_into(&mut merged, own, place);
        Some(merged)
    }

    /// Adds `member`'s keywords to `merged`: properties and `required` unioned, a keyword
    /// `merged` lacks taken from `member`, and the descriptive ones (title, description,
    /// example) taken from the last member that has them, which is the schema itself.
    fn merge_into(&mut self, merged: &mut Schema, mut member: Schema, place: &str) {
        if let (Some(kind), Some(other)) = (merged.kind, member.kind)
            && kind != other
        {
            self.invalid(place, format!("the members of `allOf` disagree on the type ({kind:?} and {other:?}): no value can be both"));
        }
        merged.kind = merged.kind.or(member.kind);
        let (rare, limits) = (member.take_rare(), member.take_limits());
        for name in member.required {
            if !merged.required.contains(&name) {
                merged.required.push(name);
            }
        }
        if let Some(properties) = member.properties {
            let target = merged.properties.get_or_insert_with(Default::default);
            for (name, property) in *properties {
                match target.get(&name) {
                    Some(existing) if existing.kind.is_some() && property.kind.is_some() && existing.kind != property.kind => {
                        let message =
                            format!("property `{name}` has one type in a member of `allOf` and another here: no value can be both");
                        self.invalid(format!("{place}.properties.{name}"), message);
                    }
                    _ => {
                        target.insert(name, property);
                    }
                }
            }
        }
        macro_rules! fill {
            ($target:expr, $source:expr, $($field:ident),*) => { $( if $target.$field.is_none() { $target.$field = $source.$field; } )* };
        }
        macro_rules! last {
            ($target:expr, $source:expr, $($field:ident),*) => { $( if $source.$field.is_some() { $target.$field = $source.$field; } )* };
        }
        fill!(merged, member, format, items, enumeration, default);
        last!(merged, member, description, example);
        let target = merged.rare_mut();
        fill!(target, rare, additional_properties, one_of, any_of, not, discriminator, field_mask);
        last!(target, rare, title, external_docs);
        target.field_mask_nested |= rare.field_mask_nested;
        let target = merged.limits_mut();
        fill!(target, limits, min_length, max_length, pattern, min_items, max_items);
        fill!(target, limits, minimum, maximum, multiple_of, min_properties, max_properties);
        target.unique_items |= limits.unique_items;
        target.exclusive_minimum |= limits.exclusive_minimum;
        target.exclusive_maximum |= limits.exclusive_maximum;
        merged.nullable |= member.nullable;
        merged.read_only |= member.read_only;
        merged.write_only |= member.write_only;
        merged.deprecated |= member.deprecated;
        merged.secret |= member.secret;
    }
}
