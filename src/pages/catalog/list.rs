//! The packages table (`/catalog`): search, category and sorting, all in the URL query.

use leptos::prelude::*;
use leptos_router::components::A;
use platform::wire::{CatalogFilter, Category, PackageSummary, catalog_order, compare_versions};

use crate::api::{encode, use_backend};
use crate::components::{
    copy_button::CopyButton,
    empty_state::EmptyState,
    icons::PackageIcon,
    load_state::{LoadError, TableSkeleton},
    page_header::{Crumb, PageHeader},
    sort_header::{SortHeader, SortState},
};
use crate::hooks::{UrlState, use_url_state};
use crate::ids;

/// The column the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortKey {
    /// Name, then version (the platform's order).
    Name,
    /// Version, then name.
    Version,
    /// Category, then name.
    Category,
}

/// The table's view state, kept in the URL query (`?q=&category=&sort=&desc=1`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogQuery {
    /// Search text (matched against names).
    pub search: String,
    /// Category filter (empty: all).
    pub category: String,
    /// Sort column.
    pub sort: SortKey,
    /// Descending.
    pub descending: bool,
}

impl CatalogQuery {
    /// Reads the query; unknown values fall back to the defaults.
    pub fn from_pairs(get: impl Fn(&str) -> Option<String>) -> CatalogQuery {
        CatalogQuery {
            search: get("q").unwrap_or_default(),
            category: get("category").unwrap_or_default(),
            sort: match get("sort").as_deref() {
                Some("version") => SortKey::Version,
                Some("category") => SortKey::Category,
                _ => SortKey::Name,
            },
            descending: get("desc").as_deref() == Some("1"),
        }
    }

    /// The query string (with `?`, or empty for the defaults).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        if !self.search.is_empty() {
            parts.push(format!("q={}", encode(&self.search)));
        }
        if !self.category.is_empty() {
            parts.push(format!("category={}", encode(&self.category)));
        }
        match self.sort {
            SortKey::Name => {}
            SortKey::Version => parts.push("sort=version".into()),
            SortKey::Category => parts.push("sort=category".into()),
        }
        if self.descending {
            parts.push("desc=1".into());
        }
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }

    /// The packages this view shows, in order.
    pub fn apply(&self, packages: &[PackageSummary]) -> Vec<PackageSummary> {
        let filter = CatalogFilter::new(&self.search, &self.category);
        let mut shown: Vec<PackageSummary> = packages
            .iter()
            .filter(|p| filter.matches(p))
            .cloned()
            .collect();
        let name = |p: &PackageSummary| p.package_name.to_lowercase();
        let version = |a: &PackageSummary, b: &PackageSummary| {
            compare_versions(&a.package_version, &b.package_version)
        };
        shown.sort_by(|a, b| {
            let order = match self.sort {
                SortKey::Name => catalog_order(a, b),
                SortKey::Version => version(a, b).then_with(|| name(a).cmp(&name(b))),
                SortKey::Category => {
                    (a.category.as_str(), name(a)).cmp(&(b.category.as_str(), name(b)))
                }
            };
            if self.descending {
                order.reverse()
            } else {
                order
            }
        });
        shown
    }
}

