//! Development > Catalog (docs/product.md §3.1): the packages table (search, category, sorting,
//! all in the URL query) and a package's detail page with **Deploy package**.

mod list;
mod package;

pub use list::{CatalogPage, CatalogQuery, SortKey};
pub use package::PackagePage;
