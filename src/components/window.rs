//! Which rows of a long list exist in the page: those in view plus a margin on each side. Rows
//! have one fixed height, so positions are arithmetic and the scroll height stands for the
//! whole list without a row for each item.

/// Every row's height in CSS pixels (the table's stylesheet gives rows exactly this height).
pub const ROW_HEIGHT: f64 = 56.0;
/// Rows kept beyond each edge of the view, so scrolling a little shows rows already made.
pub const MARGIN: usize = 8;

/// The rows to make for a view of the list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Window {
    /// First row made (with the margin).
    pub start: usize,
    /// One past the last row made (with the margin).
    pub end: usize,
    /// First row at least partly in view.
    pub first_seen: usize,
    /// One past the last row at least partly in view.
    pub end_seen: usize,
}

impl Window {
    /// The window of a list of `total` rows scrolled to `scroll_top` in a viewport
    /// `viewport` pixels high (both measured below the header). Anything non-finite or
    /// negative counts as zero; a total that shrank under the view clamps to the end.
    pub fn of(scroll_top: f64, viewport: f64, total: usize, margin: usize) -> Window {
        let clean = |v: f64| if v.is_finite() && v > 0.0 { v } else { 0.0 };
        let (scroll_top, viewport) = (clean(scroll_top), clean(viewport));
        if total == 0 {
            return Window::default();
        }
        let first = ((scroll_top / ROW_HEIGHT).floor() as usize).min(total - 1);
        let end_seen = (((scroll_top + viewport) / ROW_HEIGHT).ceil() as usize)
            .max(first + 1)
            .min(total);
        Window {
            start: first.saturating_sub(margin),
            end: end_seen.saturating_add(margin).min(total),
            first_seen: first,
            end_seen,
        }
    }

    /// How many rows are made.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// Whether no row is made.
    #[cfg(test)]
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }

    /// The space before the first row made and after the last, in pixels.
    pub fn spacers(&self, total: usize) -> (f64, f64) {
        (
            self.start as f64 * ROW_HEIGHT,
            total.saturating_sub(self.end) as f64 * ROW_HEIGHT,
        )
    }
}

/// A CSS length in whole pixels (spacers are multiples of the row height; integer formatting
/// keeps float formatting's code out of the wasm).
pub fn px(length: f64) -> String {
    format!("{}px", length.max(0.0).round() as u64)
}

/// Where to scroll so the row `index` is fully in a view `viewport` pixels high that is now at
/// `scroll_top`; `None` when it already is.
pub fn scroll_to_show(index: usize, scroll_top: f64, viewport: f64) -> Option<f64> {
    let top = index as f64 * ROW_HEIGHT;
    let bottom = top + ROW_HEIGHT;
    if top < scroll_top {
        Some(top)
    } else if bottom > scroll_top + viewport {
        Some((bottom - viewport).max(0.0))
    } else {
        None
    }
}

