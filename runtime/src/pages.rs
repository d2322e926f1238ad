//! Lists over every page: the items of every page of a paginated operation, as one stream.
//! Each page is a call of its own, with the client's retries and deadline.

use std::collections::{HashSet, VecDeque};
use std::future::Future;

pub use futures_core::Stream;

use crate::Error;

/// One page of a list: its items, and the token of the next page (absent or empty on the
/// last one).
#[derive(Debug, Clone, PartialEq)]
pub struct Page<I> {
    /// The items of this page.
    pub items: Vec<I>,
    /// The token that asks for the next page.
    pub next_page_token: Option<String>,
}

/// What the stream of [`pages`] holds between two items.
struct State<I, E, F> {
    fetch: F,
    /// The token of the next page to ask for (`None` inside for the first page without a
    /// token); `None` once there is no page left.
    next: Option<Option<String>>,
    /// Every token asked for so far.
    seen: HashSet<String>,
    /// The items of the last page not yet given.
    buffered: VecDeque<I>,
    /// An error to give once the buffered items are given.
    pending: Option<Error<E>>,
    /// How many pages were read.
    pages: usize,
}

/// The items of every page, first the page `first_token` asks for (the first page without
/// one), each page read by `fetch`. The stream ends after the last page (no token, or an
/// empty one), and after an error: a failed page, or a token the server gave before, which
/// would go round forever ([`Error::RepeatedPageToken`]).
pub fn pages<I, E, F, Fut>(first_token: Option<String>, fetch: F) -> impl Stream<Item = Result<I, Error<E>>>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<Page<I>, Error<E>>>,
{
    let seen = first_token.iter().cloned().collect();
    let state = State { fetch, next: Some(first_token), seen, buffered: VecDeque::new(), pending: None, pages: 0 };
    futures_util::stream::unfold(state, |mut state| async move {
        loop {
            if let Some(item) = state.buffered.pop_front() {
                return Some((Ok(item), state));
            }
            if let Some(error) = state.pending.take() {
                return Some((Err(error), state));
            }
            let token = state.next.take()?;
            match (state.fetch)(token).await {
                Err(error) => return Some((Err(error), state)),
                Ok(page) => {
                    state.pages += 1;
                    state.buffered.extend(page.items);
                    if let Some(token) = page.next_page_token.filter(|token| !token.is_empty()) {
                        if state.seen.insert(token.clone()) {
                            state.next = Some(Some(token));
                        } else {
                            state.pending = Some(Error::RepeatedPageToken { page: state.pages });
                        }
                    }
                }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures_util::StreamExt;

    async fn all(tokens: &'static [(&'static str, &'static str)]) -> Vec<Result<u32, String>> {
        let stream = pages::<u32, (), _, _>(None, |token| async move {
            let at = tokens.iter().position(|(asked, _)| *asked == token.as_deref().unwrap_or("")).unwrap_or(0);
            let next = tokens[at].1;
            Ok(Page { items: vec![u32::try_from(at).unwrap_or(0)], next_page_token: (!next.is_empty()).then(|| next.to_owned()) })
        });
        stream.map(|item| item.map_err(|error| error.to_string())).collect().await
    }

    #[tokio::test]
    async fn every_page_is_read_until_the_token_runs_out() {
        assert_eq!(all(&[("", "b"), ("b", "c"), ("c", "")]).await, vec![Ok(0), Ok(1), Ok(2)]);
    }

    #[tokio::test]
    async fn a_token_given_again_ends_the_stream_with_an_error() {
        let items = all(&[("", "b"), ("b", "b")]).await;
        assert_eq!(items[..2], [Ok(0), Ok(1)]);
        assert_eq!(items.len(), 3);
        assert!(items[2].as_ref().is_err_and(|error| error.contains("page 2")), "{items:?}");
    }
}
