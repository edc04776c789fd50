//! The settings panel: every threshold and both policies' settings, as `cpguard analyze
//! --config` reads them, each with its help line from the core.

use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Value,
    /// A setting changed: its key path (`["webhookSettings", "maxTimeoutSeconds"]`) and value.
    pub on_set: Callback<(Vec<String>, Value)>,
    pub on_reset: Callback<()>,
    /// Something to tell the user (a manifest saved, or why it could not be).
    pub on_notice: Callback<String>,
}

/// What a field's text becomes: a number (empty: null, "unset"), a list (comma-separated)
/// or a string. Unparsable numbers are kept as text so the error names the field on Analyze.
pub fn field_value(current: &Value, text: &str) -> Value {
    let text = text.trim();
    match current {
        Value::Number(_) | Value::Null => {
            if text.is_empty() {
                Value::Null
            } else {
                text.parse::<f64>()
                    .ok()
                    .and_then(|n| {
                        if n.fract() == 0.0 && n.abs() < 9e15 {
                            #[allow(clippy::cast_possible_truncation)]
                            Some(Value::from(n as i64))
                        } else {
                            serde_json::Number::from_f64(n).map(Value::Number)
                        }
                    })
                    .unwrap_or_else(|| Value::String(text.to_owned()))
            }
        }
        Value::Array(_) => Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
        _ => Value::String(text.to_owned()),
    }
}

fn field_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_owned))
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

fn fields(value: &Value, path: &[String], on_set: &Callback<(Vec<String>, Value)>) -> Html {
    let Value::Object(map) = value else {
        return html! {};
    };
    map.iter()
        .map(|(key, v)| {
            let mut path = path.to_vec();
            path.push(key.clone());
            let dotted = path.join(".");
            if v.is_object() {
                return html! {
                    <fieldset>
                        <legend>{key.clone()}</legend>
                        { fields(v, &path, on_set) }
                    </fieldset>
                };
            }
            let id = format!("setting-{}", dotted.replace('.', "-"));
            let help = cpguard_core::config::help(&dotted).unwrap_or_default();
            let help_id = format!("{id}-help");
            if let Value::Bool(on) = v {
                let on_set = on_set.clone();
                let onchange = Callback::from(move |e: Event| {
                    if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        on_set.emit((path.clone(), Value::Bool(input.checked())));
                    }
                });
                return html! {
                    <div class="setting">
                        <input type="checkbox" id={id.clone()} checked={*on} onchange={onchange} aria-describedby={help_id.clone()} />
                        <label for={id}>{key.clone()}</label>
                        <p class="help" id={help_id}>{help}</p>
                    </div>
                };
            }
            let current = v.clone();
            let on_set = on_set.clone();
            let onchange = Callback::from(move |e: Event| {
                if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                    on_set.emit((path.clone(), field_value(&current, &input.value())));
                }
            });
            let kind = if v.is_number() || v.is_null() { "number-ish" } else { "text" };
            html! {
                <div class="setting">
                    <label for={id.clone()}>{key.clone()}</label>
                    <input type="text" class={kind} id={id} value={field_text(v)} onchange={onchange} aria-describedby={help_id.clone()} />
                    <p class="help" id={help_id}>{help}</p>
                </div>
            }
        })
        .collect()
}

/// The ValidatingAdmissionPolicy twin of a policy (`"unsafe-sysctls"` or `"webhook-guard"`)
/// with the settings shown, as `cpguard policy vap POLICY` prints it: (file name, YAML), or
/// the policy's own message when the settings are invalid.
pub fn vap_manifest(config: &Value, policy: &str) -> Result<(String, String), String> {
    use cpguard_core::vap;
    let settings = |key: &str| config.get(key).cloned().unwrap_or(Value::Null);
    let make = || match policy {
        "unsafe-sysctls" => vap::sysctl::twin(
            &serde_json::from_value(settings("sysctlSettings")).map_err(|e| e.to_string())?,
        ),
        "webhook-guard" => vap::webhook::twin(
            &serde_json::from_value(settings("webhookSettings")).map_err(|e| e.to_string())?,
        ),
        other => Err(format!("no policy {other}")),
    };
    let twin = make().map_err(|e| format!("invalid {policy} settings: {e}"))?;
    let yaml = twin.to_yaml(&[vap::ValidationAction::Deny])?;
    Ok((format!("cpguard-{policy}-vap.yaml"), yaml))
}

