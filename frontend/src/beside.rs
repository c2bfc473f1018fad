//! Files `cargo xtask dist` puts beside the app, fetched when the page first needs them: the
//! simulated Docker Hub's layer blobs, and the lessons' rendered prose. The service worker
//! precaches them all, so they come offline too once the page has loaded online.

use wasm_bindgen::JsCast;

/// The bytes of the file at `path`, relative to the page; `what` names it in errors.
pub async fn fetch(path: &str, what: &str) -> Result<Vec<u8>, String> {
    // A failed fetch rejects with a TypeError whose message ("Failed to fetch") is what to show.
    let js = |e: wasm_bindgen::JsValue| match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => format!("{e:?}"),
    };
    let window = web_sys::window().ok_or("no window")?;
    let response: web_sys::Response =
        wasm_bindgen_futures::JsFuture::from(window.fetch_with_str(path)).await.map_err(js)?.dyn_into().map_err(js)?;
    if !response.ok() {
        return Err(format!("unexpected status fetching {what}: {}", response.status()));
    }
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(js)?).await.map_err(js)?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
