//! The one wasm of the viewer. On the page, `main` renders [`App`] in place of the
//! "loading" placeholder of `index.html`; in the analysis worker (no window) it does nothing
//! and the worker calls [`worker_main`].

use cpguard_viewer::components::app::App;
use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    if web_sys::window().is_none() {
        return;
    }
    match gloo::utils::document().get_element_by_id("app") {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}

/// The worker's entry point (see `cpguard_viewer::worker`).
#[wasm_bindgen]
pub fn worker_main() {
    cpguard_viewer::worker::start();
}
