//! Formatting a file emitted in parts: each part is printed on its own (on any thread), then
//! the file's head, knowing what its parts use, and the texts are joined. prettyplease prints
//! a file's items one after another, each on lines of its own, and the items of an `impl`
//! block likewise, so the parts joined are the file printed whole.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::DocBlocks;
use crate::emit::{FileEmit, Part, Used, with_runtime_if};

/// One part printed: its text, with its doc comments written in, and the names it uses.
pub struct Printed {
    text: String,
    used: Used,
}

/// The block the client's methods are printed in.
fn client_block(items: &TokenStream) -> TokenStream {
    quote! { impl Client { #items } }
}

/// Prints one part as prettyplease prints it within the whole file.
///
/// # Errors
///
/// When the part's tokens are not Rust.
pub fn print_part(part: &Part<'_>) -> Result<Printed, syn::Error> {
    let blocks = DocBlocks::default();
    let (text, used) = match part {
        Part::Items(emit) => {
            let tokens = emit(&blocks);
            let used = Used::of(&tokens);
            (prettyplease::unparse(&syn::parse2(tokens)?), used)
        }
        Part::ClientItems(emit) => {
            let tokens = emit(&blocks);
            let used = Used::of(&tokens);
            let text = prettyplease::unparse(&syn::parse2(client_block(&tokens))?);
            // The block's opening and closing lines are printed once for every part of it.
            let body = text.split_once('\n').map_or("", |(_, rest)| rest);
            (body.strip_suffix("}\n").unwrap_or(body).to_owned(), used)
        }
    };
    Ok(Printed { text: blocks.write_in(&text), used })
}

/// The whole text of `file`, from its parts printed by [`print_part`], in order, after
/// `header`.
///
/// # Errors
///
/// When the head's tokens are not Rust.
pub fn join(header: &str, file: &FileEmit<'_>, printed: Vec<Printed>) -> Result<String, syn::Error> {
    let mut text = String::with_capacity(printed.iter().map(|part| part.text.len()).sum::<usize>() + 4096);
    if let Some(head) = &file.head {
        let used = printed.iter().fold(Used::default(), |used, part| used.and(part.used));
        let blocks = DocBlocks::default();
        let tokens = with_runtime_if(head(&blocks, used), used.runtime);
        text.push_str(&blocks.write_in(&prettyplease::unparse(&syn::parse2(tokens)?)));
    }
    let mut in_block = false;
    for (part, printed) in file.parts.iter().zip(printed) {
        let client_items = matches!(part, Part::ClientItems(_));
        if client_items && !in_block {
            text.push_str("impl Client {\n");
        } else if !client_items && in_block {
            text.push_str("}\n");
        }
        in_block = client_items;
        text.push_str(&printed.text);
    }
    if in_block {
        text.push_str("}\n");
    }
    Ok(crate::layout::with_blank_lines(header.to_owned(), &text))
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::{join, print_part};
    use crate::emit::docs::DocBlocks;
    use crate::emit::{Emit, FileEmit, Head, Part};

    fn method(name: &str) -> TokenStream {
        let name = quote::format_ident!("{name}");
        quote! {
            pub async fn #name(&self, id: &str) -> Result<rt::Response<types::User>, Error> {
                let request = rt::Request::new(&OPERATION).path("/users/").path_param("id", id).query_opt("view", options.view.as_ref());
                self.core.send_json(request).await
            }
        }
    }

    #[test]
    fn a_file_printed_in_parts_is_the_file_printed_whole() {
        let doc = |blocks: &DocBlocks, text: &str| blocks.attrs(&[text.to_owned(), String::new(), "More.".to_owned()]);
        let head: Head<'_> = Box::new(|blocks, used| {
            let docs = blocks.inner_attrs(&["The module.".to_owned()]);
            let types = used.types.then(|| quote! { use super::types; });
            quote! { #docs #types pub type Error = rt::Error<()>; }
        });
        let first: Emit<'_> = Box::new(move |blocks| {
            let (doc, get) = (doc(blocks, "Gets."), method("get"));
            quote! { #doc #get }
        });
        let second: Emit<'_> = Box::new(|_| method("list"));
        let rest: Emit<'_> = Box::new(move |blocks| {
            let doc = doc(blocks, "Options.");
            quote! { #doc #[derive(Debug)] pub struct Options { pub view: Option<String> } static OPERATION: rt::Operation = rt::Operation { id: "get" }; }
        });
        let file = FileEmit { head: Some(head), parts: vec![Part::ClientItems(first), Part::ClientItems(second), Part::Items(rest)] };
        let printed = file.parts.iter().map(|part| print_part(part).expect("Rust")).collect();
        let joined = join("// Header.\n\n", &file, printed).expect("Rust");

        let (get, list) = (method("get"), method("list"));
        let whole = quote! {
            #![doc = " The module."]
            use dbaas_runtime as rt;
            use super::types;
            pub type Error = rt::Error<()>;
            impl Client {
                #[doc = " Gets."]
                #[doc = ""]
                #[doc = " More."]
                #get
                #list
            }
            #[doc = " Options."]
            #[doc = ""]
            #[doc = " More."]
            #[derive(Debug)]
            pub struct Options { pub view: Option<String> }
            static OPERATION: rt::Operation = rt::Operation { id: "get" };
        };
        let printed_whole = prettyplease::unparse(&syn::parse2(whole).expect("Rust"));
        assert_eq!(joined, format!("// Header.\n\n{}", crate::layout::with_blank_lines(String::new(), &printed_whole)));
    }
}
