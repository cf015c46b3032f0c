//! The grouping of symbol names into crates and modules.

use super::*;

fn modules() -> BTreeSet<String> {
    [
        "api",
        "api::error",
        "api::http",
        "components",
        "components::modal",
        "pages",
        "pages::deploy",
        "pages::deployments",
        "pages::deployments::list",
        "pages::deployments::list::store",
    ]
    .into_iter()
    .map(String::from)
    .collect()
}

fn charged(item: &str) -> (String, String, Option<String>) {
    match classify(item, &modules()) {
        Part::Code(c) => (c.owner, c.definer, c.module),
        other => panic!("{item} is not code but {other:?}"),
    }
}

fn app(module: &str, definer: &str) -> (String, String, Option<String>) {
    (APP.into(), definer.into(), Some(module.into()))
}

fn plain(krate: &str) -> (String, String, Option<String>) {
    (krate.into(), krate.into(), None)
}

#[test]
fn the_consoles_functions_go_to_their_module() {
    assert_eq!(
        charged("rio_console::pages::deploy::__component_deploy_form::h3d09f2e36e12ec06"),
        app("pages::deploy", APP)
    );
    assert_eq!(
        charged(
            "rio_console::pages::deployments::list::store::Store::apply::{{closure}}::h0123456789abcdef"
        ),
        app("pages::deployments::list::store", APP)
    );
    // A function of a module is not a module: `api::fetch_json` is `api`.
    assert_eq!(
        charged("rio_console::api::fetch_json::h0123456789abcdef"),
        app("api", APP)
    );
    assert_eq!(
        charged("rio_console::api::Backend::new::h08af8c7b026155e9"),
        app("api", APP)
    );
    assert_eq!(
        charged("rio_console::__component_app::h0123456789abcdef"),
        app("", APP)
    );
}

#[test]
fn generics_instantiated_for_a_page_are_charged_to_the_page() {
    assert_eq!(
        charged(
            "core::ptr::drop_in_place<rio_console::pages::deployments::list::row::Row>::h0123456789abcdef"
        ),
        app("pages::deployments::list", "core")
    );
    assert_eq!(
        charged(
            "core::ptr::drop_in_place<alloc::vec::Vec<rio_console::components::modal::Modal>>::h0123456789abcdef"
        ),
        app("components::modal", "core")
    );
    assert_eq!(
        charged(
            "<rio_console::pages::deploy::Form as core::clone::Clone>::clone::h0123456789abcdef"
        ),
        app("pages::deploy", APP)
    );
    // The console before the platform crate when both are named.
    assert_eq!(
        charged(
            "core::ptr::drop_in_place<(platform::wire::Deployment,rio_console::api::http::Answer)>::h0123456789abcdef"
        ),
        app("api::http", "core")
    );
    assert_eq!(
        charged("core::ptr::drop_in_place<platform::wire::Deployment>::h0123456789abcdef"),
        ("platform".into(), "core".into(), None)
    );
}

#[test]
fn in_v0_names_the_page_that_instantiates_generic_code_is_charged() {
    // The resource's type names the api's error first; the page's closure comes last.
    assert_eq!(
        charged(
            "<reactive_graph[5c3c3d7305af2e08]::computed::async_derived::arc_async_derived::ArcAsyncDerived<core[c5930c85a12de822]::result::Result<alloc[3ca501edff3f0c7c]::vec::Vec<platform[1f2e3d4c5b6a7980]::wire::Deployment>, rio_console[78811c8730d7c938]::api::error::ApiError>>>::new_unsync_with_initial::<<leptos_server[0a1b2c3d4e5f6a7b]::local_resource::LocalResource<core[c5930c85a12de822]::result::Result<alloc[3ca501edff3f0c7c]::vec::Vec<platform[1f2e3d4c5b6a7980]::wire::Deployment>, rio_console[78811c8730d7c938]::api::error::ApiError>>>::new<rio_console[78811c8730d7c938]::pages::deployments::list::__component_deployments_list::{closure#1}::{closure#0}, _>::{closure#0}>"
        ),
        app("pages::deployments::list", "reactive_graph")
    );
    assert_eq!(
        charged(
            "<rio_console[78811c8730d7c938]::pages::deployments::list::__component_deployments_list::{closure#10} as tachys[536bb22860e44932]::reactive_graph::ReactiveFunction>::invoke"
        ),
        app("pages::deployments::list", APP)
    );
    assert_eq!(
        charged(
            "core[c5930c85a12de822]::ptr::drop_in_place::<core[c5930c85a12de822]::result::Result<platform[1f2e3d4c5b6a7980]::wire::Package, rio_console[78811c8730d7c938]::api::error::ApiError>>"
        ),
        app("api::error", "core")
    );
    // A std type's impl of a foreign trait lives with the trait.
    assert_eq!(
        charged(
            "<<alloc[3ca501edff3f0c7c]::boxed::Box<dyn core[c5930c85a12de822]::ops::function::FnOnce<(), Output = tachys[536bb22860e44932]::view::any_view::AnyView>> as leptos[40737615db1b9ec9]::into_view::IntoView>::into_view as tachys[536bb22860e44932]::view::Render>::build"
        ),
        plain("tachys")
    );
}

