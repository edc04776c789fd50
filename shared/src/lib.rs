//! cpguard-core: everything cpguard knows about a control plane, as pure functions.
//!
//! The policies, the CLI and the viewer are thin adapters over this crate. It does no I/O
//! and depends on no runtime, so it builds for native, `wasm32-wasip1` and
//! `wasm32-unknown-unknown` alike.

pub mod analyze;
pub mod calendar;
pub mod catalog;
pub mod checks;
pub mod cluster;
pub mod config;
pub mod coverage;
pub mod diagnostic;
pub mod escape;
pub mod format;
pub mod k8s;
pub mod metrics;
pub mod number;
pub mod recognise;
pub mod redact;
pub mod render;
pub mod report;
pub mod rules;
pub mod time;
pub mod vap;

pub use analyze::{
    analyze, analyze_with_progress, ClusterInput, InputError, Inputs, MetricsInput, Stage,
};
pub use catalog::{Check, Severity};
pub use config::Config;
pub use report::Report;
pub use rules::Violation;
