//! One input: a labelled text area with its file picker, drop target, "taken at" field and
//! the command that produces it.

use crate::model::line_range_utf16;
use crate::state::{FileInfo, Input, Jump, Slot};
use gloo::file::callbacks::FileReader;
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub slot: Slot,
    pub input: Input,
    pub hint: AttrValue,
    pub jump: Option<Jump>,
    /// Typed or pasted into the text area.
    pub on_edit: Callback<(Slot, Rc<str>)>,
    /// A file was picked or dropped: what was read, or why it could not be.
    pub on_file: Callback<(Slot, Result<FileRead, String>)>,
    pub on_clear: Callback<Slot>,
    /// The "taken at" field was edited.
    pub on_taken_at: Callback<(Slot, String)>,
}

/// A file read into an input.
#[derive(Clone, Debug, PartialEq)]
pub struct FileRead {
    pub file: FileInfo,
    pub text: Rc<str>,
    /// Its last-modified time, in Unix seconds.
    pub modified: Option<f64>,
}

/// Pixels per text-area line (the CSS sets `line-height: 18px` on `.input textarea`).
const LINE_PX: f64 = 18.0;

fn read_file(
    slot: Slot,
    file: web_sys::File,
    on_file: Callback<(Slot, Result<FileRead, String>)>,
) -> FileReader {
    let name = file.name();
    let modified = file.last_modified() / 1000.0;
    let file = gloo::file::File::from(file);
    let bytes = usize::try_from(file.size()).unwrap_or(usize::MAX);
    gloo::file::callbacks::read_as_text(&file, move |result| {
        let read = match result {
            Ok(text) => Ok(FileRead {
                file: FileInfo { name, bytes },
                text: Rc::from(text),
                modified: Some(modified),
            }),
            Err(e) => Err(format!("could not read {name}: {e}")),
        };
        on_file.emit((slot, read));
    })
}

#[function_component(InputPanel)]
pub fn input_panel(props: &Props) -> Html {
    let slot = props.slot;
    let id = slot.id();
    let reader = use_mut_ref(|| None::<FileReader>);
    let dragging = use_state(|| false);
    let textarea = use_node_ref();

    // Put the cursor on the line a diagnostic points at.
    {
        let textarea = textarea.clone();
        let text = props.input.text.clone();
        use_effect_with(props.jump, move |jump| {
            if let (Some(jump), Some(area)) = (jump, textarea.cast::<HtmlTextAreaElement>()) {
                if let Some((start, end)) = line_range_utf16(&text, jump.line) {
                    let _ = area.focus();
                    let _ = area.set_selection_range(start, end);
                    let top = (f64::from(jump.line.saturating_sub(3))) * LINE_PX;
                    #[allow(clippy::cast_possible_truncation)]
                    area.set_scroll_top(top as i32);
                }
            }
        });
    }

    let on_pick = {
        let on_file = props.on_file.clone();
        let reader = reader.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            else {
                return;
            };
            if let Some(file) = input.files().and_then(|files| files.get(0)) {
                *reader.borrow_mut() = Some(read_file(slot, file, on_file.clone()));
            }
            input.set_value("");
        })
    };
    let on_drop = {
        let on_file = props.on_file.clone();
        let reader = reader.clone();
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(false);
            if let Some(file) = e
                .data_transfer()
                .and_then(|d| d.files())
                .and_then(|f| f.get(0))
            {
                *reader.borrow_mut() = Some(read_file(slot, file, on_file.clone()));
            }
        })
    };
    let on_drag_over = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            if !*dragging {
                dragging.set(true);
            }
        })
    };
    let on_drag_leave = {
        let dragging = dragging.clone();
        Callback::from(move |_: DragEvent| dragging.set(false))
    };
    let on_input = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(area) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
            {
                on_edit.emit((slot, Rc::from(area.value())));
            }
        })
    };
    let on_clear = props.on_clear.reform(move |_: MouseEvent| slot);
    let on_taken_at = {
        let on_taken_at = props.on_taken_at.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                on_taken_at.emit((slot, input.value()));
            }
        })
    };

    let input = &props.input;
    let class = classes!("input", dragging.then_some("dragging"));
    let hint_id = format!("{id}-hint");
    let taken_id = format!("{id}-taken-at");
    let file_id = format!("{id}-file");
    html! {
        <div class={class} ondragover={on_drag_over} ondragleave={on_drag_leave} ondrop={on_drop} id={format!("{id}-panel")}>
            <div class="input-head">
                <label for={id} class="input-label">{slot.label()}</label>
                <span class="file-pick">
                    <label for={file_id.clone()} class="sr-only">{format!("Open a file for {}", slot.label())}</label>
                    <input type="file" id={file_id} onchange={on_pick} />
                </span>
                if !input.is_empty() {
                    <button class="small" onclick={on_clear} aria-label={format!("Clear {}", slot.label())}>{"Clear"}</button>
                }
            </div>
            <p class="hint" id={hint_id.clone()}>{"Get it with "}<code>{props.hint.clone()}</code>{", then paste it here or drop the file on this box."}
                if slot == Slot::Cluster {
                    {" On EKS, add "}<code>{format!("echo ---; {}", cpguard_core::catalog::EXPORT_EKS.command)}</code>{" inside the braces (EKS001–EKS003, support dates). Token Secrets are listed by name only: no Secret value is written."}
                }
            </p>
            if input.is_large() {
                <div class="file-card" id={id} tabindex="0" aria-describedby={hint_id}>
                    { match &input.file {
                        Some(f) => format!("{}: {} read from the file", f.name, cpguard_core::format::bytes(f.bytes as f64)),
                        None => format!("{} pasted", cpguard_core::format::bytes(input.text.len() as f64)),
                    } }
                    <span class="muted">{" (too large to edit here; Clear to start over)"}</span>
                </div>
            } else {
                <textarea
                    id={id}
                    ref={textarea}
                    rows="8"
                    spellcheck="false"
                    autocomplete="off"
                    aria-describedby={hint_id}
                    placeholder={if slot == Slot::Cluster { "apiVersion: v1\nkind: List\nitems: ..." } else { "# HELP apiserver_request_total ...\n# TYPE ..." }}
                    value={input.text.to_string()}
                    oninput={on_input}
                />
            }
            if slot != Slot::Cluster {
                <div class="taken-at">
                    <label for={taken_id.clone()}>{"Taken at"}</label>
                    <input
                        type="text"
                        id={taken_id}
                        value={input.taken_at.clone()}
                        placeholder="2026-11-27T12:00:00Z (empty: now for pasted text)"
                        oninput={on_taken_at}
                    />
                </div>
            }
        </div>
    }
}
