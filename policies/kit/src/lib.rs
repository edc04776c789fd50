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

/// `{"request": AdmissionRequest, "settings": {...}}`: what `validate` receives.
#[derive(Deserialize)]
struct Payload<'a> {
    #[serde(borrow)]
    request: Option<&'a RawValue>,
    #[serde(borrow)]
    settings: Option<&'a RawValue>,
}

#[derive(Deserialize)]
struct GroupVersionKind {
    kind: Option<String>,
}

#[derive(Deserialize)]
struct AdmissionRequest<'a> {
    kind: Option<GroupVersionKind>,
    #[serde(borrow)]
    object: Option<&'a RawValue>,
}

/// The object under review, undecoded, with the kind the request names.
#[derive(Debug)]
pub struct Review<'a> {
    /// `request.kind.kind`; policies prefer the object's own `kind` and fall back to this.
    pub request_kind: Option<String>,
    /// `request.object` as JSON text.
    pub object: &'a str,
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
/// `decide` gets the object (only when the request has one: DELETE and CONNECT have none and
/// are accepted) and returns the violations, or a message when the object cannot be decoded.
/// Enforced violations reject, the others become admission warnings.
pub fn decide<S, F>(payload: &[u8], decide: F) -> ValidationResponse
where
    S: PolicySettings,
    F: FnOnce(&Review<'_>, &S::Checked) -> Result<Vec<Violation>, String>,
{
    let payload = match serde_json::from_slice::<Payload<'_>>(payload) {
        Ok(payload) => payload,
        Err(e) => {
            return answer(
                false,
                Some(format!("cannot decode the validation request: {e}")),
                Vec::new(),
            )
        }
    };
    let request = match payload
        .request
        .map(|raw| serde_json::from_str::<AdmissionRequest<'_>>(raw.get()))
    {
        Some(Ok(request)) => request,
        Some(Err(e)) => {
            return answer(
                false,
                Some(format!("cannot decode the admission request: {e}")),
                Vec::new(),
            )
        }
        None => {
            return answer(
                false,
                Some("the validation request has no \"request\" field".to_owned()),
                Vec::new(),
            )
        }
    };
    let checked = match parse_settings::<S>(payload.settings).and_then(|s| s.check()) {
        Ok(checked) => checked,
        Err(e) => {
            return answer(
                false,
                Some(format!("invalid policy settings: {e}")),
                Vec::new(),
            )
        }
    };
    let object = match request.object.map(RawValue::get) {
        None | Some("null") => return answer(true, None, Vec::new()),
        Some(object) => object,
    };
    let review = Review {
        request_kind: request.kind.and_then(|k| k.kind),
        object,
    };
    match decide(&review, &checked) {
        Err(message) => answer(false, Some(message), Vec::new()),
        Ok(violations) => {
            let (enforced, warned): (Vec<&Violation>, Vec<&Violation>) =
                violations.iter().partition(|v| v.enforced);
            let warnings = warned.iter().map(|v| v.to_line()).collect();
            if enforced.is_empty() {
                answer(true, None, warnings)
            } else {
                answer(false, Some(summarize(&enforced)), warnings)
            }
        }
    }
}

/// The waPC `validate` function around [`decide`].
pub fn validate<S, F>(payload: &[u8], decide_object: F) -> CallResult
where
    S: PolicySettings,
    F: FnOnce(&Review<'_>, &S::Checked) -> Result<Vec<Violation>, String>,
{
    respond(&decide::<S, F>(payload, decide_object))
}

/// Decodes the object under review into a core view, naming the kind in the error.
pub fn decode_object<T: DeserializeOwned>(review: &Review<'_>, what: &str) -> Result<T, String> {
    serde_json::from_str(review.object).map_err(|e| format!("cannot decode the {what}: {e}"))
}
