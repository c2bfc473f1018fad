//! The few parts of xterm.js the terminal uses, bound by hand: xterm.js and its fit addon load
//! as plain scripts before the app (see index.html), so they are globals.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};

#[wasm_bindgen]
extern "C" {
    /// `Terminal` from @xterm/xterm.
    #[wasm_bindgen(js_name = Terminal)]
    pub type XTerm;

    #[wasm_bindgen(constructor, js_class = "Terminal", catch)]
    pub fn new(options: &JsValue) -> Result<XTerm, JsValue>;

    #[wasm_bindgen(method)]
    pub fn open(this: &XTerm, parent: &HtmlElement);

    #[wasm_bindgen(method)]
    pub fn write(this: &XTerm, data: &str);

    #[wasm_bindgen(method)]
    pub fn focus(this: &XTerm);

    #[wasm_bindgen(method)]
    pub fn dispose(this: &XTerm);

    #[wasm_bindgen(method, js_name = hasSelection)]
    pub fn has_selection(this: &XTerm) -> bool;

    #[wasm_bindgen(method, js_name = getSelection)]
    pub fn selection(this: &XTerm) -> String;

    #[wasm_bindgen(method, getter)]
    pub fn cols(this: &XTerm) -> u32;

    #[wasm_bindgen(method, getter)]
    pub fn rows(this: &XTerm) -> u32;

    #[wasm_bindgen(method, getter)]
    pub fn textarea(this: &XTerm) -> Option<HtmlTextAreaElement>;

    #[wasm_bindgen(method, getter)]
    pub fn options(this: &XTerm) -> JsValue;

    /// `onData(listener)`: what the keyboard and pastes produce, as a pty would read it.
    #[wasm_bindgen(method, js_name = onData)]
    pub fn on_data(this: &XTerm, listener: &Closure<dyn FnMut(String)>) -> JsValue;

    /// Sees each key first; returning false keeps it from xterm.js, so the browser acts on it.
    #[wasm_bindgen(method, js_name = attachCustomKeyEventHandler)]
    pub fn attach_custom_key_event_handler(this: &XTerm, handler: &Closure<dyn FnMut(KeyboardEvent) -> bool>);

    #[wasm_bindgen(method, js_name = loadAddon)]
    pub fn load_addon(this: &XTerm, addon: &JsValue);
}

/// `FitAddon.FitAddon` from @xterm/addon-fit, which sizes the terminal to its element. Reached
/// through the global object: wasm-bindgen cannot bind a class inside a namespace of its name.
pub struct FitAddon(JsValue);

impl FitAddon {
    pub fn new() -> Result<FitAddon, JsValue> {
        let namespace = js_sys::Reflect::get(&js_sys::global(), &"FitAddon".into())?;
        let class: js_sys::Function = js_sys::Reflect::get(&namespace, &"FitAddon".into())?.dyn_into()?;
        js_sys::Reflect::construct(&class, &js_sys::Array::new()).map(FitAddon)
    }

    pub fn fit(&self) -> Result<(), JsValue> {
        let fit: js_sys::Function = js_sys::Reflect::get(&self.0, &"fit".into())?.dyn_into()?;
        fit.call0(&self.0).map(drop)
    }

    pub fn as_js(&self) -> &JsValue {
        &self.0
    }
}
