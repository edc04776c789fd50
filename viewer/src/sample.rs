//! The project's own sample inputs (`shared/samples/`), embedded so "Try a sample" needs nothing.

pub const METRICS: &str = include_str!("../../shared/samples/apiserver.metrics");
pub const METRICS_LATER: &str = include_str!("../../shared/samples/apiserver-later.metrics");
pub const CLUSTER: &str = include_str!("../../shared/samples/cluster.yaml");
/// When the two sample dumps were taken: ten minutes apart (the CLI tests use the same times).
pub const METRICS_TAKEN_AT: &str = "2026-11-27T12:00:00Z";
pub const METRICS_LATER_TAKEN_AT: &str = "2026-11-27T12:10:00Z";
