//! The splitters between the lesson, the workbench and the pictures: each a focusable
//! `role="separator"` that drags with the mouse (or a finger) and moves with the arrow keys, Home
//! and End. The widths live in one reducer, clamped so that no pane can vanish, and are kept in
//! the browser's localStorage so the layout a teacher set up for a projector stays.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Element, KeyboardEvent, PointerEvent};
use yew::prelude::*;

/// The localStorage key of the widths, as `lesson,pictures` in percent.
const KEY: &str = "dockyard.layout";
/// A side pane never gets narrower than this share of the row, nor wider than `SIDE_MAX`.
pub const SIDE_MIN: f64 = 15.0;
pub const SIDE_MAX: f64 = 45.0;
/// The terminal always keeps at least this share, since it is where the learner works.
pub const WORKBENCH_MIN: f64 = 30.0;
/// One arrow key press moves a splitter by this much; with Shift, by `BIG_STEP`.
pub const STEP: f64 = 2.0;
pub const BIG_STEP: f64 = 10.0;

/// Which splitter: the one right of the lesson, or the one left of the pictures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Lesson,
    Pictures,
}

/// The side panes' widths in percent of the row; the workbench takes the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Layout {
    pub lesson: f64,
    pub pictures: f64,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { lesson: 28.0, pictures: 28.0 }
    }
}

/// A change to the layout.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LayoutAction {
    /// The edge's pane becomes this wide (a drag).
    Set(Edge, f64),
    /// The edge's pane grows (or shrinks, when negative) by this much (the arrow keys).
    Grow(Edge, f64),
    /// The edge's pane becomes as narrow, or as wide, as it may (Home and End).
    Narrowest(Edge),
    Widest(Edge),
}

impl Layout {
    /// How narrow and how wide the edge's pane may be, given the other side pane's width.
    pub fn range(&self, edge: Edge) -> (f64, f64) {
        let other = match edge {
            Edge::Lesson => self.pictures,
            Edge::Pictures => self.lesson,
        };
        (SIDE_MIN, SIDE_MAX.min(100.0 - WORKBENCH_MIN - other).max(SIDE_MIN))
    }

    pub fn width(&self, edge: Edge) -> f64 {
        match edge {
            Edge::Lesson => self.lesson,
            Edge::Pictures => self.pictures,
        }
    }

    /// The layout with the edge's pane as near `width` as the other panes allow.
    fn with(self, edge: Edge, width: f64) -> Layout {
        let (min, max) = self.range(edge);
        let width = if width.is_finite() { width.clamp(min, max) } else { self.width(edge) };
        let width = (width * 10.0).round() / 10.0;
        match edge {
            Edge::Lesson => Layout { lesson: width, ..self },
            Edge::Pictures => Layout { pictures: width, ..self },
        }
    }

    /// Both widths within bounds, whatever they were (a stored layout may be from anywhere).
    pub fn clamped(self) -> Layout {
        let start = Layout {
            lesson: if self.lesson.is_finite() { self.lesson } else { Layout::default().lesson },
            pictures: if self.pictures.is_finite() { self.pictures } else { Layout::default().pictures },
        };
        let lesson = start.lesson.clamp(SIDE_MIN, SIDE_MAX);
        Layout { lesson, ..start }.with(Edge::Pictures, start.pictures).with(Edge::Lesson, lesson)
    }

    pub fn apply(self, action: LayoutAction) -> Layout {
        match action {
            LayoutAction::Set(edge, width) => self.with(edge, width),
            LayoutAction::Grow(edge, by) => self.with(edge, self.width(edge) + by),
            LayoutAction::Narrowest(edge) => self.with(edge, self.range(edge).0),
            LayoutAction::Widest(edge) => self.with(edge, self.range(edge).1),
        }
    }

    /// Reads a stored layout; anything unreadable is the default layout.
    pub fn parse(text: &str) -> Layout {
        let mut numbers = text.split(',').map(|n| n.trim().parse::<f64>().ok());
        match (numbers.next().flatten(), numbers.next().flatten(), numbers.next()) {
            (Some(lesson), Some(pictures), None) => Layout { lesson, pictures }.clamped(),
            _ => Layout::default(),
        }
    }

    pub fn text(&self) -> String {
        format!("{},{}", self.lesson, self.pictures)
    }

    /// The layout this browser kept, else the default.
    pub fn load() -> Layout {
        local_storage().and_then(|s| s.get_item(KEY).ok().flatten()).map_or_else(Layout::default, |t| Layout::parse(&t))
    }

    /// Keeps the layout; a browser that refuses (private mode, full storage) just forgets it.
    pub fn keep(&self) {
        if let Some(storage) = local_storage() {
            let _ = storage.set_item(KEY, &self.text());
        }
    }
}

impl Reducible for Layout {
    type Action = LayoutAction;

    fn reduce(self: Rc<Self>, action: LayoutAction) -> Rc<Self> {
        Rc::new(self.apply(action))
    }
}

pub fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// What a key does to the edge's pane, if anything. The arrows move the splitter itself: left
/// narrows the lesson but widens the pictures, which lie on the splitter's other side.
pub fn key_action(edge: Edge, key: &str, shift: bool) -> Option<LayoutAction> {
    let step = if shift { BIG_STEP } else { STEP };
    let towards_right = match key {
        "ArrowRight" | "ArrowDown" => step,
        "ArrowLeft" | "ArrowUp" => -step,
        "Home" => return Some(LayoutAction::Narrowest(edge)),
        "End" => return Some(LayoutAction::Widest(edge)),
        _ => return None,
    };
    Some(LayoutAction::Grow(
        edge,
        match edge {
            Edge::Lesson => towards_right,
            Edge::Pictures => -towards_right,
        },
    ))
}

