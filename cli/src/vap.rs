//! `cpguard policy vap POLICY`: prints the ValidatingAdmissionPolicy twin of a Kubewarden policy
//! and its binding. The generation is `cpguard_core::vap`'s; this module only reads the settings
//! file and prints.

use clap::{Subcommand, ValueEnum};
use cpguard_core::rules::sysctl::SysctlSettings;
use cpguard_core::rules::webhook::WebhookSettings;
use cpguard_core::vap;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct PolicyArgs {
    #[command(subcommand)]
    command: PolicyCommand,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Print a policy's ValidatingAdmissionPolicy twin and its binding (YAML for `kubectl apply -f -`).
    ///
    /// The twin enforces what the Kubewarden policy rejects, as CEL evaluated in the API server
    /// (Kubernetes 1.30+), without Kubewarden. Try it first with `--validation-actions Warn,Audit`.
    Vap(VapArgs),
}

#[derive(clap::Args)]
struct VapArgs {
    /// Which policy: unsafe-sysctls or webhook-guard.
    #[arg(value_enum)]
    policy: Which,
    /// The Kubewarden policy's settings file (JSON or YAML, the same keys); baked into the CEL. Invalid settings are refused with the policy's own message.
    #[arg(long, value_name = "FILE")]
    settings: Option<String>,
    /// The binding's validationActions, comma-separated: Deny (the default), or Warn,Audit for a dry run (Deny and Warn cannot be combined).
    #[arg(long, value_name = "ACTIONS", default_value = "Deny")]
    validation_actions: String,
}

#[derive(Clone, Copy, ValueEnum)]
enum Which {
    UnsafeSysctls,
    WebhookGuard,
}

fn settings<T: serde::de::DeserializeOwned>(path: Option<&str>) -> Result<T, String> {
    let text = match path {
        Some(path) => std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?,
        None => String::new(),
    };
    vap::parse_settings(&text).map_err(|e| match path {
        Some(path) => format!("{path}: invalid policy settings: {e}"),
        None => e,
    })
}

pub fn run(args: &PolicyArgs) -> Result<ExitCode, String> {
    let PolicyCommand::Vap(args) = &args.command;
    let actions = vap::parse_actions(&args.validation_actions)?;
    let path = args.settings.as_deref();
    let invalid = |e: String| {
        format!(
            "{}: invalid policy settings: {e}",
            path.unwrap_or("settings")
        )
    };
    let twin = match args.policy {
        Which::UnsafeSysctls => {
            vap::sysctl::twin(&settings::<SysctlSettings>(path)?).map_err(invalid)?
        }
        Which::WebhookGuard => {
            vap::webhook::twin(&settings::<WebhookSettings>(path)?).map_err(invalid)?
        }
    };
    print!("{}", twin.to_yaml(&actions)?);
    Ok(ExitCode::SUCCESS)
}