#[test]
fn other_functions_go_to_the_crate_of_their_outermost_path() {
    assert_eq!(
        charged("<F as tachys::reactive_graph::ReactiveFunction>::invoke::h636d9a2ba5cbcff7"),
        plain("tachys")
    );
    assert_eq!(
        charged("<alloc::vec::Vec<T,A> as core::ops::drop::Drop>::drop::h0123456789abcdef"),
        plain("alloc")
    );
    assert_eq!(
        charged(
            "<alloc::string::String as serde_core::ser::Serialize>::serialize::h0123456789abcdef"
        ),
        plain("serde_core")
    );
    assert_eq!(
        charged(
            "<leptos_router::matching::Routes<F> as leptos::IntoView>::into_view::h0123456789abcdef"
        ),
        plain("leptos_router")
    );
    assert_eq!(
        charged("<&isize as core[c5930c85a12de822]::fmt::Debug>::fmt"),
        plain("core")
    );
    assert_eq!(charged("<str>::to_lowercase"), plain("core"));
    assert_eq!(
        charged("<dyn core::any::Any>::is::h0123456789abcdef"),
        plain("core")
    );
    assert_eq!(
        charged("core[c5930c85a12de822]::fmt::write::h0123456789abcdef.llvm.1234"),
        plain("core")
    );
    assert_eq!(
        charged(
            "platform::sim::_::<impl serde_core::ser::Serialize for platform::sim::Platform>::serialize::h6dac7b53591d3ff0"
        ),
        plain("platform")
    );
    assert_eq!(
        charged("reactive_graph::graph::subscriber::untrack_with_diagnostics::h5bcd33f2c0abcb42"),
        plain("reactive_graph")
    );
    assert_eq!(
        charged("std::sys::platform::thing::h0123456789abcdef"),
        plain("std")
    );
}

#[test]
fn names_without_a_path_and_items_that_are_not_functions() {
    assert_eq!(charged("__wbindgen_malloc"), plain("wasm_bindgen"));
    assert_eq!(
        charged("Ref(String) -> Externref externref shim"),
        plain("wasm_bindgen")
    );
    assert_eq!(charged("memcpy"), plain("compiler_builtins"));
    assert_eq!(charged("__multi3"), plain("compiler_builtins"));
    assert_eq!(charged("intounderlyingsink_write"), plain(NO_PATH));
    assert_eq!(charged("code[6987]"), plain(NO_NAME));
    let m = modules();
    assert_eq!(classify("\"function names\" subsection", &m), Part::LeftOut);
    assert_eq!(classify("custom section 'producers'", &m), Part::LeftOut);
    assert_eq!(classify("data segment \".rodata\"", &m), Part::Data);
    for item in [
        "type[3]: (i32) -> nil",
        "import ./rio-console_bg.js::__wbg_fetch_1",
        "export \"main\"",
        "elem[0]",
        "code section headers",
        "wasm magic bytes",
    ] {
        assert_eq!(classify(item, &m), Part::Structure, "{item}");
    }
}

#[test]
fn every_crate_falls_in_a_row() {
    assert_eq!(bucket("leptos_router"), "leptos*");
    assert_eq!(bucket("serde_core"), "serde");
    assert_eq!(bucket("js_sys"), "web_sys/js_sys");
    assert_eq!(bucket("compiler_builtins"), "core/alloc/std");
    assert_eq!(bucket("hashbrown"), "others");
    assert!(BUCKETS.contains(&bucket(APP)));
}

#[test]
fn module_paths_come_from_the_source_files() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir_all(src.join("pages/deploy")).unwrap();
    for file in [
        "lib.rs",
        "main.rs",
        "config.rs",
        "pages/mod.rs",
        "pages/deploy/mod.rs",
        "pages/deploy/fields.rs",
    ] {
        std::fs::write(src.join(file), "").unwrap();
    }
    let found: Vec<String> = module_paths(src).unwrap().into_iter().collect();
    assert_eq!(
        found,
        ["config", "pages", "pages::deploy", "pages::deploy::fields"]
    );
}