#[derive(Properties, PartialEq)]
pub struct SplitterProps {
    pub edge: Edge,
    pub layout: Layout,
    /// The row of panes, whose box turns a pointer's position into a width.
    pub panes: NodeRef,
    pub on_change: Callback<LayoutAction>,
}

#[function_component(Splitter)]
pub fn splitter(props: &SplitterProps) -> Html {
    let dragging = use_state(|| false);
    let edge = props.edge;
    let (min, max) = props.layout.range(edge);
    let width = props.layout.width(edge);

    let onkeydown = {
        let on_change = props.on_change.clone();
        Callback::from(move |e: KeyboardEvent| {
            if let Some(action) = key_action(edge, &e.key(), e.shift_key()) {
                e.prevent_default();
                on_change.emit(action);
            }
        })
    };
    // The pointer is captured, so the drag goes on when it leaves the thin splitter.
    let onpointerdown = {
        let dragging = dragging.clone();
        Callback::from(move |e: PointerEvent| {
            if e.button() != 0 {
                return;
            }
            e.prevent_default();
            if let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) {
                let _ = target.set_pointer_capture(e.pointer_id());
                let _ = target.dyn_ref::<web_sys::HtmlElement>().map(|el| el.focus());
            }
            dragging.set(true);
        })
    };
    let onpointermove = {
        let (dragging, panes, on_change) = (dragging.clone(), props.panes.clone(), props.on_change.clone());
        Callback::from(move |e: PointerEvent| {
            if !*dragging {
                return;
            }
            let Some(row) = panes.cast::<Element>() else { return };
            let rect = row.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            let x = f64::from(e.client_x());
            let width = match edge {
                Edge::Lesson => (x - rect.left()) / rect.width() * 100.0,
                Edge::Pictures => (rect.right() - x) / rect.width() * 100.0,
            };
            on_change.emit(LayoutAction::Set(edge, width));
        })
    };
    let stop = {
        let dragging = dragging.clone();
        Callback::from(move |_: PointerEvent| dragging.set(false))
    };
    // Only the lesson pane has an id to point at; the pictures' splitter goes without.
    let (id, label, controls) = match edge {
        Edge::Lesson => ("split-lesson", "Resize the lesson and the terminal", Some("lesson-pane")),
        Edge::Pictures => ("split-pictures", "Resize the terminal and the pictures", None),
    };
    html! {
        <div {id} class={classes!("splitter", dragging.then_some("dragging"))} role="separator" tabindex="0"
            aria-orientation="vertical" aria-label={label} aria-controls={controls}
            aria-valuenow={format!("{}", width.round())} aria-valuemin={format!("{}", min.round())}
            aria-valuemax={format!("{}", max.round())} aria-valuetext={format!("{}% of the width", width.round())}
            title={format!("{label}: drag, or focus and use the arrow keys, Home and End")}
            {onkeydown} {onpointerdown} {onpointermove} onpointerup={stop.clone()} onpointercancel={stop}>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_clamp_so_no_pane_vanishes() {
        let layout = Layout::default();
        let narrow = layout.apply(LayoutAction::Set(Edge::Lesson, 1.0));
        assert_eq!(narrow.lesson, SIDE_MIN);
        // The lesson may take what the pictures and the workbench leave it.
        let wide = layout.apply(LayoutAction::Set(Edge::Lesson, 99.0));
        assert_eq!(wide.lesson, 100.0 - WORKBENCH_MIN - layout.pictures);
        let wide = layout.apply(LayoutAction::Narrowest(Edge::Pictures)).apply(LayoutAction::Set(Edge::Lesson, 99.0));
        assert_eq!(wide.lesson, SIDE_MAX);
        // With both sides wide, the workbench still keeps its share.
        let both = wide.apply(LayoutAction::Widest(Edge::Pictures));
        assert_eq!(both.pictures, 100.0 - WORKBENCH_MIN - SIDE_MAX);
        assert!(100.0 - both.lesson - both.pictures >= WORKBENCH_MIN);
        assert_eq!(layout.apply(LayoutAction::Set(Edge::Pictures, f64::NAN)), layout);
    }

    #[test]
    fn keys_move_the_splitter_not_the_pane() {
        let layout = Layout::default();
        let right = key_action(Edge::Lesson, "ArrowRight", false).unwrap();
        assert_eq!(layout.apply(right).lesson, layout.lesson + STEP);
        // Moving the pictures' splitter right narrows the pictures.
        let right = key_action(Edge::Pictures, "ArrowRight", true).unwrap();
        assert_eq!(layout.apply(right).pictures, layout.pictures - BIG_STEP);
        let home = key_action(Edge::Pictures, "Home", false).unwrap();
        assert_eq!(layout.apply(home).pictures, SIDE_MIN);
        let end = key_action(Edge::Lesson, "End", false).unwrap();
        assert_eq!(layout.apply(end).lesson, 100.0 - WORKBENCH_MIN - layout.pictures);
        assert_eq!(key_action(Edge::Lesson, "a", false), None);
    }

    #[test]
    fn stored_layouts_are_read_back_within_bounds() {
        let layout = Layout { lesson: 33.5, pictures: 20.0 };
        assert_eq!(Layout::parse(&layout.text()), layout);
        assert_eq!(Layout::parse("90,90"), Layout { lesson: SIDE_MAX, pictures: 100.0 - WORKBENCH_MIN - SIDE_MAX });
        assert_eq!(Layout::parse("nonsense"), Layout::default());
        assert_eq!(Layout::parse("20,20,20"), Layout::default());
        assert_eq!(Layout::parse("NaN,20"), Layout { lesson: Layout::default().lesson, pictures: 20.0 });
    }
}
