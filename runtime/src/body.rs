//! Reading an answer's body within a size limit.

use bytes::Bytes;
use reqwest::Response as HttpResponse;

/// Why a body could not be read.
pub(crate) enum ReadFailure {
    /// Larger than the limit; the size announced, if any.
    TooLarge(Option<u64>),
    /// The connection failed while reading.
    Transport(reqwest::Error),
}

/// Reads a body of at most `limit` bytes: an announced larger size is refused before
/// reading, and a body without one stops at the limit. With `truncate`, a longer body is
/// cut at the limit instead. Each byte is copied at most once (none, for a single chunk).
pub(crate) async fn read_body(mut response: HttpResponse, limit: u64, truncate: bool) -> Result<Bytes, ReadFailure> {
    let declared = response.content_length();
    if let Some(size) = declared.filter(|size| !truncate && *size > limit) {
        return Err(ReadFailure::TooLarge(Some(size)));
    }
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(ReadFailure::Transport)? {
        let held = first.as_ref().map_or(joined.len(), Bytes::len);
        if held + chunk.len() > limit {
            if !truncate {
                return Err(ReadFailure::TooLarge(declared));
            }
            let room = limit - held;
            if let Some(only) = first.take() {
                joined.extend_from_slice(&only);
            }
            joined.extend_from_slice(&chunk[..room]);
            return Ok(Bytes::from(joined));
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            None => joined.extend_from_slice(&chunk),
            Some(only) => {
                let capacity = declared.and_then(|size| usize::try_from(size).ok()).unwrap_or(0).min(limit).max(only.len() + chunk.len());
                joined = Vec::with_capacity(capacity);
                joined.extend_from_slice(&only);
                joined.extend_from_slice(&chunk);
            }
        }
    }
    Ok(first.unwrap_or_else(|| Bytes::from(joined)))
}
