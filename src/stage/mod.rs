//! A stage as a person enters it: its environment (what to set and remove,
//! computed in one place), the record that makes leaving exact
//! (`ACCT_RESTORE`), and the gate every entry passes, which proves that
//! every AWS client resolves the stage's profile as acct rendered it.
//!
//! May import: `config`, `aws`, `text`, `error`. Never `shell`, `console`
//! or `commands`: they are built on this.

pub mod entry;
pub mod environment;
pub mod gate;
pub mod record;
