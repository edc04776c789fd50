//! Trunk must find exactly the wasm-bindgen the build links (it never downloads: --offline).

#[test]
fn trunk_pins_the_wasm_bindgen_of_cargo_lock() {
    let lock =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../Cargo.lock")).unwrap();
    let locked = lock
        .split("[[package]]")
        .find(|p| p.contains("\nname = \"wasm-bindgen\"\n"))
        .and_then(|p| p.lines().find_map(|l| l.strip_prefix("version = ")))
        .unwrap()
        .trim_matches('"')
        .to_owned();
    let trunk =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Trunk.toml")).unwrap();
    let pinned = trunk
        .lines()
        .find_map(|l| l.strip_prefix("wasm_bindgen = "))
        .unwrap()
        .trim_matches('"');
    assert_eq!(
        pinned, locked,
        "viewer/Trunk.toml's [tools] wasm_bindgen must equal Cargo.lock's"
    );
}
