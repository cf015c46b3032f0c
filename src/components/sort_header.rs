//! A sortable table header: a button that shows and changes the sort, with `aria-sort`.

use leptos::prelude::*;

/// How a column is sorted now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortState {
    /// Not the sort column.
    None,
    /// Sorted by this column, ascending.
    Ascending,
    /// Sorted by this column, descending.
    Descending,
}

impl SortState {
    /// The state of a column: `is_column` when the table sorts by it.
    pub fn of(is_column: bool, descending: bool) -> SortState {
        match (is_column, descending) {
            (false, _) => SortState::None,
            (true, false) => SortState::Ascending,
            (true, true) => SortState::Descending,
        }
    }

    fn aria(self) -> &'static str {
        match self {
            SortState::None => "none",
            SortState::Ascending => "ascending",
            SortState::Descending => "descending",
        }
    }

    fn mark(self) -> &'static str {
        match self {
            SortState::None => "",
            SortState::Ascending => "▲",
            SortState::Descending => "▼",
        }
    }
}

/// A `<th>` whose button sorts the table by its column.
#[component]
pub fn SortHeader(
    /// The column's name.
    label: &'static str,
    /// How the column is sorted now.
    #[prop(into)]
    state: Signal<SortState>,
    /// Called when the user asks to sort by this column (again).
    on_sort: Callback<()>,
) -> impl IntoView {
    view! {
        <th scope="col" aria-sort=move || state.get().aria()>
            <button type="button" class="sort-button" on:click=move |_| on_sort.run(())>
                {label}
                <span class="sort-mark" aria-hidden="true">
                    {move || state.get().mark()}
                </span>
            </button>
        </th>
    }
}
