//! Minimal serde views of the Kubernetes objects cpguard reads.
//!
//! Only the fields a rule reads are declared; unknown fields are ignored and every field is
//! optional, so objects of any Kubernetes version (and hand-written YAML) load. Scalars that
//! must be strings also accept numbers and booleans, as YAML writers often leave them unquoted.

use compact_str::{CompactString, ToCompactString};
use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;

/// A string that YAML may have written as a number or a boolean (`value: 2048`).
///
/// Stored inline up to 24 bytes (`apps`, `CREATE`, `pods`, `*`...), so decoding a webhook's
/// rules allocates nothing for them: that was most of webhook-guard's time per request.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Text(pub CompactString);

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // A direct visitor: serde's `untagged` enums buffer every value and retry each variant,
        // which made this the most expensive part of decoding a webhook configuration.
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a string, number or boolean")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(CompactString::new(v)))
            }
            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Text, E> {
                Ok(Text(CompactString::from(v)))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Text, E> {
                Ok(Text(v.to_compact_string()))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Text, E> {
                Ok(Text(v.to_compact_string()))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Text, E> {
                Ok(Text(v.to_compact_string()))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Text, E> {
                Ok(Text(v.to_compact_string()))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

impl Text {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `metadata`: only what findings name objects by.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct ObjectMeta {
    pub name: Option<String>,
    pub namespace: Option<String>,
    /// Who owns the object (a Pod's ReplicaSet or Job); read by SYS004 to name the workload.
    #[serde(deserialize_with = "lenient::seq")]
    pub owner_references: Option<Vec<OwnerReference>>,
}

/// One `metadata.ownerReferences[]` entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OwnerReference {
    #[serde(deserialize_with = "lenient::text")]
    pub kind: Option<Text>,
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<Text>,
    /// `true` for the controller (as text: read leniently).
    #[serde(deserialize_with = "lenient::text")]
    pub controller: Option<Text>,
}

/// One `env[]` entry of a container: a literal `value` only (`valueFrom` is not read).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct EnvVar {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<Text>,
    #[serde(deserialize_with = "lenient::text")]
    pub value: Option<Text>,
}

/// A container: its name and environment (NET002 reads the VPC CNI's; the cluster loader
/// drops every other container's environment, which may hold credentials).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Container {
    #[serde(deserialize_with = "lenient::text")]
    pub name: Option<Text>,
    #[serde(deserialize_with = "kept_env")]
    pub env: Option<Vec<EnvVar>>,
}

/// The container variables a check reads: the VPC CNI's warm-pool settings (NET002). Every
/// other variable is dropped as it is read, so no literal value (often a credential) is kept.
pub const KEPT_ENV: &[&str] = &[
    "WARM_ENI_TARGET",
    "WARM_IP_TARGET",
    "MINIMUM_IP_TARGET",
    "ENABLE_PREFIX_DELEGATION",
];

/// `env`, keeping only [`KEPT_ENV`].
fn kept_env<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<EnvVar>>, D::Error> {
    let mut env: Option<Vec<EnvVar>> = lenient::seq(d)?;
    if let Some(vars) = &mut env {
        vars.retain(|e| {
            e.name
                .as_ref()
                .is_some_and(|n| KEPT_ENV.contains(&n.as_str()))
        });
    }
    Ok(env)
}

/// One `securityContext.sysctls[]` entry.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Sysctl {
    pub name: Option<Text>,
    pub value: Option<Text>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodSecurityContext {
    pub sysctls: Option<Vec<Sysctl>>,
}

/// The fields of a PodSpec the sysctl rules read.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct PodSpec {
    pub security_context: Option<PodSecurityContext>,
    pub host_network: Option<bool>,
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<bool>,
    #[serde(deserialize_with = "lenient::seq")]
    pub containers: Option<Vec<Container>>,
}

/// `template` of a workload controller (and of a PodTemplate object).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PodTemplateSpec {
    pub spec: Option<PodSpec>,
}

/// `spec` of a Job (also inside a CronJob's `jobTemplate`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobSpec {
    pub template: Option<PodTemplateSpec>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct JobTemplateSpec {
    pub spec: Option<JobSpec>,
}

/// `spec` of any object that may carry a pod spec: a Pod's own fields, a controller's
/// `template`, or a CronJob's `jobTemplate`. Which one applies is decided by the kind.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WorkloadSpec {
    // A Pod's own fields; spelled out rather than `#[serde(flatten)]`, which buffers the whole spec.
    pub security_context: Option<PodSecurityContext>,
    pub host_network: Option<bool>,
    #[serde(rename = "hostIPC")]
    pub host_ipc: Option<bool>,
    pub template: Option<PodTemplateSpec>,
    pub job_template: Option<JobTemplateSpec>,
    /// A Service's `spec.type` (read by the cluster report; ignored by the sysctl rule).
    #[serde(rename = "type")]
    pub service_type: Option<String>,
    /// A Service's `spec.clusterIP` (`None` for a headless Service).
    #[serde(rename = "clusterIP")]
    pub cluster_ip: Option<String>,
}