/// The package catalog.
#[component]
pub fn CatalogPage() -> impl IntoView {
    let backend = use_backend();
    let packages = LocalResource::new(move || {
        let backend = backend.clone();
        async move { backend.packages().await }
    });
    let (state, set_state) = use_url_state::<CatalogQuery>("/catalog");
    let on_search = {
        move |ev: leptos::ev::Event| {
            set_state.run(CatalogQuery {
                search: event_target_value(&ev),
                ..state.get_untracked()
            })
        }
    };
    let on_category = {
        move |ev: leptos::ev::Event| {
            set_state.run(CatalogQuery {
                category: event_target_value(&ev),
                ..state.get_untracked()
            })
        }
    };
    let sort_header = {
        move |key: SortKey, label: &'static str| {
            let sorted =
                Signal::derive(move || state.with(|s| SortState::of(s.sort == key, s.descending)));
            let on_sort = Callback::new(move |()| {
                let current = state.get_untracked();
                let descending = current.sort == key && !current.descending;
                set_state.run(CatalogQuery {
                    sort: key,
                    descending,
                    ..current
                });
            });
            view! { <SortHeader label=label state=sorted on_sort=on_sort /> }
        }
    };
    let clear = move || set_state.run(CatalogQuery::from_pairs(|_| None));
    let table = move || match packages.get() {
        None => view! { <TableSkeleton rows=6 /> }.into_any(),
        Some(Err(error)) => {
            view! { <LoadError what="the catalog" error=error retry=move |_| packages.refetch() /> }
                .into_any()
        }
        Some(Ok(all)) => {
            let shown = state.with(|s| s.apply(&all));
            if shown.is_empty() {
                let body = if all.is_empty() {
                    "The catalog has no packages yet.".to_string()
                } else {
                    "No package matches this search and category.".to_string()
                };
                return view! {
                    <div data-testid=ids::CATALOG_EMPTY>
                        <EmptyState title="No packages" body=body icon=view! { <PackageIcon /> }.into_any()>
                            <button type="button" class="button button-secondary" on:click=move |_| clear()>
                                "Clear search and filter"
                            </button>
                        </EmptyState>
                    </div>
                }
                .into_any();
            }
            let count = format!("{} of {} packages", shown.len(), all.len());
            view! {
                <div class="panel table-panel">
                    <table class="data-table" data-testid=ids::CATALOG_TABLE>
                        <caption class="visually-hidden">"Packages"</caption>
                        <thead>
                            <tr>
                                {sort_header(SortKey::Name, "Name")}
                                {sort_header(SortKey::Version, "Version")}
                                <th scope="col">"Package ID"</th>
                                <th scope="col">"Description"</th>
                                {sort_header(SortKey::Category, "Category")}
                            </tr>
                        </thead>
                        <tbody>
                            {shown.into_iter().map(|p| view! { <PackageRow package=p /> }).collect_view()}
                        </tbody>
                    </table>
                    <p class="table-foot" aria-live="polite">{count}</p>
                </div>
            }
            .into_any()
        }
    };
    view! {
        <PageHeader
            title="Catalog"
            trail=vec![Crumb::DEVELOPMENT]
            description="Packages you can deploy to the cloud and to your devices."
        />
        <div class="toolbar" role="search">
            <label class="toolbar-field">
                <span class="visually-hidden">"Search packages by name"</span>
                <input
                    type="search"
                    placeholder="Search by name"
                    data-testid=ids::CATALOG_SEARCH
                    prop:value=move || state.get().search
                    on:input=on_search
                />
            </label>
            <label class="toolbar-field">
                <span class="toolbar-label">"Category"</span>
                <select data-testid=ids::CATALOG_CATEGORY prop:value=move || state.get().category on:change=on_category>
                    <option value="">"All"</option>
                    {Category::KNOWN
                        .iter()
                        .map(|c| view! { <option value=c.as_str()>{c.as_str()}</option> })
                        .collect_view()}
                </select>
            </label>
        </div>
        {table}
    }
}

/// One row of the packages table.
#[component]
fn PackageRow(package: PackageSummary) -> impl IntoView {
    let href = format!("/catalog/{}", encode(&package.guid));
    let category_class = format!("chip chip-{}", package.category.as_str().to_lowercase());
    view! {
        <tr>
            <td>
                <A href=href attr:class="row-link">{package.package_name.clone()}</A>
            </td>
            <td>{package.package_version.clone()}</td>
            <td>
                <span class="id-cell">
                    <code>{package.guid.clone()}</code>
                    <CopyButton text=package.guid.clone() what="package ID" />
                </span>
            </td>
            <td class="ellipsis" title=package.description.clone()>{package.description.clone()}</td>
            <td>
                <span class=category_class>{package.category.to_string()}</span>
            </td>
        </tr>
    }
}

impl UrlState for CatalogQuery {
    fn read(get: &dyn Fn(&str) -> Option<String>) -> Self {
        CatalogQuery::from_pairs(get)
    }

    fn write(&self) -> String {
        self.to_query()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform::sim::seed;
    use platform::time::Millis;

    fn summaries() -> Vec<PackageSummary> {
        seed::packages(Millis(0))
            .into_iter()
            .map(|p| p.summary)
            .collect()
    }

    #[test]
    fn default_order_is_name_then_version() {
        let shown = CatalogQuery::from_pairs(|_| None).apply(&summaries());
        let names: Vec<&str> = shown.iter().map(|p| p.package_name.as_str()).collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }

    #[test]
    fn search_category_and_sorting_combine() {
        let query = CatalogQuery {
            search: "FLEET".into(),
            category: "Default".into(),
            sort: SortKey::Name,
            descending: true,
        };
        let names: Vec<String> = query
            .apply(&summaries())
            .into_iter()
            .map(|p| p.package_name)
            .collect();
        assert_eq!(names, ["fleet-dashboard", "fleet-bridge"]);
        let storage = CatalogQuery {
            category: "storage".into(),
            ..CatalogQuery::from_pairs(|_| None)
        };
        assert_eq!(storage.apply(&summaries()).len(), 1);
    }

    #[test]
    fn query_round_trips_through_the_url() {
        let query = CatalogQuery {
            search: "nav".into(),
            category: "Storage".into(),
            sort: SortKey::Version,
            descending: true,
        };
        let text = query.to_query();
        let pairs: Vec<(String, String)> = text
            .trim_start_matches('?')
            .split('&')
            .filter_map(|p| {
                p.split_once('=')
                    .map(|(k, v)| (k.to_string(), v.to_string()))
            })
            .collect();
        let back = CatalogQuery::from_pairs(|key| {
            pairs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        });
        assert_eq!(back, query);
        assert_eq!(CatalogQuery::from_pairs(|_| None).to_query(), "");
    }
}
