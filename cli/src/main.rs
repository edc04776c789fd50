//! `cpguard`: reads exported control-plane data offline and reports what threatens it.
//!
//! All errors end up in [`main`], which maps them to the exit codes: 0 (nothing at or above
//! `--fail-on`), 1 (a finding at or above `--fail-on`), 2 (usage or input error, including an
//! input with nothing to analyse unless `--allow-unusable`).

use cpguard_core::render;
mod time;
mod vap;

use clap::{Parser, Subcommand, ValueEnum};
use cpguard_core::checks::Severity;
use cpguard_core::{analyze, ClusterInput, Config, Inputs, MetricsInput};
use std::io::{ErrorKind, Read, Write};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "cpguard", version, about = "Finds what threatens a Kubernetes control plane in kubectl exports", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a `kubectl get --raw /metrics` dump (and optionally a later one, for rates) and/or cluster exports.
    Analyze(AnalyzeArgs),
    /// Generate policy manifests (`policy vap unsafe-sysctls|webhook-guard`).
    Policy(vap::PolicyArgs),
    /// List every check cpguard knows.
    Checks {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(clap::Args)]
struct AnalyzeArgs {
    /// The API server's (or an etcd member's) /metrics dump; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    metrics: Option<String>,
    /// A second dump of the same API server taken later: findings then cover the window between the two, with rates.
    #[arg(long, value_name = "FILE")]
    metrics_later: Option<String>,
    /// When the --metrics dump was taken (RFC 3339 or Unix seconds). Default: the file's modification time (stdin: now).
    #[arg(long, value_name = "TIME")]
    taken_at: Option<String>,
    /// When the --metrics-later dump was taken. Default: the file's modification time.
    #[arg(long, value_name = "TIME")]
    later_taken_at: Option<String>,
    /// A cluster export: `kubectl get nodes,pods,deploy,ds,sts,rs,job,cronjob,svc,cm,validatingwebhookconfigurations,mutatingwebhookconfigurations -A -o yaml`, `kubectl version -o json`, or the EKS description `aws eks describe-cluster --name NAME --output json`. Repeatable; `-` reads stdin.
    #[arg(long, value_name = "FILE")]
    cluster: Vec<String>,
    /// Today, for the EKS support calendar (VER004): a date (2026-11-27), RFC 3339 or Unix seconds. Default: the clock.
    #[arg(long, value_name = "DATE")]
    now: Option<String>,
    /// Settings of the unsafe-sysctls policy (JSON or YAML: allowedUnsafeSysctls, forbiddenSysctls, podSecurityVersion).
    #[arg(long, value_name = "FILE")]
    sysctl_settings: Option<String>,
    /// Settings of the webhook-guard policy (JSON or YAML: maxTimeoutSeconds, requireKubeSystemExclusion, rejectWarnings, exemptWebhooks).
    #[arg(long, value_name = "FILE")]
    webhook_settings: Option<String>,
    /// Thresholds to override, as JSON or YAML (camelCase keys; see `cpguard analyze --print-config`).
    #[arg(long, value_name = "FILE")]
    config: Option<String>,
    /// Print the default thresholds as JSON and exit.
    #[arg(long)]
    print_config: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Critical)]
    fail_on: FailOn,
    /// Report an input with nothing to analyse (empty, an HTML error page, another component's
    /// /metrics, a cluster export without objects) as a warning and go on, instead of exit 2.
    #[arg(long)]
    allow_unusable: bool,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
    Markdown,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Critical,
    Warning,
    Never,
}

/// A file's text and modification time; `-` is stdin (taken now).
fn read_input(path: &str) -> Result<(String, Option<f64>), String> {
    let (bytes, mtime) = if path == "-" {
        let mut bytes = Vec::new();
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| format!("stdin: {e}"))?;
        (bytes, Some(time::now()))
    } else {
        let bytes = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        let mtime = std::fs::metadata(path)
            .ok()
            .and_then(|m| m.modified().ok())
            .and_then(time::unix_seconds);
        (bytes, mtime)
    };
    // Invalid UTF-8 is replaced, not refused: the parser reports what it cannot read by line.
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Ok((text, mtime))
}

/// `--now`: a date (00:00 UTC), or a time as `--taken-at` reads it; default the clock.
fn now(flag: Option<&str>) -> Result<f64, String> {
    let Some(text) = flag else {
        return Ok(time::now());
    };
    let as_date = format!("{text}T00:00:00Z");
    time::parse(text)
        .or_else(|| time::parse(&as_date))
        .ok_or_else(|| {
            format!("--now {text:?}: use a date (2026-11-27), RFC 3339 (2026-11-27T15:04:05Z) or Unix seconds")
        })
}

