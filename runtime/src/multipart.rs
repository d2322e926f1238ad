//! Multipart bodies: the parts of a typed body, as its generated `MultipartBody` impl lists
//! them (binary fields as files, scalars as text, anything else as JSON). Each part is named
//! by a `form-data` disposition, whatever the multipart type, so a server tells the fields
//! apart as in a form.

use bytes::Bytes;
use serde::Serialize;

use super::ParamValue;

/// A request body sent as multipart parts.
#[doc(hidden)]
pub trait MultipartBody {
    /// Adds every field of the body, in the spec's order.
    fn parts(&self, parts: &mut Parts);
}

/// The parts of a multipart body being written.
#[doc(hidden)]
pub struct Parts {
    boundary: String,
    body: Vec<u8>,
}

impl Parts {
    pub(crate) fn new() -> Self {
        Self { boundary: format!("dbaas-clients-{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..)), body: Vec::new() }
    }

    fn head(&mut self, name: &str, filename: bool) {
        let name = name.replace('"', "%22");
        self.body.extend_from_slice(format!("--{}\r\nContent-Disposition: form-data; name=\"{name}\"", self.boundary).as_bytes());
        if filename {
            self.body.extend_from_slice(format!("; filename=\"{name}\"\r\nContent-Type: application/octet-stream").as_bytes());
        }
        self.body.extend_from_slice(b"\r\n\r\n");
    }

    /// Adds a text part for each value of a scalar field (none for `None`).
    pub fn text<T: TextPart + ?Sized>(&mut self, name: &str, value: &T) {
        value.add_to(self, name);
    }

    /// Adds a file part for each value of a binary field (none for `None`).
    pub fn file<T: FilePart + ?Sized>(&mut self, name: &str, value: &T) {
        value.add_to(self, name);
    }

    /// Adds a part holding the field's JSON (none for `null`).
    pub fn json<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) {
        match serde_json::to_vec(value) {
            Ok(json) if json != b"null" => {
                self.head(name, false);
                self.body.extend_from_slice(&json);
                self.body.extend_from_slice(b"\r\n");
            }
            _ => {}
        }
    }

    /// The finished body and its content type, `media_type` with the boundary.
    pub(crate) fn finish(mut self, media_type: &str) -> (Bytes, String) {
        self.body.extend_from_slice(format!("--{}--\r\n", self.boundary).as_bytes());
        (Bytes::from(self.body), format!("{media_type}; boundary={}", self.boundary))
    }
}

/// A field written as text parts.
#[doc(hidden)]
pub trait TextPart {
    /// Adds the field's parts.
    fn add_to(&self, parts: &mut Parts, name: &str);
}

impl<T: ParamValue> TextPart for T {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        parts.head(name, false);
        parts.body.extend_from_slice(self.param_text().as_bytes());
        parts.body.extend_from_slice(b"\r\n");
    }
}

impl<T: ParamValue> TextPart for Option<T> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        if let Some(value) = self {
            value.add_to(parts, name);
        }
    }
}

impl<T: ParamValue> TextPart for Vec<T> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        self.iter().for_each(|value| value.add_to(parts, name));
    }
}

impl<T: ParamValue> TextPart for Option<Vec<T>> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        if let Some(values) = self {
            values.add_to(parts, name);
        }
    }
}

/// A field written as file parts.
#[doc(hidden)]
pub trait FilePart {
    /// Adds the field's parts.
    fn add_to(&self, parts: &mut Parts, name: &str);
}

impl FilePart for Bytes {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        parts.head(name, true);
        parts.body.extend_from_slice(self);
        parts.body.extend_from_slice(b"\r\n");
    }
}

impl FilePart for Option<Bytes> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        if let Some(file) = self {
            file.add_to(parts, name);
        }
    }
}

impl FilePart for Vec<Bytes> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        self.iter().for_each(|file| file.add_to(parts, name));
    }
}

impl FilePart for Option<Vec<Bytes>> {
    fn add_to(&self, parts: &mut Parts, name: &str) {
        if let Some(files) = self {
            files.add_to(parts, name);
        }
    }
}
