//! Entry point of the wasm build: mounts the console, nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(rio_console::App);
}
