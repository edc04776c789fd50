//! Cluster exports: what `kubectl get ... -o yaml|json` produced, loaded into minimal views.

mod load;
pub mod policyreport;
pub mod report;

pub use load::{load, Loaded};

use crate::k8s::{
    ObjectMeta, PodTemplateSpec, Text, Webhook, WebhookConfiguration, Workload, WorkloadSpec,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// `status.nodeInfo` of a Node.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct NodeInfo {
    pub kubelet_version: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Status {
    pub node_info: Option<NodeInfo>,
}

/// `serverVersion` of `kubectl version -o json`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VersionInfo {
    pub git_version: Option<String>,
}

/// Any object of a dump: the union of the fields the cluster checks read. Secret `data` and
/// `stringData` are not among them; ConfigMap `data` is kept only for the ConfigMaps a check
/// reads and dropped for every other object at load time.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Object {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: ObjectMeta,
    pub spec: Option<WorkloadSpec>,
    pub template: Option<PodTemplateSpec>,
    pub webhooks: Option<Vec<Webhook>>,
    pub data: Option<BTreeMap<String, Text>>,
    pub status: Option<Status>,
    #[serde(rename = "type")]
    pub secret_type: Option<String>,
    /// The items of a `kind: List` (or any `*List`).
    pub items: Option<Vec<Object>>,
    /// Set when the document is `kubectl version -o json` output.
    pub server_version: Option<VersionInfo>,
    /// A PolicyReport's (or OpenReports Report's) audited resource.
    pub scope: Option<policyreport::ObjectReference>,
    /// A PolicyReport's results.
    pub results: Option<Vec<policyreport::ReportResult>>,
}

/// ConfigMaps whose data a check reads: (namespace, name).
pub const KEPT_CONFIGMAPS: &[(&str, &str)] = &[
    ("kube-system", "kube-proxy"),
    ("kube-system", "kube-proxy-config"),
    ("kube-system", "aws-auth"),
];

impl Object {
    pub fn kind(&self) -> &str {
        self.kind.as_deref().unwrap_or_default()
    }

    /// `Kind/namespace/name` (or `Kind/name` for cluster-scoped objects), as findings name it.
    pub fn reference(&self) -> String {
        let name = self.metadata.name.as_deref().unwrap_or("<unnamed>");
        match self.metadata.namespace.as_deref() {
            Some(ns) if !ns.is_empty() => format!("{}/{ns}/{name}", self.kind()),
            _ => format!("{}/{name}", self.kind()),
        }
    }

    /// The object as the sysctl rule reads it.
    pub fn as_workload(&self) -> Workload {
        Workload {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            metadata: self.metadata.clone(),
            spec: self.spec.clone(),
            template: self.template.clone(),
        }
    }

    /// The object as the webhook rule reads it.
    pub fn as_webhook_configuration(&self) -> WebhookConfiguration {
        WebhookConfiguration {
            api_version: self.api_version.clone(),
            kind: self.kind.clone(),
            metadata: self.metadata.clone(),
            webhooks: self.webhooks.clone(),
        }
    }
}
