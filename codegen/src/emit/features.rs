//! The Cargo features of an API's tags. An API with them ([`Api::tag_features`]) compiles each
//! tag's operations, their test doubles and the types only they reach under the tag's own
//! feature, `MODULE-TAG`; the module's feature turns every tag on, and the module is compiled
//! when any of its tags is. An app that uses one tag of a large API compiles that tag alone.

use std::collections::{BTreeSet, HashMap};

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

use super::files::{self, TagFile};
use crate::resolve::model::{Api, Operation};

/// The Cargo features an API module contributes to the crate's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleFeatures {
    /// The module's feature, which is also the module's name.
    pub module: String,
    /// One feature per tag, in the order of the module's tag files; empty when the API's tags
    /// share the module's feature.
    pub tags: Vec<String>,
}

/// The features of `api`'s module.
pub fn module_features(api: &Api) -> ModuleFeatures {
    let tags = TagFeatures::of(api, &files::tag_files(api)).map(|features| features.tags).unwrap_or_default();
    ModuleFeatures { module: api.module.clone(), tags }
}

/// When an item of an API with tag features is compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Gate {
    /// Whenever the module is: what every tag, an untagged operation or the module itself uses.
    Always,
    /// With any of these tags, by index into the API's tag files.
    Tags(BTreeSet<usize>),
    /// With the module's own feature only: what no operation uses.
    Whole,
}

impl Gate {
    /// The gate of an item two items with these gates use: compiled whenever either is.
    #[must_use]
    pub fn union(self, other: &Gate) -> Gate {
        match (self, other) {
            (Gate::Always, _) | (_, Gate::Always) => Gate::Always,
            (Gate::Whole, other) => other.clone(),
            (gate, Gate::Whole) => gate,
            (Gate::Tags(mut tags), Gate::Tags(more)) => {
                tags.extend(more);
                Gate::Tags(tags)
            }
        }
    }
}

/// The tag features of an API that has them.
#[derive(Debug, Clone)]
pub struct TagFeatures {
    /// The module's feature.
    module: String,
    /// The feature of each tag file, by index.
    tags: Vec<String>,
    /// The index of each tag file, by tag.
    indices: HashMap<String, usize>,
}

