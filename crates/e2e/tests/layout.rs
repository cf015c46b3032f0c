//! The layout at a laptop's width (1280 px) and a phone's (390 px), in demo mode, as a user
//! would judge it from a screenshot: no page scrolls sideways, every navigation entry is on
//! screen, no identifier is split across lines, no phase or status chip or column header of the
//! deployments table is cut short, the table's last column is in view, and the sidebar's
//! background runs the whole height of a long page. Screenshots of each screen at each width go
//! to `target/screenshots/layout-*.png`.

#![allow(clippy::unwrap_used, clippy::expect_used)] // A test: a failed expectation fails it.

use base64::Engine;
use rio_console::ids;
use rio_e2e::page::{dismiss_tour, run, test_id};
use rio_e2e::{Browser, ConfigJson, open};
use serde_json::json;
use std::io::Read;

/// The screens checked, by name and path (filled in from the demo's catalog and list).
async fn screens(browser: &Browser, site: &rio_e2e::Site) -> Vec<(&'static str, String)> {
    browser.goto(&site.url("/catalog")).await;
    browser
        .wait_css(&format!("{} tbody a.row-link", test_id(ids::CATALOG_TABLE)))
        .await;
    let package = run(
        browser,
        &format!(
            "return [...document.querySelectorAll('{} tbody a.row-link')].find(a => a.textContent.trim() === 'amr-navigation').getAttribute('href')",
            test_id(ids::CATALOG_TABLE)
        ),
        Vec::new(),
    )
    .await;
    let package = package
        .as_str()
        .expect("amr-navigation is in the demo catalog")
        .to_string();
    browser.goto(&site.url("/deployments")).await;
    browser.wait_css(&test_id(ids::DEPLOYMENT_ROW)).await;
    let deployment = run(
        browser,
        &format!(
            "return document.querySelector('{}').dataset.id",
            test_id(ids::DEPLOYMENT_ROW)
        ),
        Vec::new(),
    )
    .await;
    let deployment = deployment.as_str().expect("a deployment row").to_string();
    vec![
        ("catalog", "/catalog".to_string()),
        ("package", package.clone()),
        ("deploy", format!("{package}/deploy")),
        ("deployments", "/deployments".to_string()),
        ("details", format!("/deployments/{deployment}")),
        ("rollouts", "/rollouts".to_string()),
        ("error-codes", "/error-codes".to_string()),
    ]
}

/// What sticks out of the page sideways (outside any scrolling area), and words split across
/// lines: a name, ID or code broken into letter groups.
const DEFECTS: &str = r#"
const width = document.documentElement.clientWidth;
const outside = [];
for (const e of document.querySelectorAll('body *')) {
  const r = e.getBoundingClientRect();
  if (r.width === 0 || r.right <= width + 1) continue;
  let held = false;
  for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible' && p.getBoundingClientRect().right <= width + 1) { held = true; break; }
  }
  const parentOut = e.parentElement && e.parentElement.getBoundingClientRect().right > width + 1;
  if (!held && !parentOut) outside.push(`${e.tagName.toLowerCase()}.${e.className} ends at ${Math.round(r.right)} px`);
}
const split = [];
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
for (let node = walker.nextNode(); node; node = walker.nextNode()) {
  const text = node.textContent.trim();
  const parent = node.parentElement;
  if (!text || /\s/.test(text) || !parent || parent.closest('.break, .log-message, pre')) continue;
  const range = document.createRange();
  range.selectNodeContents(node);
  const lines = new Set([...range.getClientRects()].filter(r => r.width > 0).map(r => Math.round(r.top)));
  if (lines.size > 1) split.push(`"${text}" on ${lines.size} lines`);
}
return {
  sideways: document.documentElement.scrollWidth > window.innerWidth,
  outside: outside.slice(0, 5),
  split: split.slice(0, 5),
};
"#;

/// Navigation entries not wholly on screen, and whether the strip must scroll to show them.
const NAV: &str = r#"
const nav = document.querySelector('.app-nav');
const off = [...nav.querySelectorAll('a')]
  .filter(a => { const r = a.getBoundingClientRect(); return r.left < 0 || r.right > window.innerWidth + 1; })
  .map(a => a.textContent.trim());
return { off, scrolls: nav.scrollWidth > nav.clientWidth + 1 };
"#;

/// In the deployments table: chips, headers, dates and cells of controls whose content is cut
/// short,
/// and whether the last column's cells lie inside the visible part of the table's scrolling
/// area.
const TABLE: &str = r#"
const table = document.querySelector(arguments[0]);
const cut = [...table.querySelectorAll('.phase, .status, th, .cell-date')]
  .filter(e => e.scrollWidth > e.clientWidth + 1)
  .map(e => `${e.textContent.replace(/[▲▼]/g, '').trim()} needs ${e.scrollWidth} px, has ${e.clientWidth}`);
// Cells of chips and controls (names, IDs and packages may end in an ellipsis).
const crowded = [...table.querySelectorAll('td')]
  .filter(td => td.querySelector('.phase, .status, button, input') && td.scrollWidth > td.clientWidth + 1)
  .map(td => `a cell of ${td.textContent.trim() || 'a control'} needs ${td.scrollWidth} px, has ${td.clientWidth}`);
const scroller = table.closest('.table-scroll, .table-panel');
const edge = scroller.getBoundingClientRect().right;
const last = [...table.querySelectorAll('tr > :last-child')];
return { cut: [...new Set(cut.concat(crowded))], lastInView: last.length > 0 && last.every(c => c.getBoundingClientRect().right <= edge + 1) };
"#;

