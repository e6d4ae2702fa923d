//! The stage's keys as the endpoint holds them: in memory only, fetched at
//! the first request (not before: a command that never asks costs no STS
//! call) and fetched anew, as renewed keys, once they hold less than
//! [`RENEW_BEFORE`]. One fetch at a time: requests that come together
//! share it.

use std::sync::Mutex;

use crate::aws::credentials::Credentials;
use crate::error::Result;
use crate::text::clock;

/// Keys that hold less than this are renewed before they are served: the
/// SDKs renew theirs 5 to 15 minutes ahead, and keys served now must
/// outlast that.
pub const RENEW_BEFORE: i64 = 15 * 60;

/// How keys are got: `false` may answer from a cache (the AWS CLI's),
/// `true` must assume the role again.
pub type Fetch = Box<dyn Fn(bool) -> Result<Credentials> + Send + Sync>;

pub struct Keys {
    fetch: Fetch,
    held: Mutex<Option<Credentials>>,
}

impl Keys {
    pub fn new(fetch: Fetch) -> Self {
        Keys {
            fetch,
            held: Mutex::new(None),
        }
    }

    /// Keys that hold at least `RENEW_BEFORE` more, or the freshest the
    /// source could give (it may hand out shorter ones: a role whose
    /// sessions last 15 minutes).
    pub fn current(&self) -> Result<Credentials> {
        let mut held = self
            .held
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let renew = match held.as_ref() {
            Some(keys) if keys.holds_for(RENEW_BEFORE, clock::now()) => return Ok(keys.clone()),
            Some(_) => true,
            None => false,
        };
        let keys = (self.fetch)(renew)?;
        *held = Some(keys.clone());
        Ok(keys)
    }
}

/// The SDKs' credential document: the ECS endpoint's field names
/// (`Token`, not STS's `SessionToken`), the expiry in RFC 3339 with `Z`,
/// which every SDK's parser takes.
pub fn document(keys: &Credentials) -> String {
    let mut json = serde_json::json!({
        "AccessKeyId": keys.access_key_id,
        "SecretAccessKey": keys.secret_access_key,
    });
    if let Some(token) = &keys.session_token {
        json["Token"] = token.as_str().into();
    }
    if let Some(at) = keys.expires_at() {
        json["Expiration"] = clock::format(at).into();
    }
    json.to_string()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn keys_expiring_in(seconds: i64, id: usize) -> Credentials {
        Credentials {
            access_key_id: format!("ASIA{id}"),
            secret_access_key: "secret".into(),
            session_token: Some("token".into()),
            expiration: Some(clock::format(clock::now() + seconds)),
        }
    }

    /// Keys of `lifetime` seconds, counting fetches and whether each was
    /// asked to renew.
    fn counting(lifetime: i64) -> (Keys, Arc<AtomicUsize>, Arc<Mutex<Vec<bool>>>) {
        let count = Arc::new(AtomicUsize::new(0));
        let renewals = Arc::new(Mutex::new(Vec::new()));
        let (c, r) = (count.clone(), renewals.clone());
        let keys = Keys::new(Box::new(move |renew| {
            r.lock().unwrap().push(renew);
            Ok(keys_expiring_in(lifetime, c.fetch_add(1, Ordering::SeqCst)))
        }));
        (keys, count, renewals)
    }

    #[test]
    fn keys_that_hold_are_fetched_once() {
        let (keys, count, renewals) = counting(3600);
        let first = keys.current().unwrap();
        let second = keys.current().unwrap();
        assert_eq!(first, second);
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert_eq!(*renewals.lock().unwrap(), [false]);
    }

    #[test]
    fn keys_close_to_expiry_are_renewed_not_taken_from_a_cache() {
        let (keys, count, renewals) = counting(RENEW_BEFORE - 60);
        let first = keys.current().unwrap();
        let second = keys.current().unwrap();
        assert_ne!(first.access_key_id, second.access_key_id);
        assert_eq!(count.load(Ordering::SeqCst), 2);
        assert_eq!(*renewals.lock().unwrap(), [false, true]);
    }

    #[test]
    fn a_failed_fetch_is_said_and_the_next_request_tries_again() {
        let tries = Arc::new(AtomicUsize::new(0));
        let t = tries.clone();
        let keys = Keys::new(Box::new(move |_| match t.fetch_add(1, Ordering::SeqCst) {
            0 => Err(crate::error::Failure::other("no network", "retry")),
            n => Ok(keys_expiring_in(3600, n)),
        }));
        assert!(keys.current().is_err());
        assert_eq!(keys.current().unwrap().access_key_id, "ASIA1");
    }

    /// Requests that come together (an SDK's retry beside the first try,
    /// several clients starting at once) wait for one fetch and share it.
    #[test]
    fn concurrent_requests_share_one_fetch() {
        let count = Arc::new(AtomicUsize::new(0));
        let c = count.clone();
        let keys = Arc::new(Keys::new(Box::new(move |_| {
            std::thread::sleep(std::time::Duration::from_millis(200));
            Ok(keys_expiring_in(3600, c.fetch_add(1, Ordering::SeqCst)))
        })));
        let askers: Vec<_> = (0..8)
            .map(|_| {
                let keys = keys.clone();
                std::thread::spawn(move || keys.current().unwrap().access_key_id)
            })
            .collect();
        let ids: Vec<String> = askers.into_iter().map(|t| t.join().unwrap()).collect();
        assert_eq!(count.load(Ordering::SeqCst), 1);
        assert!(ids.iter().all(|id| id == "ASIA0"), "{ids:?}");
    }

    #[test]
    fn the_document_has_the_ecs_names_and_a_z_expiry() {
        let keys = Credentials {
            access_key_id: "ASIAX".into(),
            secret_access_key: "s".into(),
            session_token: Some("t".into()),
            expiration: Some("2026-12-07T12:00:00+00:00".into()),
        };
        let json: serde_json::Value = serde_json::from_str(&document(&keys)).unwrap();
        assert_eq!(json["AccessKeyId"], "ASIAX");
        assert_eq!(json["SecretAccessKey"], "s");
        assert_eq!(json["Token"], "t");
        assert_eq!(json["Expiration"], "2026-12-07T12:00:00Z");
    }
}
