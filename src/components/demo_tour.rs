//! Demo mode's first-visit tour: a banner at the top of the page that says everything is
//! simulated in this browser and what to try, in order. In the page's flow, it covers nothing;
//! "Got it" puts it away for good, and the simulation panel can bring it back.

use leptos::{html, prelude::*};
use leptos_router::components::A;

use crate::api::demo::{set_tour_dismissed, tour_dismissed};
use crate::components::focus::focus_test_id;
use crate::ids;

/// What the simulation panel and the tour share (demo mode, standalone): the layout provides
/// it, the panel and the tour read it.
#[derive(Debug, Clone, Copy)]
pub struct DemoUi {
    /// The simulation panel is open.
    pub panel_open: RwSignal<bool>,
    /// The tour is shown (not dismissed).
    pub tour_open: RwSignal<bool>,
    /// Bumped to move the keyboard to the tour when it is brought back.
    pub tour_focus: RwSignal<u32>,
}

impl DemoUi {
    /// Panel closed; the tour shown unless this browser dismissed it.
    pub fn new() -> DemoUi {
        DemoUi {
            panel_open: RwSignal::new(false),
            tour_open: RwSignal::new(!tour_dismissed()),
            tour_focus: RwSignal::new(0),
        }
    }

    /// The one in context, or a fresh one (a panel rendered on its own, as in tests).
    pub fn use_context() -> DemoUi {
        use_context::<DemoUi>().unwrap_or_default()
    }

    /// Brings the tour back and moves the keyboard to it ("Show the tour").
    pub fn show_tour(self) {
        self.panel_open.set(false);
        self.tour_open.set(true);
        set_tour_dismissed(false);
        self.tour_focus.update(|n| *n += 1);
    }
}

impl Default for DemoUi {
    fn default() -> Self {
        DemoUi::new()
    }
}

/// The tour as the layout shows it, wired to the shared [`DemoUi`]: hidden while the panel is
/// open; "Got it" remembers the dismissal and moves the keyboard to the Simulation button.
#[component]
pub fn DemoTourBanner() -> impl IntoView {
    let ui = DemoUi::use_context();
    let on_dismiss = Callback::new(move |()| {
        ui.tour_open.set(false);
        set_tour_dismissed(true);
        focus_test_id(ids::SIM_TOGGLE);
    });
    let on_open_panel = Callback::new(move |()| {
        ui.panel_open.set(true);
        focus_test_id(ids::SIM_TOGGLE);
    });
    view! {
        <DemoTour
            open=Signal::derive(move || ui.tour_open.get() && !ui.panel_open.get())
            focus_request=ui.tour_focus
            on_dismiss=on_dismiss
            on_open_panel=on_open_panel
        />
    }
}

/// The tour card, shown while `open` is true.
#[component]
pub fn DemoTour(
    /// Shown or hidden (hidden, it keeps its place in the DOM and takes no space).
    #[prop(into)]
    open: Signal<bool>,
    /// Bumped to move the keyboard to the card (when it is brought back on request).
    #[prop(into)]
    focus_request: Signal<u32>,
    /// "Got it" or Esc.
    on_dismiss: Callback<()>,
    /// The "Simulation" links: open the simulation panel.
    on_open_panel: Callback<()>,
) -> impl IntoView {
    let heading = NodeRef::<html::H2>::new();
    Effect::new(move |previous: Option<u32>| {
        let request = focus_request.get();
        // Not on first render: a first-time visitor's keyboard stays where the page put it.
        if previous.is_some_and(|p| p != request) {
            // After the frame that shows the card: a hidden element cannot take focus.
            request_animation_frame(move || {
                if open.get_untracked()
                    && let Some(heading) = heading.get_untracked()
                {
                    let _ = heading.focus();
                }
            });
        }
        request
    });
    let on_keydown = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            ev.stop_propagation();
            on_dismiss.run(());
        }
    };
    let simulation = move || {
        view! {
            <button type="button" class="link-button" on:click=move |_| on_open_panel.run(())>
                "Simulation"
            </button>
        }
    };
    view! {
        <aside
            class="demo-tour"
            aria-labelledby="demo-tour-title"
            data-testid=ids::DEMO_TOUR
            hidden=move || !open.get()
            on:keydown=on_keydown
        >
            <p class="demo-tour-kicker">"Demo"</p>
            <h2 class="demo-tour-title" id="demo-tour-title" tabindex="-1" node_ref=heading>
                "Try the console, risk-free"
            </h2>
            // Only the body scrolls on a short screen: the heading and "Got it" stay in view.
            <div class="demo-tour-body">
                <p class="demo-tour-lead">
                    "Everything here is simulated in this browser: no backend, no robots. What you change stays until you reset."
                </p>
                <ol class="demo-tour-steps">
                    <li>
                        <strong>"Deploy a package"</strong>
                        " from the "
                        <A href="/catalog">"Catalog"</A>
                        "."
                    </li>
                    <li>
                        <strong>"Watch it roll out"</strong>
                        ": its page's phase bar moves to Succeeded (find it under "
                        <A href="/deployments">"Deployments"</A>
                        ")."
                    </li>
                    <li>
                        <strong>"Update it"</strong>
                        " with the Update Deployment button on that page."
                    </li>
                    <li>
                        <strong>"Break a device"</strong>
                        ": in "
                        {simulation()}
                        ", take its device offline and update again. It fails with an "
                        <A href="/error-codes">"error code"</A>
                        "; bring the device back."
                    </li>
                    <li>
                        <strong>"Start over"</strong>
                        " with Reset in "
                        {simulation()}
                        ", where Speed makes phases faster."
                    </li>
                </ol>
            </div>
            <div class="demo-tour-actions">
                <button
                    type="button"
                    class="button button-small"
                    data-testid=ids::DEMO_TOUR_DISMISS
                    on:click=move |_| on_dismiss.run(())
                >
                    "Got it"
                </button>
            </div>
        </aside>
    }
}
