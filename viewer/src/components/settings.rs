//! The settings panel: every threshold and both policies' settings, as `cpguard analyze
//! --config` reads them, each with its help line from the core.

use crate::state::{Action, State};
use serde_json::Value;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub config: Value,
    pub dispatch: UseReducerDispatcher<State>,
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

fn fields(value: &Value, path: &[String], dispatch: &UseReducerDispatcher<State>) -> Html {
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
                        { fields(v, &path, dispatch) }
                    </fieldset>
                };
            }
            let id = format!("setting-{}", dotted.replace('.', "-"));
            let help = cpguard_core::config::help(&dotted).unwrap_or_default();
            let help_id = format!("{id}-help");
            if let Value::Bool(on) = v {
                let dispatch = dispatch.clone();
                let onchange = Callback::from(move |e: Event| {
                    if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                        dispatch.dispatch(Action::SetSetting(path.clone(), Value::Bool(input.checked())));
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
            let dispatch = dispatch.clone();
            let onchange = Callback::from(move |e: Event| {
                if let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) {
                    dispatch.dispatch(Action::SetSetting(path.clone(), field_value(&current, &input.value())));
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

#[function_component(Settings)]
pub fn settings(props: &Props) -> Html {
    let reset = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ResetSettings))
    };
    html! {
        <details class="settings" id="settings">
            <summary>{"Settings: thresholds and the policies' settings"}</summary>
            <p class="hint">{"The same keys as "}<code>{"cpguard analyze --config"}</code>{" (thresholds) and the two Kubewarden policies' settings. Lists are comma-separated; an empty number means unset. Changed settings are remembered in this browser."}</p>
            <div class="settings-grid">{ fields(&props.config, &[], &props.dispatch) }</div>
            <button class="small" onclick={reset} id="settings-reset">{"Reset to defaults"}</button>
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
    fn an_integer_setting_edited_as_text_deserialises() {
        let mut config = crate::state::default_config();
        config["webhookSettings"]["maxTimeoutSeconds"] = field_value(&json!(null), "5");
        config["objectCountWarn"] = field_value(&json!(10000.0), "20000");
        let c: cpguard_core::Config = serde_json::from_value(config).unwrap();
        assert_eq!(c.webhook_settings.max_timeout_seconds, Some(5));
        assert_eq!(c.object_count_warn, 20_000.0);
    }
}