impl WorkloadSpec {
    /// The Pod fields of this spec, for a Pod object.
    pub fn pod_spec(&self) -> PodSpec {
        PodSpec {
            security_context: self.security_context.clone(),
            host_network: self.host_network,
            host_ipc: self.host_ipc,
            containers: None,
        }
    }
}

/// Any object that may carry a pod spec (Pod, workload controllers, PodTemplate).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Workload {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: ObjectMeta,
    pub spec: Option<WorkloadSpec>,
    /// A PodTemplate object keeps its template at the top level.
    pub template: Option<PodTemplateSpec>,
}

/// A label selector requirement (`matchExpressions[]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LabelSelectorRequirement {
    pub key: Option<CompactString>,
    pub operator: Option<CompactString>,
    pub values: Option<Vec<Text>>,
}

/// A label selector. An absent selector and an empty one both match everything.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct LabelSelector {
    pub match_labels: Option<BTreeMap<String, Text>>,
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
}

impl LabelSelector {
    /// Whether the selector matches an object with these labels, as `k8s.io/apimachinery`'s
    /// `LabelSelectorAsSelector` evaluates it. An unknown operator matches nothing, as the API
    /// server would refuse such a selector.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.matches_with(|key| labels.get(key).map(String::as_str))
    }

    /// [`LabelSelector::matches`] over any label lookup (no map needed for one known label).
    pub fn matches_with<'l>(&self, label: impl Fn(&str) -> Option<&'l str>) -> bool {
        let labels_ok = self
            .match_labels
            .iter()
            .flatten()
            .all(|(key, value)| label(key) == Some(value.as_str()));
        let expressions_ok = self.match_expressions.iter().flatten().all(|req| {
            let Some(key) = req.key.as_deref() else {
                return false;
            };
            let values = req.values.as_deref().unwrap_or_default();
            let contains = |have: &str| values.iter().any(|v| v.as_str() == have);
            match (req.operator.as_deref(), label(key)) {
                (Some("In"), Some(have)) => contains(have),
                (Some("NotIn"), Some(have)) => !contains(have),
                (Some("NotIn" | "DoesNotExist"), None) | (Some("Exists"), Some(_)) => true,
                _ => false,
            }
        });
        labels_ok && expressions_ok
    }
}

/// The labels the API server gives every namespace (since 1.21): `kubernetes.io/metadata.name`.
pub fn namespace_labels(name: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("kubernetes.io/metadata.name".to_owned(), name.to_owned())])
}

/// A short list of strings, inline up to two (a webhook rule's lists nearly always are).
pub type TextList = smallvec::SmallVec<[Text; 2]>;

