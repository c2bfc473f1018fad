//! The code editor: a `<textarea>` whose text is transparent over a highlighted copy of it, with
//! line numbers and a marker on each line a hint or an error is about.
//!
//! The textarea stays the real editor (caret, selection, undo, the browser's own keys and
//! screen readers all work as in any text field); the coloured copy behind it only has to line
//! up, so both use the same font, padding and tab size, and the copy follows the textarea's
//! scrolling. Tab indents with spaces, so a keyboard user leaves the editor with Escape and then
//! Tab, and Ctrl-Enter builds. Below it, a status line gives the caret's line and column and the
//! hint on that line, so a hint is read where the caret is, not only by hovering a marker.

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlTextAreaElement, KeyboardEvent};
use yew::prelude::*;

use crate::highlight::{self, Tokens};

/// A line range a hint or an error is about, and what it says.
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    /// The first and last lines, 1-based.
    pub first: usize,
    pub last: usize,
    pub error: bool,
    pub message: String,
}

#[derive(Properties, PartialEq)]
pub struct EditorProps {
    /// The file's path, for the field's label.
    pub path: String,
    pub text: String,
    /// Colour the text as a Dockerfile (otherwise it shows plain).
    pub dockerfile: bool,
    pub marks: Vec<Mark>,
    /// Put the caret at the start of this line; the number changes with each request, so the
    /// same line can be asked for twice.
    pub goto: Option<(usize, u32)>,
    pub on_input: Callback<String>,
    /// Ctrl-Enter (or Cmd-Enter).
    pub on_build: Callback<()>,
}

/// How many columns Tab moves to the next stop of.
const TAB: usize = 4;

#[function_component(Editor)]
pub fn editor(props: &EditorProps) -> Html {
    let area = use_node_ref();
    let backdrop = use_node_ref();
    let gutter = use_node_ref();
    let caret = use_state(|| (1usize, 1usize));
    // Escape was just pressed: the next Tab leaves the editor instead of indenting.
    let leaving = use_mut_ref(|| false);

    let sync = {
        let (area, backdrop, gutter) = (area.clone(), backdrop.clone(), gutter.clone());
        move || {
            let Some(area) = area.cast::<HtmlElement>() else { return };
            if let Some(backdrop) = backdrop.cast::<HtmlElement>() {
                backdrop.set_scroll_top(area.scroll_top());
                backdrop.set_scroll_left(area.scroll_left());
            }
            if let Some(gutter) = gutter.cast::<HtmlElement>() {
                gutter.set_scroll_top(area.scroll_top());
            }
        }
    };
    {
        // New text can move the textarea's scrolling (a line added at the bottom).
        let sync = sync.clone();
        use_effect(sync);
    }
    {
        let (area, text) = (area.clone(), props.text.clone());
        use_effect_with(props.goto, move |goto| {
            if let (Some((line, _)), Some(field)) = (goto, area.cast::<HtmlTextAreaElement>()) {
                let at = offset_of_line(&text, *line) as u32;
                let _ = field.focus();
                let _ = field.set_selection_range(at, at);
                if let Some(height) = line_height(&field) {
                    let target = (*line as f64 - 1.0) * height - f64::from(field.client_height()) / 3.0;
                    field.set_scroll_top(target.max(0.0) as i32);
                }
            }
        });
    }

    let track = {
        let (area, caret) = (area.clone(), caret.clone());
        move || {
            if let Some(field) = area.cast::<HtmlTextAreaElement>() {
                let at = field.selection_end().ok().flatten().unwrap_or(0) as usize;
                caret.set(line_col_at(&field.value(), at));
            }
        }
    };
    let oninput = {
        let (on_input, track) = (props.on_input.clone(), track.clone());
        Callback::from(move |e: InputEvent| {
            let field: HtmlTextAreaElement = e.target_unchecked_into();
            on_input.emit(field.value());
            track();
        })
    };
    let onkeydown = {
        let (on_build, on_input, leaving) = (props.on_build.clone(), props.on_input.clone(), leaving.clone());
        Callback::from(move |e: KeyboardEvent| {
            let was_leaving = std::mem::replace(&mut *leaving.borrow_mut(), e.key() == "Escape");
            match e.key().as_str() {
                "Enter" if e.ctrl_key() || e.meta_key() => {
                    e.prevent_default();
                    on_build.emit(());
                }
                "Tab" if !was_leaving && !e.shift_key() && !e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                    e.prevent_default();
                    let field: HtmlTextAreaElement = e.target_unchecked_into();
                    indent(&field, &on_input);
                }
                _ => {}
            }
        })
    };
    let onscroll = {
        let sync = sync.clone();
        Callback::from(move |_: Event| sync())
    };
    let on_caret = {
        let track = track.clone();
        Callback::from(move |_: KeyboardEvent| track())
    };
    let on_click = Callback::from(move |_: MouseEvent| track());

    let lines: Vec<Tokens<'_>> =
        if props.dockerfile { highlight::dockerfile(&props.text) } else { highlight::plain(&props.text) };
    let mark_of = |line: usize| props.marks.iter().find(|m| (m.first..=m.last).contains(&line));
    let digits = lines.len().to_string().len();
    let (line, column) = *caret;
    let here = mark_of(line).map(|m| m.message.clone());
    html! {
        <div class="code-editor-wrap">
            <div class="code-editor" style={format!("--digits: {digits}")}>
                <div class="gutter" ref={gutter} aria-hidden="true">
                    <div class="gutter-lines">
                        { for (1..=lines.len()).map(|n| {
                            let mark = mark_of(n);
                            let starts = mark.is_some_and(|m| m.first == n);
                            html! {
                                <div class={classes!("ln", mark.map(|m| if m.error { "error" } else { "hint" }))}
                                    title={mark.map(|m| m.message.clone())}>
                                    if starts { <span class="marker">{ "●" }</span> }
                                    { n }
                                </div>
                            }
                        }) }
                    </div>
                </div>
                <div class="code-area">
                    <pre class="code-backdrop" ref={backdrop} aria-hidden="true"><div class="code-lines">
                        { for lines.iter().enumerate().map(|(i, tokens)| {
                            let mark = mark_of(i + 1);
                            html! {
                                <div class={classes!("code-line", mark.map(|m| if m.error { "error" } else { "hint" }))}>
                                    { for tokens.iter().map(|(kind, text)| html! { <span class={kind.class()}>{ *text }</span> }) }
                                </div>
                            }
                        }) }
                    </div></pre>
                    <textarea ref={area} class="code-input" id="editor-input" value={props.text.clone()}
                        aria-label={format!("Contents of {}", props.path)} aria-describedby="editor-status editor-keys"
                        spellcheck="false" autocomplete="off" autocapitalize="off" wrap="off"
                        {oninput} {onkeydown} {onscroll} onkeyup={on_caret} onclick={on_click} />
                </div>
            </div>
            <p class="editor-status" id="editor-status">
                <span class="caret">{ format!("Line {line}, column {column}") }</span>
                if let Some(message) = here { <span class="here">{ message }</span> }
            </p>
        </div>
    }
}

