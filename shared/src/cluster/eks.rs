//! The EKS description: what `aws eks describe-cluster --name NAME --output json` prints,
//! `{"cluster": {...}}`, recognised by that shape among the cluster exports.
//!
//! Only the fields a check reads are kept: the name, the version, the endpoint's access
//! settings, the control-plane log types and the authentication mode. Everything that names
//! an account or an ARN (`arn`, `roleArn`, the OIDC issuer, `endpoint`, tags, the
//! certificate authority) is skipped unread, so it reaches no finding, summary or diagnostic.

use serde::{Deserialize, Deserializer};

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
        // A map whose fields do not read as the description's makes the document a diagnostic,
        // as any other unreadable field does; any other shape is skipped.
        crate::k8s::lenient::map::<D, EksCluster>(d).map(|c| MaybeEks(c.map(Box::new)))
    }
}