impl TagFeatures {
    /// The tag features of `api`, whose tag files are `tags`; `None` when its tags share the
    /// module's feature.
    pub fn of(api: &Api, tags: &[TagFile<'_>]) -> Option<Self> {
        if !api.tag_features || tags.is_empty() {
            return None;
        }
        Some(Self {
            module: api.module.clone(),
            tags: tags.iter().map(|file| format!("{}-{}", api.module, file.module)).collect(),
            indices: tags.iter().enumerate().map(|(index, file)| (file.tag.clone(), index)).collect(),
        })
    }

    /// The feature of the tag file `index`.
    pub fn feature(&self, index: usize) -> &str {
        &self.tags[index]
    }

    /// The `#[cfg]` of the module: any of its tags.
    pub fn module_attr(&self) -> TokenStream {
        let tags = &self.tags;
        quote! { #[cfg(any(#(feature = #tags),*))] }
    }

    /// The `#[cfg]` of the tag file `index`.
    pub fn tag_attr(&self, index: usize) -> TokenStream {
        let tag = self.feature(index);
        quote! { #[cfg(feature = #tag)] }
    }

    /// The gate of `op`'s items.
    pub fn operation_gate(&self, op: &Operation) -> Gate {
        match op.tag.as_ref().and_then(|tag| self.indices.get(tag)) {
            Some(&index) => Gate::Tags(BTreeSet::from([index])),
            None => Gate::Always,
        }
    }

    /// The `#[cfg]` of what `gate` says, or `None` for what is compiled with the module.
    pub fn attr(&self, gate: &Gate) -> Option<TokenStream> {
        match gate {
            Gate::Always => None,
            Gate::Tags(tags) if tags.len() >= self.tags.len() => None,
            Gate::Tags(tags) if tags.len() == 1 => tags.first().map(|&index| self.tag_attr(index)),
            Gate::Tags(tags) => {
                let tags = tags.iter().map(|&index| &self.tags[index]);
                Some(quote! { #[cfg(any(#(feature = #tags),*))] })
            }
            Gate::Whole => {
                let module = &self.module;
                Some(quote! { #[cfg(feature = #module)] })
            }
        }
    }

    /// The gate of every named type of `api`: the tags whose operations reach it, unless an
    /// untagged operation or the module's `Error` does.
    pub fn type_gates<'a>(&self, api: &'a Api, tags: &[TagFile<'a>]) -> HashMap<&'a str, Gate> {
        let owners = files::owners(api, tags);
        let always = files::always_reached(api);
        api.types
            .keys()
            .map(|name| {
                let gate = match owners.get(name.as_str()) {
                    _ if always.contains(name.as_str()) => Gate::Always,
                    Some(tags) if !tags.is_empty() => Gate::Tags(tags.clone()),
                    _ => Gate::Whole,
                };
                (name.as_str(), gate)
            })
            .collect()
    }
}

/// `items` with `attr` (a `#[cfg]`) on each item, after its docs; `items` as they are without
/// one.
pub fn gated(attr: Option<&TokenStream>, items: TokenStream) -> TokenStream {
    let Some(attr) = attr else { return items };
    let tokens: Vec<TokenTree> = items.into_iter().collect();
    let mut out = TokenStream::new();
    let mut start = 0;
    while start < tokens.len() {
        let mut body = start;
        while is_doc_attr(&tokens[body..]) {
            body += 2;
        }
        let end = item_end(&tokens, body);
        out.extend(tokens[start..body].iter().cloned());
        out.extend(attr.clone());
        out.extend(tokens[body..end].iter().cloned());
        start = end;
    }
    out
}

/// Whether `tokens` start with a `#[doc = ...]` attribute.
fn is_doc_attr(tokens: &[TokenTree]) -> bool {
    match tokens {
        [TokenTree::Punct(pound), TokenTree::Group(group), ..] if pound.as_char() == '#' && group.delimiter() == Delimiter::Bracket => {
            matches!(group.stream().into_iter().next(), Some(TokenTree::Ident(name)) if name == "doc")
        }
        _ => false,
    }
}

/// Where the item that starts at `start` ends: after its `;`, or after its body in braces
/// (and the `;` of a `static` or `const` initialised with braces).
fn item_end(tokens: &[TokenTree], start: usize) -> usize {
    let mut at = start;
    while let Some(token) = tokens.get(at) {
        match token {
            TokenTree::Punct(punct) if punct.as_char() == ';' => return at + 1,
            TokenTree::Group(group) if group.delimiter() == Delimiter::Brace => {
                let semicolon = matches!(tokens.get(at + 1), Some(TokenTree::Punct(punct)) if punct.as_char() == ';');
                return at + 1 + usize::from(semicolon);
            }
            _ => at += 1,
        }
    }
    tokens.len()
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::gated;

    #[test]
    fn each_item_is_gated_after_its_docs() {
        let attr = quote! { #[cfg(feature = "a-b")] };
        let items = quote! {
            /// A.
            #[derive(Debug)]
            pub struct A { x: u8 }
            impl A { fn f() {} }
            static S: A = A { x: 1 };
            rt::string_enum!(E { X = "x" });
            pub type T = u8;
        };
        let expected = quote! {
            /// A.
            #[cfg(feature = "a-b")]
            #[derive(Debug)]
            pub struct A { x: u8 }
            #[cfg(feature = "a-b")]
            impl A { fn f() {} }
            #[cfg(feature = "a-b")]
            static S: A = A { x: 1 };
            #[cfg(feature = "a-b")]
            rt::string_enum!(E { X = "x" });
            #[cfg(feature = "a-b")]
            pub type T = u8;
        };
        assert_eq!(gated(Some(&attr), items.clone()).to_string(), expected.to_string());
        assert_eq!(gated(None, items.clone()).to_string(), items.to_string());
    }
}
