//! The figures of the report's `metrics` section (computed by [`crate::metrics::summary`]).

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EtcdSize {
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub db_size_bytes: f64,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub quota_bytes: f64,
    pub source_metric: std::borrow::Cow<'static, str>,
    /// Whether `quota_bytes` came from the dump (`etcd_server_quota_backend_bytes`) or is the EKS default.
    pub quota_from_dump: bool,
}

/// Latency of one verb on one resource.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResourceLatency {
    pub verb: String,
    pub resource: String,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub count: f64,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p50: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p90: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p99: Option<f64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct VerbLatency {
    pub verb: String,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub count: f64,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p50: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p90: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p99: Option<f64>,
}

/// One admission webhook's latency (`apiserver_admission_webhook_admission_duration_seconds`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WebhookLatency {
    pub name: String,
    /// `validating` or `admit` (mutating), as the metric labels it.
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(with = "crate::number")]
    #[schemars(schema_with = "crate::number::schema")]
    pub count: f64,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p50: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p90: Option<f64>,
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub p99: Option<f64>,
    /// Its configured timeout when the cluster export has its configuration, else `None`.
    #[serde(default, with = "crate::number::option")]
    #[schemars(schema_with = "crate::number::option_schema")]
    pub timeout_seconds: Option<f64>,
}