/// Inserts spaces to the next tab stop at the caret, through the browser's editing command when
/// it has one, so Ctrl-Z undoes it like typing.
fn indent(field: &HtmlTextAreaElement, on_input: &Callback<String>) {
    let value = field.value();
    let start = field.selection_start().ok().flatten().unwrap_or(0) as usize;
    let end = field.selection_end().ok().flatten().unwrap_or(0) as usize;
    let (_, column) = line_col_at(&value, start);
    let spaces = " ".repeat(TAB - (column - 1) % TAB);
    let document =
        web_sys::window().and_then(|w| w.document()).and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok());
    let inserted =
        document.is_some_and(|d| d.exec_command_with_show_ui_and_value("insertText", false, &spaces).unwrap_or(false));
    if !inserted {
        // The command fires the input event itself; setting the text by hand does not.
        let _ = field.set_range_text_with_start_and_end_and_mode(&spaces, start as u32, end as u32, "end");
        on_input.emit(field.value());
    }
}

/// The line height the textarea draws with, in pixels.
fn line_height(field: &HtmlTextAreaElement) -> Option<f64> {
    let style = web_sys::window()?.get_computed_style(field).ok()??;
    style.get_property_value("line-height").ok()?.trim_end_matches("px").parse().ok()
}

/// The 1-based line and column at `offset`, counted in UTF-16 units as a textarea counts them.
pub fn line_col_at(text: &str, offset: usize) -> (usize, usize) {
    let (mut line, mut column, mut units) = (1, 1, 0);
    for c in text.chars() {
        if units >= offset {
            break;
        }
        units += c.len_utf16();
        if c == '\n' {
            line += 1;
            column = 1;
        } else {
            column += 1;
        }
    }
    (line, column)
}

/// Where the 1-based `line` starts, in UTF-16 units; the end of the text past its last line.
pub fn offset_of_line(text: &str, line: usize) -> usize {
    let mut units = 0;
    for (n, piece) in text.split_inclusive('\n').enumerate() {
        if n + 1 == line {
            return units;
        }
        units += piece.encode_utf16().count();
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caret_offsets_count_as_a_textarea_does() {
        let text = "FROM a\nRUN é😀x\nCMD y";
        assert_eq!(line_col_at(text, 0), (1, 1));
        assert_eq!(line_col_at(text, 7), (2, 1));
        // 😀 is two UTF-16 units and one column.
        assert_eq!(line_col_at(text, 7 + 4 + 1 + 2), (2, 7));
        assert_eq!(offset_of_line(text, 3), 7 + 4 + 1 + 2 + 1 + 1);
        assert_eq!(offset_of_line(text, 1), 0);
        assert_eq!(offset_of_line(text, 9), text.encode_utf16().count());
    }
}