#[function_component(Settings)]
pub fn settings(props: &Props) -> Html {
    let reset = props.on_reset.reform(|_: MouseEvent| ());
    let save_vap = |policy: &'static str| {
        let on_notice = props.on_notice.clone();
        let config = props.config.clone();
        Callback::from(move |_: MouseEvent| {
            let notice = match vap_manifest(&config, policy).and_then(|(name, yaml)| {
                super::export::download(&name, "application/yaml", &yaml).map(|()| name)
            }) {
                Ok(name) => format!("Saved {name}: apply it with kubectl apply -f {name}"),
                Err(e) => format!("Could not make the {policy} ValidatingAdmissionPolicy: {e}"),
            };
            on_notice.emit(notice);
        })
    };
    html! {
        <details class="settings" id="settings">
            <summary>{"Settings: thresholds and the policies' settings"}</summary>
            <p class="hint">{"The same keys as "}<code>{"cpguard analyze --config"}</code>{" (thresholds) and the two Kubewarden policies' settings. Lists are comma-separated; an empty number means unset. Changed settings are remembered in this browser."}</p>
            <div class="settings-grid">{ fields(&props.config, &[], &props.on_set) }</div>
            <button class="small" onclick={reset} id="settings-reset">{"Reset to defaults"}</button>
            <div class="vap" role="group" aria-label="ValidatingAdmissionPolicy twins">
                <p class="hint">{"The policies as ValidatingAdmissionPolicies, with the settings above (Kubernetes 1.30+, no Kubewarden needed; the binding denies — edit its validationActions to Warn, Audit to try it first):"}</p>
                <button class="small" id="vap-unsafe-sysctls" onclick={save_vap("unsafe-sysctls")}>{"Download unsafe-sysctls VAP"}</button>
                <button class="small" id="vap-webhook-guard" onclick={save_vap("webhook-guard")}>{"Download webhook-guard VAP"}</button>
            </div>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn fields_keep_their_types() {
        assert_eq!(field_value(&json!(0.5), "0.25"), json!(0.25));
        assert_eq!(field_value(&json!(10.0), "12"), json!(12));
        assert_eq!(field_value(&json!(null), ""), json!(null));
        assert_eq!(field_value(&json!(null), "5"), json!(5));
        assert_eq!(field_value(&json!(1.0), "fast"), json!("fast"));
        assert_eq!(
            field_value(&json!([]), " net.core.*, ,kernel.shm_rmid_forced "),
            json!(["net.core.*", "kernel.shm_rmid_forced"])
        );
        assert_eq!(field_value(&json!("latest"), " v1.30 "), json!("v1.30"));
        assert_eq!(field_text(&json!(["a", "b"])), "a, b");
        assert_eq!(field_text(&json!(null)), "");
    }

    #[test]
    fn vap_manifests_use_the_settings_shown() {
        let mut config = crate::state::default_config();
        config["sysctlSettings"]["podSecurityVersion"] = json!("v1.30");
        config["sysctlSettings"]["allowedUnsafeSysctls"] = json!(["net.core.*"]);
        let (name, yaml) = vap_manifest(&config, "unsafe-sysctls").unwrap();
        assert_eq!(name, "cpguard-unsafe-sysctls-vap.yaml");
        assert!(yaml.contains("kind: ValidatingAdmissionPolicy\n"), "{yaml}");
        assert!(
            yaml.contains("kind: ValidatingAdmissionPolicyBinding\n"),
            "{yaml}"
        );
        assert!(
            yaml.contains("baseline list (v1.30) nor in allowedUnsafeSysctls"),
            "{yaml}"
        );
        assert!(
            yaml.contains("e.normalized.startsWith('net.core.')"),
            "{yaml}"
        );
        // The CLI's bytes: the same generator with the same settings.
        let settings: cpguard_core::rules::sysctl::SysctlSettings =
            serde_json::from_value(config["sysctlSettings"].clone()).unwrap();
        let cli = cpguard_core::vap::sysctl::twin(&settings)
            .unwrap()
            .to_yaml(&[cpguard_core::vap::ValidationAction::Deny])
            .unwrap();
        assert_eq!(yaml, cli);

        config["webhookSettings"]["maxTimeoutSeconds"] = json!(5);
        let (name, yaml) = vap_manifest(&config, "webhook-guard").unwrap();
        assert_eq!(name, "cpguard-webhook-guard-vap.yaml");
        assert!(
            yaml.contains("timeout above 5 s (maxTimeoutSeconds)"),
            "{yaml}"
        );

        config["webhookSettings"]["maxTimeoutSeconds"] = json!(45);
        assert_eq!(
            vap_manifest(&config, "webhook-guard").err().as_deref(),
            Some("invalid webhook-guard settings: maxTimeoutSeconds must be between 1 and 30 (the API server's own limits), got 45")
        );
    }

    #[test]
    fn an_integer_setting_edited_as_text_deserialises() {
        let mut config = crate::state::default_config();
        config["webhookSettings"]["maxTimeoutSeconds"] = field_value(&json!(null), "5");
        config["objectCountWarn"] = field_value(&json!(10000.0), "20000");
        let c: cpguard_core::Config = serde_json::from_value(config).unwrap();
        assert_eq!(c.webhook_settings.max_timeout_seconds, Some(5));
        assert_eq!(c.object_count_warn, 20_000.0);
    }
}
