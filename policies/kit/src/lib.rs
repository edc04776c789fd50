//! The plumbing both cpguard policies share: decoding Kubewarden's waPC payloads, and answering
//! with the SDK's response types, so each policy is only "decode the object, call the core rule".
//!
//! **Invariant:** nothing here panics or returns a waPC error for bad input. A payload that does
//! not decode is rejected with a message (a guest error would fail the admission request
//! without saying why, and with a fail-closed policy block the cluster).

use cpguard_core::rules::{summarize, Violation};
use kubewarden_policy_sdk::response::ValidationResponse;
use kubewarden_policy_sdk::settings::SettingsValidationResponse;
use kubewarden_policy_sdk::wapc_guest::CallResult;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::value::RawValue;

/// A policy's settings: parsed from JSON (absent or `null` means the defaults), then checked.
pub trait PolicySettings: DeserializeOwned + Default {
    /// What checking the settings builds (compiled patterns and the like).
    type Checked;
    fn check(&self) -> Result<Self::Checked, String>;
}

/// `{"request": AdmissionRequest, ...}`, decoded step by step to explain a failure.
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    request: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GroupVersionKind {
    kind: Option<String>,
}

#[derive(Deserialize)]
struct AdmissionRequest<'a> {
    #[serde(borrow)]
    object: Option<&'a RawValue>,
}

/// The request's kind and the decoded object under review.
#[derive(Debug)]
pub struct Review<T> {
    /// `request.kind.kind`; policies prefer the object's own `kind` and fall back to this.
    pub request_kind: Option<String>,
    pub object: T,
}

/// The whole payload decoded in one pass, the object straight into the policy's view.
#[derive(Deserialize)]
struct TypedPayload<'a, T> {
    request: TypedRequest<T>,
    #[serde(borrow)]
    settings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct TypedRequest<T> {
    kind: Option<GroupVersionKind>,
    #[serde(default = "none")]
    object: Option<T>,
}

fn none<T>() -> Option<T> {
    None
}

fn parse_settings<S: PolicySettings>(raw: Option<&RawValue>) -> Result<S, String> {
    match raw.map(RawValue::get) {
        None | Some("null") => Ok(S::default()),
        Some(json) => serde_json::from_str(json).map_err(|e| e.to_string()),
    }
}

fn respond<T: serde::Serialize>(response: &T) -> CallResult {
    Ok(serde_json::to_vec(response)?)
}

/// The waPC `validate_settings` function: `{"valid": bool, "message": ...}`, never an error.
pub fn validate_settings<S: PolicySettings>(payload: &[u8]) -> CallResult {
    let outcome = serde_json::from_slice::<Option<&RawValue>>(payload)
        .map_err(|e| format!("settings are not JSON: {e}"))
        .and_then(|raw| parse_settings::<S>(raw))
        .and_then(|settings| settings.check().map(|_| ()));
    respond(&SettingsValidationResponse {
        valid: outcome.is_ok(),
        message: outcome.err(),
    })
}

fn answer(accepted: bool, message: Option<String>, warnings: Vec<String>) -> ValidationResponse {
    ValidationResponse {
        accepted,
        message,
        code: None,
        mutated_object: None,
        audit_annotations: None,
        warnings: if warnings.is_empty() {
            None
        } else {
            Some(warnings)
        },
    }
}

/// Decides a validation payload; pure, so it is tested natively as well as in wasm.
///
/// The payload is decoded in one pass, the object straight into the policy's view `T`. Only
/// when that fails is it decoded step by step, to say which part is wrong. Requests without an
/// object (DELETE, CONNECT) are accepted. Enforced violations reject, the others become
/// admission warnings.
pub fn decide<S, T, F>(payload: &[u8], evaluate: F) -> ValidationResponse
where
    S: PolicySettings,
    T: DeserializeOwned,
    F: FnOnce(Review<T>, &S::Checked) -> Vec<Violation>,
{
    // Validating UTF-8 once for the whole payload is cheaper than serde_json's per-string checks.
    let Ok(text) = std::str::from_utf8(payload) else {
        return explain_failure::<T>(payload);
    };
    let (request, settings) = match serde_json::from_str::<TypedPayload<'_, T>>(text) {
        Ok(p) => (p.request, p.settings),
        Err(_) => return explain_failure::<T>(payload),
    };
    let checked = match parse_settings::<S>(settings).and_then(|s| s.check()) {
        Ok(checked) => checked,
        Err(e) => {
            return answer(
                false,
                Some(format!("invalid policy settings: {e}")),
                Vec::new(),
            )
        }
    };
    let Some(object) = request.object else {
        return answer(true, None, Vec::new());
    };
    let review = Review {
        request_kind: request.kind.and_then(|k| k.kind),
        object,
    };
    let violations = evaluate(review, &checked);
    let (enforced, warned): (Vec<&Violation>, Vec<&Violation>) =
        violations.iter().partition(|v| v.enforced);
    let warnings = warned.iter().map(|v| v.to_line()).collect();
    if enforced.is_empty() {
        answer(true, None, warnings)
    } else {
        answer(false, Some(summarize(&enforced)), warnings)
    }
}

/// Says which part of a payload that did not decode in one pass is wrong.
fn explain_failure<T: DeserializeOwned>(payload: &[u8]) -> ValidationResponse {
    let reject = |message: String| answer(false, Some(message), Vec::new());
    let payload = match serde_json::from_slice::<Payload<'_>>(payload) {
        Ok(payload) => payload,
        Err(e) => return reject(format!("cannot decode the validation request: {e}")),
    };
    let request = match payload
        .request
        .map(|raw| serde_json::from_str::<AdmissionRequest<'_>>(raw.get()))
    {
        Some(Ok(request)) => request,
        Some(Err(e)) => return reject(format!("cannot decode the admission request: {e}")),
        None => return reject("the validation request has no \"request\" field".to_owned()),
    };
    if let Some(raw) = request.object {
        if let Err(e) = serde_json::from_str::<Option<T>>(raw.get()) {
            return reject(format!("cannot decode the object: {e}"));
        }
    }
    reject("cannot decode the validation request".to_owned())
}

/// The waPC `validate` function around [`decide`].
pub fn validate<S, T, F>(payload: &[u8], evaluate: F) -> CallResult
where
    S: PolicySettings,
    T: DeserializeOwned,
    F: FnOnce(Review<T>, &S::Checked) -> Vec<Violation>,
{
    respond(&decide::<S, T, F>(payload, evaluate))
}