/// Where the row focus goes for a key, among `total` rows with `page` rows in view; `None`
/// for a key the list does not handle.
pub fn next_focus(key: &str, focus: Option<usize>, total: usize, page: usize) -> Option<usize> {
    if total == 0 {
        return None;
    }
    let last = total - 1;
    let page = page.max(1);
    let next = match (key, focus) {
        ("ArrowDown", None) | ("ArrowUp", None) | ("Home", _) => 0,
        ("ArrowDown", Some(at)) => (at + 1).min(last),
        ("ArrowUp", Some(at)) => at.saturating_sub(1).min(last),
        ("PageDown", at) => at.map_or(0, |at| at.saturating_add(page)).min(last),
        ("PageUp", at) => at.map_or(0, |at| at.saturating_sub(page)).min(last),
        ("End", _) => last,
        _ => return None,
    };
    Some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: f64 = ROW_HEIGHT;

    #[test]
    fn the_top_of_a_long_list_makes_the_rows_in_view_and_a_margin_below() {
        let window = Window::of(0.0, 10.0 * H, 100_000, MARGIN);
        assert_eq!((window.start, window.first_seen), (0, 0));
        assert_eq!(window.end_seen, 10);
        assert_eq!(window.end, 10 + MARGIN);
        let (above, below) = window.spacers(100_000);
        assert_eq!(above, 0.0);
        assert_eq!(below, (100_000 - window.end) as f64 * H);
    }

    #[test]
    fn a_scrolled_view_has_margins_on_both_sides_and_counts_partial_rows() {
        // Half a row scrolled past row 500: rows 500 (half) to 510 (half) are in view.
        let window = Window::of(500.5 * H, 10.0 * H, 100_000, 4);
        assert_eq!(window.first_seen, 500);
        assert_eq!(window.end_seen, 511);
        assert_eq!((window.start, window.end), (496, 515));
        assert_eq!(window.len(), 19);
        let (above, below) = window.spacers(100_000);
        assert_eq!(above + below + window.len() as f64 * H, 100_000.0 * H);
    }

    #[test]
    fn the_end_of_the_list_stops_at_the_last_row() {
        let window = Window::of(990.0 * H, 10.0 * H, 1_000, MARGIN);
        assert_eq!(
            (window.first_seen, window.end_seen, window.end),
            (990, 1_000, 1_000)
        );
        assert_eq!(window.spacers(1_000).1, 0.0);
    }

    #[test]
    fn a_total_that_shrinks_under_the_view_clamps_to_the_new_end() {
        // Scrolled to row 5,000 of a list that now has 20 rows.
        let window = Window::of(5_000.0 * H, 10.0 * H, 20, MARGIN);
        assert_eq!(window.first_seen, 19);
        assert_eq!(window.end_seen, 20);
        assert_eq!((window.start, window.end), (19 - MARGIN, 20));
        assert!(Window::of(5_000.0 * H, 10.0 * H, 0, MARGIN).is_empty());
    }

    #[test]
    fn resizing_the_view_makes_more_or_fewer_rows() {
        let small = Window::of(100.0 * H, 5.0 * H, 10_000, 0);
        let tall = Window::of(100.0 * H, 30.0 * H, 10_000, 0);
        assert_eq!(small.len(), 5);
        assert_eq!(tall.len(), 30);
        // A view not laid out yet still makes one row, so measuring can begin.
        assert_eq!(Window::of(0.0, 0.0, 10, 0).len(), 1);
    }

    #[test]
    fn nonsense_measurements_count_as_zero() {
        for bad in [f64::NAN, f64::INFINITY, -50.0] {
            let window = Window::of(bad, bad, 100, 2);
            assert_eq!(
                (window.start, window.first_seen, window.end_seen),
                (0, 0, 1)
            );
        }
    }

    #[test]
    fn showing_a_row_scrolls_only_as_far_as_needed() {
        let view = 10.0 * H;
        assert_eq!(scroll_to_show(5, 0.0, view), None);
        assert_eq!(scroll_to_show(10, 0.0, view), Some(H));
        assert_eq!(scroll_to_show(3, 8.0 * H, view), Some(3.0 * H));
        assert_eq!(scroll_to_show(99_999, 0.0, view), Some(99_990.0 * H));
    }

    #[test]
    fn keys_move_the_focus_within_the_list() {
        assert_eq!(next_focus("ArrowDown", None, 10, 5), Some(0));
        assert_eq!(next_focus("ArrowDown", Some(9), 10, 5), Some(9));
        assert_eq!(next_focus("ArrowUp", Some(0), 10, 5), Some(0));
        assert_eq!(next_focus("PageDown", Some(3), 10, 5), Some(8));
        assert_eq!(next_focus("PageDown", Some(8), 10, 5), Some(9));
        assert_eq!(next_focus("PageUp", Some(3), 10, 5), Some(0));
        assert_eq!(next_focus("End", Some(3), 10, 5), Some(9));
        assert_eq!(next_focus("Home", Some(3), 10, 5), Some(0));
        // A focus left past a list that shrank comes back inside it.
        assert_eq!(next_focus("ArrowUp", Some(50), 10, 5), Some(9));
        assert_eq!(next_focus("Enter", Some(3), 10, 5), None);
        assert_eq!(next_focus("ArrowDown", None, 0, 5), None);
    }
}
