//! Formatting a file emitted in parts: each part is printed on its own (on any thread), then
//! the file's head, knowing what its parts use, and the texts are joined. prettyplease prints
//! a file's items one after another, each on lines of its own, and the items of an `impl`
//! block likewise, so the parts joined are the file printed whole.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs::DocBlocks;
use crate::emit::{FileEmit, Part, Used, with_runtime_if};
use crate::layout::Spacer;

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

/// The text of a generated file, in the pieces it was joined from: a large file is held once,
/// in pieces of the size of its parts, and written or compared piece by piece.
#[derive(Debug, Default)]
pub struct FileText {
    pieces: Vec<String>,
}

impl FileText {
    /// The length of the text, in bytes.
    pub fn len(&self) -> usize {
        self.pieces.iter().map(String::len).sum()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.pieces.iter().all(String::is_empty)
    }

    /// The pieces of the text, in order.
    pub fn pieces(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().map(String::as_str)
    }

    /// The text in one string.
    pub fn into_string(self) -> String {
        self.pieces.concat()
    }
}

impl From<String> for FileText {
    fn from(text: String) -> Self {
        Self { pieces: vec![text] }
    }
}

/// A file being joined from its parts as they are printed, in order: each part is spaced and
/// kept as it comes, so a large file is held once, not as parts and text both. The head,
/// which depends on what the parts use, is put in front at the end.
pub struct Joining<'f, 'e> {
    file: &'f FileEmit<'e>,
    /// How many parts were written.
    written: usize,
    /// The parts' text, with blank lines.
    body: Vec<String>,
    /// The first line of the body, to space it after the head.
    first_line: Option<String>,
    spacer: Spacer,
    /// The names the parts written use.
    used: Used,
    /// Whether the last part written is inside the `impl Client` block.
    in_block: bool,
}

impl<'f, 'e> Joining<'f, 'e> {
    /// The joining of `file`, no part written yet.
    pub fn new(file: &'f FileEmit<'e>) -> Self {
        Self { file, written: 0, body: Vec::new(), first_line: None, spacer: Spacer::default(), used: Used::default(), in_block: false }
    }

    /// Whether every part of the file is written.
    pub fn is_whole(&self) -> bool {
        self.written == self.file.parts.len()
    }

    /// Writes the next part of the file.
    pub fn push(&mut self, printed: Printed) {
        let client_items = self.file.parts.get(self.written).is_some_and(|part| matches!(part, Part::ClientItems(_)));
        if client_items && !self.in_block {
            self.write("impl Client {\n");
        } else if !client_items && self.in_block {
            self.write("}\n");
        }
        self.in_block = client_items;
        self.write(&printed.text);
        self.used = self.used.and(printed.used);
        self.written += 1;
    }

    fn write(&mut self, text: &str) {
        if self.first_line.is_none() {
            self.first_line = text.lines().next().map(str::to_owned);
        }
        let mut piece = String::new();
        self.spacer.push(&mut piece, text);
        self.body.push(piece);
    }

    /// The whole text of the file after `header`: the head, then the parts.
    ///
    /// # Errors
    ///
    /// When the head's tokens are not Rust.
    pub fn finish(mut self, header: &str) -> Result<FileText, syn::Error> {
        if self.in_block {
            self.write("}\n");
        }
        let mut front = header.to_owned();
        if let Some(head) = &self.file.head {
            let blocks = DocBlocks::default();
            let tokens = with_runtime_if(head(&blocks, self.used), self.used.runtime);
            let mut spacer = Spacer::default();
            spacer.push(&mut front, &blocks.write_in(&prettyplease::unparse(&syn::parse2(tokens)?)));
            if spacer.needs_blank_before(self.first_line.as_deref().unwrap_or_default()) {
                front.push('\n');
            }
        }
        self.body.insert(0, front);
        Ok(FileText { pieces: self.body })
    }
}

#[cfg(test)]
mod tests {
    use proc_macro2::TokenStream;
    use quote::quote;

    use super::{FileText, Joining, Printed, print_part};
    use crate::emit::docs::DocBlocks;
    use crate::emit::{Emit, FileEmit, Head, Part};

    /// The whole text of `file`, from its parts printed by [`print_part`], in order, after
    /// `header`.
    fn join(header: &str, file: &FileEmit<'_>, printed: Vec<Printed>) -> Result<String, syn::Error> {
        let mut joining = Joining::new(file);
        for part in printed {
            joining.push(part);
        }
        joining.finish(header).map(FileText::into_string)
    }

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
        assert_eq!(joined, format!("// Header.\n\n{}", crate::layout::with_blank_lines(&printed_whole)));
    }
}
