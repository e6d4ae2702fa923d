//! The container credential endpoint of `acct exec --serve` and `acct
//! serve`: an HTTP server on 127.0.0.1 that hands a stage's temporary keys
//! to whoever shows its token, as every AWS SDK asks for them with
//! `AWS_CONTAINER_CREDENTIALS_FULL_URI` and
//! `AWS_CONTAINER_AUTHORIZATION_TOKEN` (ECS's protocol), so a toolbox
//! container gets the stage's identity, renewed, with no key in its
//! environment or on its disk.
//!
//! - `token`: the per-run secret, compared in constant time.
//! - `http`: one request read, one answer written (no keep-alive).
//! - `keys`: the keys in memory, fetched on first use, renewed near expiry.
//! - `endpoint`: the listener, what each request gets.
//!
//! May import: `aws` (the keys' type), `error`, `text`; how keys are
//! fetched is handed in by the command, so the endpoint knows no stage.

pub mod endpoint;
mod http;
pub mod keys;
mod token;