fn taken_at(flag: Option<&str>, default: Option<f64>, name: &str) -> Result<Option<f64>, String> {
    match flag {
        Some(text) => time::parse(text).map(Some).ok_or_else(|| {
            format!("{name} {text:?}: use RFC 3339 (2026-11-27T15:04:05Z) or Unix seconds")
        }),
        None => Ok(default),
    }
}

/// Reads a settings or config file (JSON or YAML) into `T`.
fn read_settings<T: serde::de::DeserializeOwned>(path: &str) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{path}: {e}"))?;
    serde_yaml_ng::from_str(&text).map_err(|e| format!("{path}: {e}"))
}

fn run_analyze(args: &AnalyzeArgs) -> Result<ExitCode, String> {
    let mut config = Config::default();
    if args.print_config {
        emit(&(serde_json::to_string_pretty(&config).map_err(|e| e.to_string())? + "\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(path) = &args.config {
        config = read_settings(path)?;
    }
    if let Some(path) = &args.sysctl_settings {
        config.sysctl_settings = read_settings(path)?;
    }
    if let Some(path) = &args.webhook_settings {
        config.webhook_settings = read_settings(path)?;
    }
    if args.metrics.is_none() && args.cluster.is_empty() {
        return Err("nothing to analyse: give --metrics FILE (`kubectl get --raw /metrics > apiserver.metrics`) and/or --cluster FILE".to_owned());
    }
    let metrics = args.metrics.as_deref().map(read_input).transpose()?;
    let later = args.metrics_later.as_deref().map(read_input).transpose()?;
    let first = match &metrics {
        Some((text, mtime)) => Some(MetricsInput {
            text,
            taken_at: taken_at(args.taken_at.as_deref(), *mtime, "--taken-at")?,
        }),
        None => None,
    };
    let second = match &later {
        Some((text, mtime)) => Some(MetricsInput {
            text,
            taken_at: taken_at(args.later_taken_at.as_deref(), *mtime, "--later-taken-at")?,
        }),
        None => None,
    };
    let cluster_texts: Vec<(String, String)> = args
        .cluster
        .iter()
        .map(|path| read_input(path).map(|(text, _)| (path.clone(), text)))
        .collect::<Result<_, _>>()?;
    let cluster: Vec<ClusterInput<'_>> = cluster_texts
        .iter()
        .map(|(name, text)| ClusterInput { name, text })
        .collect();
    let report = analyze(
        &Inputs {
            metrics: first,
            metrics_later: second,
            cluster: &cluster,
            now: Some(now(args.now.as_deref())?),
        },
        &config,
    )
    .map_err(|e| e.to_string())?;
    unusable_inputs(args, &report)?;
    let out = match args.format {
        Format::Json => render::json(&report),
        Format::Text => render::text(&report),
        Format::Markdown => render::markdown(&report),
    };
    emit(&(out + "\n"))?;
    let threshold = match args.fail_on {
        FailOn::Critical => Some(Severity::Critical),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Never => None,
    };
    let failed = threshold
        .zip(report.worst())
        .is_some_and(|(at, worst)| worst >= at);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Writes to stdout. A reader that went away (`cpguard ... | head -1`) is not an error: the
/// rest is dropped quietly and the exit code stays the analysis' own (`println!` would panic
/// with "failed printing to stdout: Broken pipe").
fn emit(text: &str) -> Result<(), String> {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != ErrorKind::BrokenPipe => Err(format!("stdout: {e}")),
        _ => Ok(()),
    }
}

/// Inputs with nothing to analyse, one line each naming the file: an error (exit 2), or with
/// `--allow-unusable` a warning on stderr.
fn unusable_inputs(args: &AnalyzeArgs, report: &cpguard_core::Report) -> Result<(), String> {
    let lines: Vec<String> = report
        .unusable_inputs
        .iter()
        .map(|u| {
            let path = match &*u.input {
                "metrics" => args.metrics.as_deref(),
                "metrics-later" => args.metrics_later.as_deref(),
                _ => u.file.as_deref(),
            };
            let name = match path {
                Some("-") => "stdin",
                Some(path) => path,
                None => &u.input,
            };
            format!("{name}: {}", u.reason)
        })
        .collect();
    if lines.is_empty() {
        Ok(())
    } else if args.allow_unusable {
        for line in lines {
            eprintln!("cpguard: warning: {line}");
        }
        Ok(())
    } else {
        Err(lines.join("\ncpguard: "))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Command::Analyze(args) => run_analyze(args),
        Command::Policy(args) => vap::run(args),
        Command::Checks { format } => {
            let out = match format {
                Format::Markdown => cpguard_core::checks::catalogue_markdown(),
                Format::Json => render::catalogue_json(),
                Format::Text => render::catalogue_text(),
            };
            emit(&out).map(|()| ExitCode::SUCCESS)
        }
    };
    result.unwrap_or_else(|message| {
        eprintln!("cpguard: {message}");
        ExitCode::from(2)
    })
}
