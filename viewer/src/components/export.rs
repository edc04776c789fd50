//! Export: the report as JSON (the contract of docs/report.md, the CLI's bytes) or Markdown, as a file
//! or to the clipboard.

use crate::state::Loaded;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub loaded: Rc<Loaded>,
    /// What happened (saved, copied, or why not).
    pub on_notice: Callback<String>,
}

/// Saves `text` as a file called `name` (a Blob URL clicked through a link).
pub fn download(name: &str, mime: &str, text: &str) -> Result<(), String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options)
        .map_err(|_| "could not make the file".to_owned())?;
    let url =
        web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| "no object URL".to_owned())?;
    let document = gloo::utils::document();
    let a: web_sys::HtmlAnchorElement = document
        .create_element("a")
        .map_err(|_| "no link".to_owned())?
        .unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    let _ = web_sys::Url::revoke_object_url(&url);
    Ok(())
}

#[function_component(Export)]
pub fn export(props: &Props) -> Html {
    let save = |name: &'static str, mime: &'static str, text: Rc<str>| {
        let on_notice = props.on_notice.clone();
        Callback::from(move |_: MouseEvent| {
            let notice = match download(name, mime, &text) {
                Ok(()) => format!("Saved {name}"),
                Err(e) => format!("Could not save {name}: {e}"),
            };
            on_notice.emit(notice);
        })
    };
    let copy = |what: &'static str, text: Rc<str>| {
        let on_notice = props.on_notice.clone();
        Callback::from(move |_: MouseEvent| {
            let on_notice = on_notice.clone();
            let text = text.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let clipboard = gloo::utils::window().navigator().clipboard();
                let notice =
                    match wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&text)).await {
                        Ok(_) => format!("Copied the {what} to the clipboard"),
                        Err(_) => format!(
                            "Could not copy the {what}: the browser refused clipboard access"
                        ),
                    };
                on_notice.emit(notice);
            });
        })
    };
    let l = &props.loaded;
    html! {
        <div class="export" role="group" aria-label="Export the report">
            <button id="export-json" onclick={save("cpguard-report.json", "application/json", l.json.clone())}>{"Download JSON"}</button>
            <button id="export-markdown" onclick={save("cpguard-report.md", "text/markdown", l.markdown.clone())}>{"Download Markdown"}</button>
            <button id="copy-json" onclick={copy("JSON", l.json.clone())}>{"Copy JSON"}</button>
            <button id="copy-markdown" onclick={copy("Markdown", l.markdown.clone())}>{"Copy Markdown"}</button>
        </div>
    }
}
