//! The EKS description: what `aws eks describe-cluster --name NAME --output json` prints,
//! `{"cluster": {...}}`, recognised by that shape among the cluster exports.
//!
//! Only the fields a check reads are kept: the name, the version, the endpoint's access
//! settings, the control-plane log types and the authentication mode. Everything that names
//! an account or an ARN (`arn`, `roleArn`, the OIDC issuer, `endpoint`, tags, the
//! certificate authority) is skipped unread, so it reaches no finding, summary or diagnostic.

use serde::de::{self, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;

/// The fields of the EKS description the checks read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct EksCluster {
    pub name: Option<String>,
    /// The Kubernetes minor, as EKS writes it: `1.29`.
    pub version: Option<String>,
    /// `eks.8`.
    pub platform_version: Option<String>,
    pub resources_vpc_config: Option<VpcConfig>,
    pub logging: Option<Logging>,
    pub access_config: Option<AccessConfig>,
}

/// `resourcesVpcConfig`: who can reach the API server endpoint.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct VpcConfig {
    pub endpoint_public_access: Option<bool>,
    pub endpoint_private_access: Option<bool>,
    pub public_access_cidrs: Option<Vec<String>>,
}

/// `logging`: which control-plane log types go to CloudWatch Logs.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Logging {
    pub cluster_logging: Vec<LogSetup>,
}

/// One entry of `logging.clusterLogging`: these types, on or off.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct LogSetup {
    pub types: Vec<String>,
    pub enabled: Option<bool>,
}

/// `accessConfig`: how IAM principals are mapped to Kubernetes identities.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AccessConfig {
    /// `CONFIG_MAP`, `API_AND_CONFIG_MAP` or `API`.
    pub authentication_mode: Option<String>,
}

impl EksCluster {
    /// Whether the description says anything a check reads (a `cluster` key of another
    /// document, with none of these, is not an EKS description).
    pub fn is_description(&self) -> bool {
        self.version.is_some()
            || self.resources_vpc_config.is_some()
            || self.logging.is_some()
            || self.access_config.is_some()
    }

    /// How findings name it: `EKS cluster prod` (never its ARN).
    pub fn reference(&self) -> String {
        format!(
            "EKS cluster {}",
            self.name.as_deref().unwrap_or("<unnamed>")
        )
    }

    /// Whether `log_type` (`api`, `audit`, ...) is enabled by some `clusterLogging` entry;
    /// `None` when the description has no `logging`.
    pub fn log_enabled(&self, log_type: &str) -> Option<bool> {
        let logging = self.logging.as_ref()?;
        Some(
            logging
                .cluster_logging
                .iter()
                .any(|s| s.enabled == Some(true) && s.types.iter().any(|t| t == log_type)),
        )
    }

    pub fn authentication_mode(&self) -> Option<&str> {
        self.access_config.as_ref()?.authentication_mode.as_deref()
    }
}

/// A document's top-level `cluster` as the EKS description, when it is a map; any other
/// shape (a string, a list) is skipped, so a scalar `cluster` key of some other object never
/// costs that object.
#[derive(Clone, Debug, Default)]
pub struct MaybeEks(pub Option<Box<EksCluster>>);

impl<'de> Deserialize<'de> for MaybeEks {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = MaybeEks;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the EKS description's cluster")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<MaybeEks, A::Error> {
                // A map whose fields do not read as the description's makes the document a
                // diagnostic, as any other unreadable field does.
                EksCluster::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(|c| MaybeEks(Some(Box::new(c))))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<MaybeEks, A::Error> {
                IgnoredAny.visit_seq(seq).map(|_| MaybeEks(None))
            }
            fn visit_str<E: de::Error>(self, _: &str) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_unit<E: de::Error>(self) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<MaybeEks, E> {
                Ok(MaybeEks(None))
            }
            fn visit_some<D2: Deserializer<'de>>(self, d: D2) -> Result<MaybeEks, D2::Error> {
                d.deserialize_any(V)
            }
        }
        d.deserialize_any(V)
    }
}
