//! `min_session_left`: how long the MFA session (or the Identity Center
//! token) must still hold when `exec`, `shell` or `exec --each` starts a
//! command. Written like `mfa_session_duration`; less than the session.

use super::super::Walker;
use super::TopLevel;
use crate::config::MfaSession;
use crate::text::clock;

/// When not written: 30 minutes, or half the session when that is shorter
/// (a 15-minute session would otherwise be renewed at every start).
const DEFAULT: u32 = 30 * 60;

impl Walker {
    /// The written value in seconds; `None` when not written or refused.
    pub(super) fn min_session_left(
        &mut self,
        top: &TopLevel<'_, '_>,
        mfa_session_duration: Option<u32>,
    ) -> Option<u32> {
        let w = top.min_session_left.as_ref()?;
        let Some(seconds) = clock::parse_duration(&w.value) else {
            self.error(
                w.span.clone(),
                format!("min_session_left {:?} is not a duration", w.value),
                "write it like \"30m\", \"1h\" or \"1h30m\" (\"0m\" turns the check off)",
            );
            return None;
        };
        let session_on = matches!(top.mfa_session, Some((true, _))) && top.mfa_serial.is_some();
        // A duration written but refused has its own error already.
        let duration = match (&top.mfa_session_duration, mfa_session_duration) {
            (Some(_), None) => None,
            (_, written) => Some(written.unwrap_or(MfaSession::DEFAULT_DURATION)),
        };
        if let (true, Some(duration)) = (session_on, duration.filter(|d| seconds >= *d)) {
            self.error(
                w.span.clone(),
                format!(
                    "min_session_left {:?} is not less than the MFA session's {}: every start would ask for a new code",
                    w.value,
                    clock::human(i64::from(duration))
                ),
                "make min_session_left shorter than mfa_session_duration, e.g. \"30m\"",
            );
            return None;
        }
        Some(seconds)
    }
}

/// What the config holds: the written value, else the default.
pub(super) fn effective(written: Option<u32>, session: Option<&MfaSession>) -> u32 {
    written.unwrap_or_else(|| match session {
        Some(session) => DEFAULT.min(session.duration / 2),
        None => DEFAULT,
    })
}
