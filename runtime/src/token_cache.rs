//! The token a client holds from its provider: kept while it is fresh, renewed once for all
//! the calls that find it stale, and renewed again when the server refuses it.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::HeaderValue;

use crate::settings::RetryPolicy;
use crate::token::{AccessToken, CredentialsError, REFRESH_MARGIN, TokenProvider};
use crate::{Secret, TokenFuture};

/// How long a failed refresh ahead of expiry is not tried again, while the token in hand is
/// still valid and is used meanwhile.
const EARLY_REFRESH_PAUSE: Duration = Duration::from_secs(5);

/// A token ready to send: the `Authorization` header, the token itself (for redaction), and
/// which refresh it came from (for [`TokenCache::refused`]).
#[derive(Clone)]
pub(crate) struct CurrentToken {
    pub header: HeaderValue,
    pub secret: Secret,
    pub generation: u64,
}

/// A token and its schedule.
struct Held {
    token: CurrentToken,
    /// When to get a new one: the expiry less the margin; `None` when it does not expire.
    refresh_at: Option<Instant>,
    /// When it lapses; `None` when it does not expire.
    expires_at: Option<Instant>,
    /// The server refused it: never sent again.
    refused: bool,
    /// A refresh ahead of expiry failed: not tried again before this time.
    paused_until: Option<Instant>,
}

impl Held {
    /// Whether the token is sent as it is.
    fn fresh(&self, now: Instant) -> bool {
        !self.refused
            && (self.refresh_at.is_none_or(|at| now < at) || self.paused_until.is_some_and(|until| now < until))
            && self.expires_at.is_none_or(|at| now < at)
    }

    /// Whether the token may still be sent, though it is due for a refresh.
    fn usable(&self, now: Instant) -> bool {
        !self.refused && self.expires_at.is_none_or(|at| now < at)
    }
}

/// The token of one provider, shared by every clone of a client.
pub(crate) struct TokenCache {
    provider: Arc<dyn TokenProvider>,
    held: Mutex<Option<Held>>,
    /// Held by the one call that refreshes; the others wait for it, then use its token.
    refreshing: tokio::sync::Mutex<u64>,
}

impl TokenCache {
    /// A cache of `provider`'s tokens, holding none yet.
    pub fn new(provider: Arc<dyn TokenProvider>) -> Self {
        Self { provider, held: Mutex::new(None), refreshing: tokio::sync::Mutex::new(0) }
    }

    fn held(&self) -> std::sync::MutexGuard<'_, Option<Held>> {
        self.held.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fresh(&self, now: Instant) -> Option<CurrentToken> {
        self.held().as_ref().filter(|held| held.fresh(now)).map(|held| held.token.clone())
    }

    /// The token to send, got from the provider first when the one in hand is stale; by
    /// `deadline` (the call's), or the error of the last try.
    pub async fn token(&self, deadline: Instant) -> Result<CurrentToken, CredentialsError> {
        if let Some(token) = self.fresh(Instant::now()) {
            return Ok(token);
        }
        let Ok(mut generations) = tokio::time::timeout_at(deadline.into(), self.refreshing.lock()).await else {
            return Err(self.out_of_time(None, 0));
        };
        // The call that held the lock may have refreshed it.
        let now = Instant::now();
        if let Some(token) = self.fresh(now) {
            return Ok(token);
        }
        let in_hand = self.held().as_ref().filter(|held| held.usable(now)).map(|held| held.token.clone());
        if let Some(in_hand) = in_hand {
            // Ahead of expiry: one try; the token in hand serves meanwhile when it fails.
            return Ok(match tokio::time::timeout_at(deadline.into(), self.provider.token()).await {
                Ok(Ok(token)) => self.keep(token, &mut generations)?,
                _ => {
                    if let Some(held) = self.held().as_mut() {
                        held.paused_until = Some(Instant::now() + EARLY_REFRESH_PAUSE);
                    }
                    in_hand
                }
            });
        }
        let token = self.refresh(deadline).await?;
        self.keep(token, &mut generations)
    }