/// One rule of a webhook (`webhooks[].rules[]`).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct RuleWithOperations {
    pub api_groups: Option<TextList>,
    pub api_versions: Option<TextList>,
    pub operations: Option<TextList>,
    pub resources: Option<TextList>,
    pub scope: Option<CompactString>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ServiceReference {
    pub namespace: Option<CompactString>,
    pub name: Option<CompactString>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct WebhookClientConfig {
    pub service: Option<ServiceReference>,
    pub url: Option<String>,
}

/// One entry of `webhooks[]`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Webhook {
    pub name: Option<CompactString>,
    pub rules: Option<Vec<RuleWithOperations>>,
    pub failure_policy: Option<CompactString>,
    pub timeout_seconds: Option<i64>,
    pub namespace_selector: Option<LabelSelector>,
    pub object_selector: Option<LabelSelector>,
    pub client_config: Option<WebhookClientConfig>,
}

/// A ValidatingWebhookConfiguration or MutatingWebhookConfiguration.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct WebhookConfiguration {
    pub api_version: Option<String>,
    pub kind: Option<String>,
    pub metadata: ObjectMeta,
    pub webhooks: Option<Vec<Webhook>>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn selector(json: &str) -> LabelSelector {
        serde_json::from_str(json).unwrap_or_default()
    }

    #[test]
    fn selector_semantics_follow_apimachinery() {
        let ks = namespace_labels("kube-system");
        let check = |json: &str, expected: bool| {
            assert_eq!(selector(json).matches(&ks), expected, "{json}");
        };
        check("{}", true);
        check(
            r#"{"matchLabels":{"kubernetes.io/metadata.name":"kube-system"}}"#,
            true,
        );
        check(
            r#"{"matchLabels":{"kubernetes.io/metadata.name":"default"}}"#,
            false,
        );
        let not_in = r#"{"matchExpressions":[{"key":"kubernetes.io/metadata.name","operator":"NotIn","values":["kube-system"]}]}"#;
        check(not_in, false);
        check(
            r#"{"matchExpressions":[{"key":"opt-out","operator":"NotIn","values":["true"]}]}"#,
            true,
        );
        check(
            r#"{"matchExpressions":[{"key":"opt-in","operator":"In","values":["true"]}]}"#,
            false,
        );
        check(
            r#"{"matchExpressions":[{"key":"opt-in","operator":"Exists"}]}"#,
            false,
        );
        check(
            r#"{"matchExpressions":[{"key":"opt-out","operator":"DoesNotExist"}]}"#,
            true,
        );
        check(
            r#"{"matchExpressions":[{"key":"x","operator":"Bogus"}]}"#,
            false,
        );
    }

    #[test]
    fn scalars_load_from_numbers_and_booleans() {
        let sysctl: Sysctl =
            serde_json::from_str(r#"{"name":"a.b","value":2048}"#).unwrap_or_default();
        assert_eq!(sysctl.value.as_ref().map(Text::as_str), Some("2048"));
        let sysctl: Sysctl =
            serde_json::from_str(r#"{"name":"a.b","value":true}"#).unwrap_or_default();
        assert_eq!(sysctl.value.as_ref().map(Text::as_str), Some("true"));
    }
}

/// Which kind of configuration an admission webhook is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum WebhookKind {
    Validating,
    Mutating,
}

/// The admission webhook configuration kinds: the one list of them.
pub const WEBHOOK_CONFIGURATION_KINDS: &[&str] =
    &[WebhookKind::Validating.kind(), WebhookKind::Mutating.kind()];

/// [`WEBHOOK_CONFIGURATION_KINDS`] as API resources (`admissionregistration.k8s.io`).
pub const WEBHOOK_CONFIGURATION_RESOURCES: &[&str] = &[
    WebhookKind::Validating.resource(),
    WebhookKind::Mutating.resource(),
];

impl WebhookKind {
    /// The object's `kind`.
    pub const fn kind(self) -> &'static str {
        match self {
            WebhookKind::Validating => "ValidatingWebhookConfiguration",
            WebhookKind::Mutating => "MutatingWebhookConfiguration",
        }
    }

    /// The API resource, as RBAC and admission rules name it.
    pub const fn resource(self) -> &'static str {
        match self {
            WebhookKind::Validating => "validatingwebhookconfigurations",
            WebhookKind::Mutating => "mutatingwebhookconfigurations",
        }
    }

    /// From an object's `kind`.
    pub fn of_configuration(kind: &str) -> Option<WebhookKind> {
        [WebhookKind::Validating, WebhookKind::Mutating]
            .into_iter()
            .find(|k| k.kind() == kind)
    }

    /// From the `type` label of `apiserver_admission_webhook_*` (the API server writes
    /// `validate` and `admit`).
    pub fn of_metric_type(label: &str) -> Option<WebhookKind> {
        match label {
            "validate" | "validating" => Some(WebhookKind::Validating),
            "admit" | "mutating" => Some(WebhookKind::Mutating),
            _ => None,
        }
    }
}

