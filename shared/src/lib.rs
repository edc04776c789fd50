//! cpguard-core: everything cpguard knows about a control plane, as pure functions.
//!
//! The policies, the CLI and the viewer are thin adapters over this crate. It does no I/O
//! and depends on no runtime, so it builds for native, `wasm32-wasip1` and
//! `wasm32-unknown-unknown` alike.

pub mod checks;
pub mod k8s;
pub mod metrics;
pub mod rules;

pub use checks::{Check, Severity};
pub use rules::Violation;
