//! The page: renders [`App`] in place of the "loading" placeholder of `index.html`.

use cpguard_viewer::components::app::App;

fn main() {
    let root = gloo::utils::document().get_element_by_id("app");
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