/// Fields only one check reads (owner references, a Pod's status words, bindings, container
/// environments) are read leniently: a value of the wrong shape is skipped unread and counts
/// as absent, so it cannot cost the object (and with it the checks that read other fields).
pub mod lenient {
    use super::Text;
    use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
    use serde::{Deserialize, Deserializer};
    use std::fmt;
    use std::marker::PhantomData;

    /// The visitor methods of every scalar and of null, each giving `$value`: for visitors that
    /// read one shape and skip the others.
    macro_rules! scalars_give {
        ($value:expr) => {
            fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_i128<E: serde::de::Error>(self, _: i128) -> Result<Self::Value, E> {
                Ok($value)
            }
            fn visit_u128<E: serde::de::Error>(self, _: u128) -> Result<Self::Value, E> {
                Ok($value)
            }
            // A YAML tag (`!x value`) arrives as an enum: skipped.
            fn visit_enum<A: serde::de::EnumAccess<'de>>(
                self,
                data: A,
            ) -> Result<Self::Value, A::Error> {
                serde::de::Visitor::visit_enum(serde::de::IgnoredAny, data).map(|_| $value)
            }
        };
    }
    pub(crate) use scalars_give;

    /// A value read as text when it is a scalar; anything else is `None` (skipped unread).
    pub struct Scalar(pub Option<Text>);

    impl<'de> Deserialize<'de> for Scalar {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            struct V;
            impl<'de> Visitor<'de> for V {
                type Value = Scalar;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any value")
                }
                fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.into()))))
                }
                fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_u128<E: de::Error>(self, v: u128) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                    Ok(Scalar(Some(Text(v.to_string().into()))))
                }
                fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                    Ok(Scalar(None))
                }
                fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                    Ok(Scalar(None))
                }
                fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
                    d.deserialize_any(V)
                }
                fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Scalar, A::Error> {
                    IgnoredAny.visit_seq(seq).map(|_| Scalar(None))
                }
                fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Scalar, A::Error> {
                    IgnoredAny.visit_map(map).map(|_| Scalar(None))
                }
                fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Scalar, A::Error> {
                    IgnoredAny.visit_enum(data).map(|_| Scalar(None))
                }
            }
            d.deserialize_any(V)
        }
    }

    /// [`Scalar`], for `#[serde(deserialize_with)]`.
    pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Text>, D::Error> {
        Scalar::deserialize(d).map(|s| s.0)
    }

    /// A map read as `T` (whose own fields must be lenient too, or its errors are the
    /// document's); anything else is `None`.
    pub fn map<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<T>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Option<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                T::deserialize(de::value::MapAccessDeserializer::new(map)).map(Some)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            scalars_give!(None);
        }
        d.deserialize_any(V(PhantomData))
    }

    /// One element of [`seq`]: a map read as `T`, or skipped.
    struct Element<T>(Option<T>);

    impl<'de, T: Deserialize<'de>> Deserialize<'de> for Element<T> {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            map(d).map(Element)
        }
    }

    /// A sequence of maps read as `T`s, other elements skipped; anything else is `None`.
    pub fn seq<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<Option<Vec<T>>, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
            type Value = Option<Vec<T>>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(Element(item)) = seq.next_element::<Element<T>>()? {
                    out.extend(item);
                }
                Ok(Some(out))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
                IgnoredAny.visit_map(map).map(|_| None)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_any(self)
            }
            scalars_give!(None);
        }
        d.deserialize_any(V(PhantomData))
    }
}
