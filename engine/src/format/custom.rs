//! Docker's `--format` values, as the CLI's formatter reads and renders them: `table TEMPLATE`
//! heads aligned columns with the columns' names, `json` prints each item as JSON, and anything
//! else is a template printed once per item.

use serde_json::Value as Json;

use super::tabwriter::tabwrite;
use crate::template::{Funcs, Shape, Template, TemplateError, MAX_OUTPUT};

/// A `--format` value the CLI refuses, or a template that fails on an item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// The CLI wraps both parse and execution errors so.
    #[error("template parsing error: {0}")]
    Template(#[from] TemplateError),
}

/// What a list's items are to docker's formatter: the Go type of its per-item context, which
/// errors name, and each field's column header.
#[derive(Debug, Clone, Copy)]
pub struct FormatContext {
    pub type_name: &'static str,
    pub headers: &'static [(&'static str, &'static str)],
}

/// A parsed `--format` value.
#[derive(Debug, Clone)]
pub struct CustomFormat {
    table: bool,
    template: Template,
}

impl CustomFormat {
    /// Reads `format` as the CLI does: a leading `table` asks for a header and aligned columns,
    /// the bare word `json` means `{{json .}}`, the rest is trimmed of spaces and the two-character
    /// sequences `\t` and `\n` become a tab and a newline.
    pub fn parse(format: &str) -> Result<Self, FormatError> {
        let table = format.starts_with("table");
        let text = if table {
            &format["table".len()..]
        } else if format == "json" {
            "{{json .}}"
        } else {
            format
        };
        let text = text.trim_matches(' ').replace("\\t", "\t").replace("\\n", "\n");
        Ok(CustomFormat { table, template: Template::parse(&text)? })
    }

    pub fn is_table(&self) -> bool {
        self.table
    }

    /// One line per item; a table's header comes first and the whole is aligned, minimum width
    /// 10 and padding 3. An item the template fails on stops everything, and nothing is printed.
    pub fn render(&self, items: &[Json], context: FormatContext) -> Result<String, FormatError> {
        let mut rows = String::new();
        for item in items {
            rows.push_str(&self.template.execute(item, Shape::Struct(context.type_name))?);
            rows.push('\n');
            if rows.len() > MAX_OUTPUT {
                return Err(too_large());
            }
        }
        if !self.table {
            return Ok(rows);
        }
        // Docker renders the header with stand-in functions over the map of column names, and
        // ignores its errors: the header is whatever was written before one.
        let headers: serde_json::Map<String, Json> =
            context.headers.iter().map(|(field, header)| (field.to_string(), Json::from(*header))).collect();
        let (header, _) = self.template.execute_partial(
            &Json::Object(headers),
            Shape::Header("formatter.SubHeaderContext"),
            Funcs::Header,
        );
        let out = tabwrite(&format!("{header}\n{rows}"), 10, 3);
        if out.len() > MAX_OUTPUT {
            return Err(too_large());
        }
        Ok(out)
    }
}

/// The error for output beyond the engine's limit, which no docker output comes near.
fn too_large() -> FormatError {
    FormatError::Template(TemplateError::Exec(format!("template: : output is larger than {MAX_OUTPUT} bytes")))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const CONTEXT: FormatContext = FormatContext {
        type_name: "*formatter.imageContext",
        headers: &[("ID", "IMAGE ID"), ("Repository", "REPOSITORY"), ("Tag", "TAG")],
    };

    fn items() -> Vec<Json> {
        vec![
            serde_json::json!({"ID": "0123456789ab", "Repository": "hello-world", "Tag": "latest"}),
            serde_json::json!({"ID": "ba9876543210", "Repository": "a", "Tag": "v1"}),
        ]
    }

    fn render(format: &str) -> Result<String, FormatError> {
        CustomFormat::parse(format)?.render(&items(), CONTEXT)
    }

    #[test]
    fn tables_get_headers_and_aligned_columns() {
        assert_eq!(
            render("table {{.Repository}}\\t{{.Tag}}\\t{{.ID}}").unwrap(),
            "REPOSITORY    TAG       IMAGE ID\nhello-world   latest    0123456789ab\na             v1        ba9876543210\n"
        );
        assert_eq!(
            render("table {{.Repository}}:{{lower .Tag}}").unwrap(),
            "REPOSITORY:TAG\nhello-world:latest\na:v1\n"
        );
        assert_eq!(render("table").unwrap(), "\n\n\n");
        let empty = CustomFormat::parse("table {{.ID}}").unwrap().render(&[], CONTEXT).unwrap();
        assert_eq!(empty, "IMAGE ID\n");
    }

    #[test]
    fn plain_templates_print_a_line_per_item_without_header() {
        assert_eq!(render("{{.ID}}: {{.Repository}}").unwrap(), "0123456789ab: hello-world\nba9876543210: a\n");
        assert_eq!(render("  {{.Tag}}\\n").unwrap(), "latest\n\nv1\n\n");
        assert_eq!(
            render("json").unwrap(),
            "{\"ID\":\"0123456789ab\",\"Repository\":\"hello-world\",\"Tag\":\"latest\"}\n{\"ID\":\"ba9876543210\",\"Repository\":\"a\",\"Tag\":\"v1\"}\n"
        );
        assert_eq!(render("JSON").unwrap(), "JSON\nJSON\n");
    }

    #[test]
    fn template_errors_are_wrapped_as_the_cli_wraps_them() {
        assert_eq!(
            render("{{.Foo}}").unwrap_err().to_string(),
            "template parsing error: template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.imageContext"
        );
        assert_eq!(
            render("table {{.ID}").unwrap_err().to_string(),
            "template parsing error: template: :1: bad character U+007D '}'"
        );
        assert_eq!(
            render("{{foo .ID}}").unwrap_err().to_string(),
            "template parsing error: template: :1: function \"foo\" not defined"
        );
    }
}