    /// Asks the provider until it gives a token, it fails for good, or `deadline` passes.
    async fn refresh(&self, deadline: Instant) -> Result<AccessToken, CredentialsError> {
        let mut tries = 0;
        let mut last = None;
        loop {
            tries += 1;
            let asked: TokenFuture<'_> = self.provider.token();
            match tokio::time::timeout_at(deadline.into(), asked).await {
                Ok(Ok(token)) => return Ok(token),
                Ok(Err(error)) if !error.is_transient() => return Err(error),
                Ok(Err(error)) => last = Some(error),
                Err(_) => return Err(self.out_of_time(last, tries - 1)),
            }
            // The backoff of a call's retries, without their limit on attempts.
            let wait = RetryPolicy::default().backoff(tries + 1);
            if Instant::now() + wait >= deadline {
                return Err(self.out_of_time(last, tries));
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The error of a refresh that ran out of the call's time, after `failed` tries that
    /// failed, the `last` of them with that error.
    fn out_of_time(&self, last: Option<CredentialsError>, failed: u32) -> CredentialsError {
        match last {
            Some(error) => error.with_context(&format!("the call's time ran out after {failed} failed tries")),
            None => CredentialsError::transient(self.provider.name(), "no token came within the call's time limit"),
        }
    }

    /// Keeps `token` as the one to send, with its schedule.
    fn keep(&self, token: AccessToken, generations: &mut u64) -> Result<CurrentToken, CredentialsError> {
        let secret = token.secret().clone();
        let header = bearer_header(&secret).map_err(|problem| CredentialsError::new(self.provider.name(), problem))?;
        *generations += 1;
        let current = CurrentToken { header, secret, generation: *generations };
        let now = Instant::now();
        let (refresh_at, expires_at) = match token.expiry() {
            Some(expiry) => {
                let lifetime = expiry.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO);
                let margin = REFRESH_MARGIN.min(lifetime / 10);
                (now.checked_add(lifetime - margin), now.checked_add(lifetime))
            }
            None => (None, None),
        };
        *self.held() = Some(Held { token: current.clone(), refresh_at, expires_at, refused: false, paused_until: None });
        Ok(current)
    }

    /// The server answered `401` to a request that carried the token of `generation`: it is
    /// not sent again (unless a later refresh replaced it already).
    pub fn refused(&self, generation: u64) {
        if let Some(held) = self.held().as_mut().filter(|held| held.token.generation == generation) {
            held.refused = true;
        }
    }
}

/// `Bearer <token>`, marked sensitive; a token that cannot be a header value is refused.
pub(crate) fn bearer_header(token: &Secret) -> Result<HeaderValue, &'static str> {
    let text = token.expose();
    let refused = "it gave a token that is empty or is not visible ASCII (no spaces, line breaks, control or non-ASCII characters)";
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_graphic()) {
        return Err(refused);
    }
    let mut header = HeaderValue::from_str(&format!("Bearer {text}")).map_err(|_| refused)?;
    header.set_sensitive(true);
    Ok(header)
}

#[cfg(test)]
mod tests {
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    /// Gives its answers in turn, counting how often it is asked.
    struct Scripted {
        answers: Mutex<VecDeque<Result<AccessToken, CredentialsError>>>,
        asked: AtomicUsize,
    }