#[tokio::test]
async fn screens_fit_a_laptop_and_a_phone() {
    let (site, browser) = open(ConfigJson::FromDist, "/catalog").await;
    browser.wait_title("Catalog").await;
    dismiss_tour(&browser).await;
    let screens = screens(&browser, &site).await;
    // Every defect on every screen, so one run names them all.
    let mut defects = Vec::new();
    for (width, height) in [(1280, 800), (390, 844)] {
        browser.resize(width, height).await;
        for (name, path) in &screens {
            browser.goto(&site.url(path)).await;
            browser.wait_test_id(ids::PAGE_TITLE).await;
            // Settled: data in, no skeleton left.
            wait_settled(&browser).await;
            browser.screenshot(&format!("layout-{name}-{width}")).await;
            let found = browser.eval(DEFECTS).await;
            if found != json!({ "sideways": false, "outside": [], "split": [] }) {
                defects.push(format!("{name} at {width} px: {found}"));
            }
            let nav = browser.eval(NAV).await;
            if nav != json!({ "off": [], "scrolls": false }) {
                defects.push(format!("the navigation on {name} at {width} px: {nav}"));
            }
        }
        browser.goto(&site.url("/deployments")).await;
        browser.wait_css(&test_id(ids::DEPLOYMENT_ROW)).await;
        let table = deployments_table(&browser).await;
        // At a laptop's width the last column is in view; a phone scrolls the table sideways.
        let expected = json!({ "cut": [], "lastInView": width >= 1280 });
        if table != expected {
            defects.push(format!("the deployments table at {width} px: {table}"));
        }
    }

    // A long page at the laptop's width, scrolled to its end: the sidebar's column is still
    // the sidebar's colour at the bottom of the page, as at its top.
    browser.resize(1280, 800).await;
    let deploy = &screens
        .iter()
        .find(|(name, _)| *name == "deploy")
        .expect("deploy")
        .1;
    browser.goto(&site.url(deploy)).await;
    browser.wait_test_id(ids::PAGE_TITLE).await;
    wait_settled(&browser).await;
    let height = browser
        .eval("window.scrollTo(0, document.documentElement.scrollHeight); return document.documentElement.scrollHeight")
        .await
        .as_f64()
        .expect("a height");
    assert!(
        height > 2000.0,
        "the deploy form is a long page ({height} px)"
    );
    let top = pixel(&browser, 4.0, 70.0).await;
    let bottom = pixel(&browser, 4.0, height - 4.0).await;
    let main = pixel(&browser, 400.0, height - 4.0).await;
    assert_eq!(
        top, bottom,
        "the sidebar's colour at the top and the end of a long page"
    );
    assert_ne!(
        bottom, main,
        "the sidebar stands apart from the page beside it"
    );
    browser.screenshot("layout-deploy-1280-end").await;
    assert!(
        defects.is_empty(),
        "layout defects:\n{}",
        defects.join("\n")
    );

    // The embeddable list as the example host page frames it (half of a laptop's width), with
    // the longest phase: its chips and headers are whole.
    browser.resize(520, 800).await;
    browser
        .goto(&site.url("/widgets/deployments?label=site:osaka"))
        .await;
    browser.wait_css(&test_id(ids::DEPLOYMENT_ROW)).await;
    let table = deployments_table(&browser).await;
    assert_eq!(
        table,
        json!({ "cut": [], "lastInView": true }),
        "the list widget at 520 px"
    );
    browser.screenshot("layout-widget-520").await;
    browser.finish(&[]).await;
}

/// [`TABLE`] over the deployments table on screen.
async fn deployments_table(browser: &Browser) -> serde_json::Value {
    run(browser, TABLE, vec![json!(test_id(ids::DEPLOYMENTS_TABLE))]).await
}

/// Waits until no skeleton or loading placeholder is left on the page.
async fn wait_settled(browser: &Browser) {
    for _ in 0..100 {
        let busy = browser
            .eval("return document.querySelector('.skeleton, [aria-busy=true]') !== null")
            .await;
        if busy == json!(false) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the page kept loading");
}

/// The colour of the document's pixel at (`x`, `y`) (document coordinates), from a
/// one-pixel screenshot.
async fn pixel(browser: &Browser, x: f64, y: f64) -> Vec<u8> {
    let shot = browser
        .cdp(
            "Page.captureScreenshot",
            json!({
                "format": "png",
                "captureBeyondViewport": true,
                "clip": { "x": x, "y": y, "width": 1, "height": 1, "scale": 1 },
            }),
        )
        .await;
    let data = shot["data"].as_str().expect("screenshot data");
    let png = base64::engine::general_purpose::STANDARD
        .decode(data)
        .expect("base64 PNG");
    first_pixel(&png)
}

/// The first pixel of a PNG (8-bit RGB or RGBA, as Chromium writes them): its colour
/// channels.
fn first_pixel(png: &[u8]) -> Vec<u8> {
    let mut at = 8;
    let mut channels = 0;
    let mut idat = Vec::new();
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().expect("length")) as usize;
        let kind = &png[at + 4..at + 8];
        let body = &png[at + 8..at + 8 + len];
        match kind {
            b"IHDR" => {
                assert_eq!(body[8], 8, "8-bit channels");
                channels = match body[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
            }
            b"IDAT" => idat.extend_from_slice(body),
            _ => {}
        }
        at += 12 + len;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&idat[..])
        .read_to_end(&mut raw)
        .expect("inflate the image");
    // A filter byte, then the first pixel: with no neighbour to its left or above, every
    // filter predicts zero for it, so it is stored as it is.
    raw[1..1 + channels.min(3)].to_vec()
}
