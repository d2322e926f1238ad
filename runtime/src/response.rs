//! What came back besides the body: status, headers, request id and rate limits.

use std::ops::{Deref, DerefMut};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// A successful answer: the decoded body, with the status and headers it came with.
///
/// It dereferences to the body, so `answer.user.name` reads the body's fields; use
/// [`into_body`](Self::into_body) to take the body out.
///
/// ```
/// # fn show(answer: dbaas_runtime::Response<String>) {
/// println!("{} ({} left this hour)", *answer, answer.rate_limit().and_then(|l| l.remaining).unwrap_or(0));
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: u16,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    pub(crate) fn new(status: u16, headers: HeaderMap, body: T) -> Self {
        Self { status, headers, body }
    }

    /// An answer made by a test, with no header: what an app's fake of the client returns.
    #[cfg(feature = "test-util")]
    pub fn for_test(status: u16, body: T) -> Self {
        Self { status, headers: HeaderMap::new(), body }
    }

    /// The HTTP status (some 2xx).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The response headers (looked up case-insensitively).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of a response header, if it is present and is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }

    /// The server's id of the request, from `x-request-id` or `request-id`.
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }

    /// The rate-limit headers (`ratelimit-*` or `x-ratelimit-*`), when the server sent any.
    pub fn rate_limit(&self) -> Option<RateLimit> {
        RateLimit::of(&self.headers)
    }

    /// The body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// Takes the body out.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Turns the body into another value, keeping the status and headers.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response { status: self.status, headers: self.headers, body: f(self.body) }
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.body
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.body
    }
}

/// The rate-limit headers of an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// Requests allowed in the current window (`ratelimit-limit`).
    pub limit: Option<u64>,
    /// Requests left in the current window (`ratelimit-remaining`).
    pub remaining: Option<u64>,
    /// When the window resets, as a Unix time in seconds (`ratelimit-reset`).
    pub reset: Option<u64>,
}

impl RateLimit {
    fn of(headers: &HeaderMap) -> Option<Self> {
        let read = |name: &str| number(headers, name).or_else(|| number(headers, &format!("x-{name}")));
        let limit = Self { limit: read("ratelimit-limit"), remaining: read("ratelimit-remaining"), reset: read("ratelimit-reset") };
        (limit.limit.is_some() || limit.remaining.is_some() || limit.reset.is_some()).then_some(limit)
    }
}

fn number(headers: &HeaderMap, name: &str) -> Option<u64> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

/// The request id among `headers`.
pub(crate) fn request_id_of(headers: &HeaderMap) -> Option<&str> {
    ["x-request-id", "request-id", "x-correlation-id"].iter().find_map(|name| headers.get(*name).and_then(|value| value.to_str().ok()))
}

/// A `request_id` or `requestId` string in a JSON body, however deep.
pub(crate) fn request_id_in_body(body: &str) -> Option<&str> {
    ["\"request_id\"", "\"requestId\""].iter().find_map(|key| {
        let rest = body[body.find(key)? + key.len()..].trim_start().strip_prefix(':')?.trim_start().strip_prefix('"')?;
        let end = rest.find(['"', '\\'])?;
        Some(&rest[..end]).filter(|id| !id.is_empty())
    })
}

/// The wait `Retry-After` asks for at `now`: a number of seconds, or an HTTP date (a date
/// in the past asks for no wait). Computed without any arithmetic that can overflow: a server
/// may send any number.
pub(crate) fn retry_after_of(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?.timestamp();
    Some(seconds_until(u64::try_from(at).unwrap_or(0), now))
}

/// The wait until `ratelimit-reset` (a Unix time in seconds) when `ratelimit-remaining` is 0.
pub(crate) fn rate_limit_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let limit = RateLimit::of(headers)?;
    if limit.remaining != Some(0) {
        return None;
    }
    Some(seconds_until(limit.reset?, now))
}

/// The time from `now` until the Unix time `at`, in whole seconds; none for a time passed.
fn seconds_until(at: u64, now: SystemTime) -> Duration {
    let now = now.duration_since(UNIX_EPOCH).map_or(0, |since| since.as_secs());
    Duration::from_secs(at.saturating_sub(now))
}

/// The wait a server asks for before the next attempt: `Retry-After`, or else the end of an
/// exhausted rate-limit window.
pub(crate) fn asked_wait(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    retry_after_of(headers, now).or_else(|| rate_limit_wait(headers, now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn unix_now() -> i64 {
        i64::try_from(SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()).unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::now();
        assert_eq!(retry_after_of(&headers(&[("retry-after", "7")]), now), Some(Duration::from_secs(7)));
        assert_eq!(retry_after_of(&headers(&[("retry-after", "Wed, 21 Oct 2015 07:28:00 GMT")]), now), Some(Duration::ZERO));
        let later = chrono::DateTime::from_timestamp(unix_now() + 120, 0).unwrap();
        let wait = retry_after_of(&headers(&[("retry-after", &later.to_rfc2822())]), now).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120), "{wait:?}");
        assert_eq!(retry_after_of(&headers(&[("retry-after", "soon")]), now), None);
    }

    #[test]
    fn an_exhausted_rate_limit_waits_until_its_reset() {
        let reset = (unix_now() + 30).to_string();
        let now = SystemTime::now();
        let wait = rate_limit_wait(&headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", &reset)]), now).unwrap();
        assert!(wait > Duration::from_secs(25) && wait <= Duration::from_secs(30), "{wait:?}");
        assert_eq!(rate_limit_wait(&headers(&[("ratelimit-remaining", "3"), ("ratelimit-reset", &reset)]), now), None);
    }

    #[test]
    fn any_number_a_server_sends_gives_a_wait_without_overflow() {
        let now = SystemTime::now();
        for value in [
            "0",
            "-1",
            "18446744073709551615",
            "9223372036854775807",
            "1.5",
            "",
            "x",
            "Fri, 31 Dec 9999 23:59:59 GMT",
            "Thu, 01 Jan 1970 00:00:00 GMT",
            "Mon, 01 Jan 1900 00:00:00 GMT",
        ] {
            let asked = asked_wait(&headers(&[("retry-after", value), ("ratelimit-remaining", "0"), ("ratelimit-reset", value)]), now);
            assert!(asked.is_none_or(|wait| wait <= Duration::from_secs(u64::MAX)), "{value}");
        }
        let far = asked_wait(&headers(&[("ratelimit-remaining", "0"), ("ratelimit-reset", "18446744073709551615")]), now);
        assert!(far.is_some_and(|wait| wait > Duration::from_secs(1 << 60)));
    }

    #[test]
    fn request_ids_come_from_headers_or_bodies() {
        assert_eq!(request_id_of(&headers(&[("X-Request-Id", "abc")])), Some("abc"));
        assert_eq!(request_id_in_body(r#"{"id":"x","request_id": "r-1"}"#), Some("r-1"));
        assert_eq!(request_id_in_body(r#"{"details":[{"requestId":"r-2"}]}"#), Some("r-2"));
        assert_eq!(request_id_in_body(r#"{"id":"x"}"#), None);
    }
}