    impl TokenProvider for Scripted {
        fn token(&self) -> TokenFuture<'_> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            let answer = self.answers.lock().unwrap_or_else(PoisonError::into_inner).pop_front();
            Box::pin(async move { answer.unwrap_or_else(|| Err(CredentialsError::new("the script", "no answer left"))) })
        }
    }

    fn scripted(answers: Vec<Result<AccessToken, CredentialsError>>) -> (TokenCache, Arc<Scripted>) {
        let provider = Arc::new(Scripted { answers: Mutex::new(answers.into()), asked: AtomicUsize::new(0) });
        (TokenCache::new(Arc::clone(&provider) as Arc<dyn TokenProvider>), provider)
    }

    fn lasting(token: &str, lifetime: Duration) -> Result<AccessToken, CredentialsError> {
        Ok(AccessToken::new(token).expires_in(lifetime))
    }

    fn soon() -> Instant {
        Instant::now() + Duration::from_secs(2)
    }

    async fn token(cache: &TokenCache) -> String {
        match cache.token(soon()).await {
            Ok(token) => token.secret.expose().to_owned(),
            Err(error) => format!("error: {error}"),
        }
    }

    /// Moves the schedule of the token in hand: `due` from now to its refresh, `lapses` to its
    /// expiry (negative durations are in the past).
    fn reschedule(cache: &TokenCache, due: i64, lapses: i64) {
        let at = |millis: i64| {
            let now = Instant::now();
            let shift = Duration::from_millis(millis.unsigned_abs());
            if millis < 0 { now.checked_sub(shift).unwrap_or(now) } else { now + shift }
        };
        if let Some(held) = cache.held().as_mut() {
            held.refresh_at = Some(at(due));
            held.expires_at = Some(at(lapses));
        }
    }

    #[tokio::test]
    async fn a_token_is_kept_until_a_tenth_of_its_life_is_left() {
        let (cache, provider) = scripted(vec![lasting("first", Duration::from_secs(100)), lasting("second", Duration::from_secs(3600))]);
        assert_eq!(token(&cache).await, "first");
        let due = cache.held().as_ref().and_then(|held| held.refresh_at).map(|at| at.saturating_duration_since(Instant::now()));
        assert!(due.is_some_and(|due| due > Duration::from_secs(85) && due <= Duration::from_secs(90)), "{due:?}");
        assert_eq!(token(&cache).await, "first", "kept while fresh");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 1);
        reschedule(&cache, -1, 10_000);
        assert_eq!(token(&cache).await, "second", "within the margin it is replaced");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn the_margin_is_five_minutes_for_long_lived_tokens() {
        let (cache, _) = scripted(Vec::new());
        let mut generations = 0;
        let kept = cache.keep(AccessToken::new("long").expires_in(Duration::from_secs(12 * 3600)), &mut generations);
        assert!(kept.is_ok());
        let held = cache.held();
        let Some(held) = held.as_ref() else { panic!("no token kept") };
        let (Some(refresh_at), Some(expires_at)) = (held.refresh_at, held.expires_at) else { panic!("no schedule") };
        assert_eq!(expires_at - refresh_at, REFRESH_MARGIN);
    }

    #[tokio::test]
    async fn a_failed_refresh_ahead_of_expiry_keeps_the_token_in_hand() {
        let failure = Err(CredentialsError::transient("the script", "unavailable"));
        let (cache, provider) = scripted(vec![lasting("first", Duration::from_secs(3600)), failure]);
        assert_eq!(token(&cache).await, "first");
        reschedule(&cache, -1, 10_000);
        assert_eq!(token(&cache).await, "first", "still valid, and the refresh failed");
        assert_eq!(token(&cache).await, "first");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 2, "a failed early refresh is not tried at every call");
    }

    #[tokio::test]
    async fn a_refused_token_is_replaced_once_however_often_it_is_refused() {
        let (cache, provider) = scripted(vec![lasting("first", Duration::from_secs(3600)), lasting("second", Duration::from_secs(3600))]);
        let Ok(first) = cache.token(soon()).await else { panic!("no first token") };
        cache.refused(first.generation);
        assert_eq!(token(&cache).await, "second");
        cache.refused(first.generation);
        assert_eq!(token(&cache).await, "second", "a late refusal of the old token changes nothing");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_lasting_failure_is_given_at_once_and_a_bad_token_refused() {
        let (cache, provider) = scripted(vec![Err(CredentialsError::new("the script", "the key was revoked"))]);
        assert_eq!(token(&cache).await, "error: no token from the script: the key was revoked");
        assert_eq!(provider.asked.load(Ordering::SeqCst), 1);
        let (spaced, _) = scripted(vec![Ok(AccessToken::new("two words"))]);
        assert!(token(&spaced).await.contains("not visible ASCII"));
    }
}
