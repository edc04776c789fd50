//! Cluster exports: what `kubectl get ... -o yaml|json` produced, loaded into minimal views.

pub mod eks;
mod load;
pub mod policyreport;
mod summary;

pub use eks::EksCluster;
pub use load::{decode_yaml, load, Loaded, MAX_FLOW_DEPTH};
pub use summary::{proxy_mode, summary};

use crate::k8s::{
    lenient, ObjectMeta, PodTemplateSpec, Text, Webhook, WebhookConfiguration, Workload,
    WorkloadSpec,
};
use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::fmt;

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
    /// A Pod's `status.reason` (`SysctlForbidden` when the kubelet rejected it).
    #[serde(deserialize_with = "lenient::text")]
    pub reason: Option<Text>,
    /// A Pod's `status.message`.
    #[serde(deserialize_with = "lenient::text")]
    pub message: Option<Text>,
}

/// `roleRef` of a ClusterRoleBinding or RoleBinding.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct RoleRef {
    #[serde(deserialize_with = "lenient::text")]
    pub kind: Option<Text>,
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<Text>,
}

/// One `subjects[]` entry of a binding.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Subject {
    #[serde(deserialize_with = "lenient::text")]
    pub kind: Option<Text>,
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<Text>,
    #[serde(deserialize_with = "lenient::text")]
    pub namespace: Option<Text>,
}

/// `serverVersion` of `kubectl version -o json`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VersionInfo {
    pub git_version: Option<String>,
}

/// Any object of a dump: the union of the fields the cluster checks read. `stringData` is not
/// among them (skipped unread); of `data`, only the values under [`READ_DATA_KEYS`] are decoded
/// (every other value, so every value of a Secret, is skipped unread by `IgnoredAny`), and even
/// those are dropped at load time unless the object is one of [`KEPT_CONFIGMAPS`].
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Object {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: ObjectMeta,
    pub spec: Option<WorkloadSpec>,
    pub template: Option<PodTemplateSpec>,
    pub webhooks: Option<Vec<Webhook>>,
    #[serde(deserialize_with = "read_data")]
    pub data: Option<BTreeMap<String, Text>>,
    pub status: Option<Box<Status>>,
    #[serde(rename = "type")]
    pub secret_type: Option<String>,
    /// A binding's role.
    #[serde(rename = "roleRef", deserialize_with = "lenient::map")]
    pub role_ref: Option<Box<RoleRef>>,
    /// A binding's subjects.
    #[serde(deserialize_with = "lenient::seq")]
    pub subjects: Option<Vec<Subject>>,
    /// The items of a `kind: List` (or any `*List`).
    pub items: Option<Vec<Object>>,
    /// Set when the document is `kubectl version -o json` output.
    pub server_version: Option<VersionInfo>,
    /// Set when the document is the EKS description (`aws eks describe-cluster`).
    #[serde(rename = "cluster")]
    pub eks: eks::MaybeEks,
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

/// The `data` keys a check reads: aws-auth's `mapRoles`, `mapUsers`, `mapAccounts`, and
/// kube-proxy's `config` / `config.conf`.
pub const READ_DATA_KEYS: &[&str] = &[
    "mapRoles",
    "mapUsers",
    "mapAccounts",
    "config",
    "config.conf",
];

/// `data`, keeping the scalar values of [`READ_DATA_KEYS`] and skipping everything else
/// unread. Never fails on the shape: a `data` that is no map (a ControllerRevision's is any
/// JSON) or a kept key that is no scalar is skipped, so it cannot cost the object.
fn read_data<'de, D: Deserializer<'de>>(d: D) -> Result<Option<BTreeMap<String, Text>>, D::Error> {
    struct Data;
    impl<'de> Visitor<'de> for Data {
        type Value = Option<BTreeMap<String, Text>>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a map")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = BTreeMap::new();
            while let Some(key) = map.next_key::<DataKey>()? {
                match key.0 {
                    Some(key) => {
                        if let Some(text) = map.next_value::<lenient::Scalar>()?.0 {
                            out.insert(key.to_owned(), text);
                        }
                    }
                    None => {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(Some(out))
        }
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
            IgnoredAny.visit_seq(seq).map(|_| None)
        }
        fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<Self::Value, D2::Error> {
            d.deserialize_any(Data)
        }
        lenient::scalars_give!(None);
    }
    d.deserialize_any(Data)
}

/// A `data` key: which of [`READ_DATA_KEYS`] it is, if any (no other key is kept).
struct DataKey(Option<&'static str>);

impl<'de> Deserialize<'de> for DataKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Key;
        impl Visitor<'_> for Key {
            type Value = DataKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<DataKey, E> {
                Ok(DataKey(READ_DATA_KEYS.iter().copied().find(|k| *k == v)))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<DataKey, E> {
                Ok(DataKey(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<DataKey, E> {
                Ok(DataKey(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<DataKey, E> {
                Ok(DataKey(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<DataKey, E> {
                Ok(DataKey(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<DataKey, E> {
                Ok(DataKey(None))
            }
        }
        d.deserialize_any(Key)
    }
}

/// Every object of an export is held at once: keep the view small (rare fields are boxed;
/// 544 bytes before issue 13 added bindings, owner references and Pod status words).
#[cfg(test)]
#[test]
fn an_object_stays_small() {
    assert!(
        std::mem::size_of::<Object>() <= 680,
        "{}",
        std::mem::size_of::<Object>()
    );
}

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

    /// A Node's kubelet version (`status.nodeInfo.kubeletVersion`).
    pub fn kubelet_version(&self) -> Option<&str> {
        (self.kind() == "Node")
            .then(|| {
                self.status
                    .as_ref()?
                    .node_info
                    .as_ref()?
                    .kubelet_version
                    .as_deref()
            })
            .flatten()
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
