//! A stage as a person enters it: its environment (what to set and remove,
//! computed in one place), the record that makes leaving exact
//! (`ACCT_RESTORE`), the gate every entry passes, which proves that every
//! AWS client resolves the stage's profile as acct rendered it, and
//! `entry`, the one place that makes the environment a process gets from
//! acct (a command in a stage, or acct's own call of the AWS CLI).
//!
//! May import: `config`, `aws`, `text`, `error`. Never `shell`, `console`
//! or `commands`: they are built on this.

pub mod entry;
pub mod environment;
pub mod expiry;
pub mod gate;
pub mod lifetime;
pub mod record;
