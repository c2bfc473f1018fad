//! Tests of the template language: each expected string is what Go 1.19's `text/template`
//! printed for the same template and data, with docker's functions installed and the data
//! decoded from JSON, except where noted.

use serde_json::json;

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn data() -> Json {
    json!({
        "Id": "sha256:abc", "Tags": ["a:1", "b:2"], "Config": {"Cmd": ["/hello"], "Labels": null, "Env": ["A=b"]},
        "Size": 8, "S": "Hi <&>", "E": "", "T": true, "Nul": null, "Empty": {}
    })
}

fn run(template: &str, data: &Json, shape: Shape) -> String {
    let result = Template::parse(template).and_then(|t| t.execute(data, shape));
    result.unwrap_or_else(|e| format!("ERR {e}"))
}

fn check(cases: &[(&str, &str)]) {
    let data = data();
    for (template, want) in cases {
        assert_eq!(run(template, &data, Shape::Map { missing_key_error: false }), *want, "{template:?}");
    }
}

#[test]
fn text_fields_and_dot() {
    check(&[
        ("plain text", "plain text"),
        ("{{.Id}}", "sha256:abc"),
        ("{{.Config.Cmd}}", "[/hello]"),
        ("{{.Config}}", "map[Cmd:[/hello] Env:[A=b] Labels:<nil>]"),
        ("{{.Tags}}", "[a:1 b:2]"),
        ("{{.Size}}", "8"),
        ("{{.T}}", "true"),
        ("{{.S}}", "Hi <&>"),
        ("{{.Nope}}", "<no value>"),
        ("{{.Nope.Deeper}}", "<no value>"),
        ("{{.Nul}}", "<no value>"),
        ("{{.Config.Labels}}", "<no value>"),
        ("{{.Empty}}", "map[]"),
        ("{{(.Config).Cmd}}", "[/hello]"),
    ]);
}

#[test]
fn literals() {
    check(&[
        (
            "{{\"str\"}} {{`raw`}} {{1}} {{-1}} {{0x10}} {{'a'}} {{true}} {{1.5}} {{1e3}} {{1e6}} {{1_000}}",
            "str raw 1 -1 16 97 true 1.5 1000 1e+06 1000",
        ),
        ("{{'\\n'}} {{\"\\u00e9\\t|\"}}", "10 é\t|"),
        ("{{2i}} {{1+2i}}", "(0+2i) (1+2i)"),
    ]);
}

#[test]
fn comments_and_trim_markers() {
    check(&[
        ("a{{/* note */}}b", "ab"),
        ("a {{- /* x */ -}} b", "ab"),
        ("a  {{- .Id -}}  b", "asha256:abcb"),
        ("a\n\n {{- .Id -}} \n\nb", "asha256:abcb"),
        ("a{{-3}}b", "a-3b"),
        ("a{{3 -}}  b", "a3b"),
    ]);
}

#[test]
fn pipelines() {
    check(&[
        ("{{.Config.Cmd | json}}", "[\"/hello\"]"),
        ("{{.Id | printf \"%s!\"}}", "sha256:abc!"),
        ("{{.Tags | len | printf \"%d tags\"}}", "2 tags"),
        ("{{\"a\" | printf \"%s-%s\" \"b\"}}", "b-a"),
        ("{{ .Id | printf \"%v\" | printf \"%q\" }}", "\"sha256:abc\""),
        ("{{(len .Tags)}}", "2"),
    ]);
}

#[test]
fn variables() {
    check(&[
        ("{{$x := .Id}}{{$x}}", "sha256:abc"),
        ("{{$x := 1}}{{$x = 2}}{{$x}}", "2"),
        ("{{$x := 1}}{{if true}}{{$x := 2}}{{$x}}{{end}}{{$x}}", "21"),
        ("{{$x := 1}}{{range .Tags}}{{$x = .}}{{end}}{{$x}}", "b:2"),
        ("{{$.Id}}", "sha256:abc"),
        ("{{range .Tags}}{{$.Size}}{{end}}", "88"),
        ("{{$x := .Config}}{{$x.Cmd}}", "[/hello]"),
    ]);
}

#[test]
fn if_else() {
    check(&[
        ("{{if .T}}yes{{else}}no{{end}}", "yes"),
        ("{{if .E}}yes{{else if .T}}elif{{else}}no{{end}}", "elif"),
        ("{{if .Nope}}y{{else}}n{{end}}{{if .Empty}}y{{else}}n{{end}}{{if .Tags}}y{{else}}n{{end}}", "nny"),
        ("{{if and .Id (eq (len .Tags) 2)}}ok{{end}}", "ok"),
    ]);
}

#[test]
fn range() {
    check(&[
        ("{{range .Tags}}[{{.}}]{{end}}", "[a:1][b:2]"),
        ("{{range $i, $t := .Tags}}{{$i}}={{$t}} {{end}}", "0=a:1 1=b:2 "),
        ("{{range $k, $v := .Config}}{{$k}}:{{$v}};{{end}}", "Cmd:[/hello];Env:[A=b];Labels:<no value>;"),
        ("{{range .Nope}}x{{else}}empty{{end}}", "empty"),
        ("{{range .Empty}}x{{else}}empty{{end}}", "empty"),
        ("{{range $i, $e := .Tags}}{{if eq $i 1}}{{break}}{{end}}{{$e}}{{end}}", "a:1"),
        ("{{range .Tags}}{{if eq . \"a:1\"}}{{continue}}{{end}}{{.}}{{end}}", "b:2"),
        ("{{range .Config.Cmd}}{{println .}}{{end}}", "/hello\n"),
    ]);
}

#[test]
fn with() {
    check(&[
        ("{{with .Config}}{{.Cmd}}{{end}}", "[/hello]"),
        ("{{with .Nope}}x{{else}}none{{end}}", "none"),
        ("{{with $x := .Config}}{{$x.Env}}{{end}}", "[A=b]"),
    ]);
}

#[test]
fn define_template_block() {
    check(&[
        ("{{define \"x\"}}X{{.}}{{end}}{{template \"x\" .Id}}", "Xsha256:abc"),
        ("{{block \"b\" .Size}}B{{.}}{{end}}", "B8"),
        (
            "{{template \"nope\"}}",
            "ERR template: :1:11: executing \"\" at <{{template \"nope\"}}>: template \"nope\" not defined",
        ),
    ]);
}

#[test]
fn docker_functions() {
    check(&[
        ("{{json .}}", "{\"Config\":{\"Cmd\":[\"/hello\"],\"Env\":[\"A=b\"],\"Labels\":null},\"E\":\"\",\"Empty\":{},\"Id\":\"sha256:abc\",\"Nul\":null,\"S\":\"Hi <&>\",\"Size\":8,\"T\":true,\"Tags\":[\"a:1\",\"b:2\"]}"),
        ("{{json .S}}", "\"Hi <&>\""),
        ("{{json .Nope}}", "null"),
        ("{{json 1.5}} {{json 1e21}}", "1.5 1e+21"),
        // Go says "expected []string; got []interface {}" here: see json_arrays_of_strings_are_string_slices.
        ("{{join .Config.Cmd \" \"}}", "/hello"),
        ("{{split .Id \":\"}}", "[sha256 abc]"),
        ("{{index (split .Id \":\") 1}}", "abc"),
        ("{{split \"abc\" \"\"}}", "[a b c]"),
        ("{{lower .S}} {{upper .S}} {{title \"hello wide world-x_y\"}}", "hi <&> HI <&> Hello Wide World-X_y"),
        ("{{upper \"ß\"}}", "ß"),
        ("{{truncate .Id 5}}", "sha25"),
        ("{{truncate .Id 100}}", "sha256:abc"),
        ("{{pad .Id 2 3}}|", "  sha256:abc   |"),
        ("{{pad .E 2 3}}|", "|"),
    ]);
}

#[test]
fn builtins() {
    check(&[
        ("{{index .Config \"Cmd\"}}", "[/hello]"),
        ("{{index .Config.Cmd 0}}", "/hello"),
        ("{{index .Config \"Nope\"}}", "<no value>"),
        ("{{index . \"Config\" \"Cmd\" 0}}", "/hello"),
        ("{{index .Id 0}}", "115"),
        ("{{len .Id}} {{len .Tags}} {{len .Config}}", "10 2 3"),
        ("{{slice .Id 1 3}} {{slice .Tags 1}}", "ha [b:2]"),
        ("{{eq .Id \"sha256:abc\"}} {{eq 1 1}} {{eq \"a\" \"b\" \"a\"}} {{ne 1 2}} {{lt 1 2}} {{le 2 2}} {{gt \"b\" \"a\"}} {{ge 1.5 2.5}}", "true true true true true true true false"),
        ("{{eq .Nope \"x\"}} {{eq .Nope .Nul}}", "false true"),
        ("{{and 1 0 2}} {{and 1 2}} {{or 0 \"\" \"x\"}} {{or 0 \"\"}} {{not .T}} {{not .E}}", "0 2 x  false true"),
        ("{{print 1 2 \"a\" \"b\" 3}}", "1 2ab3"),
        ("{{println 1 \"a\" .Nope}}", "1 a <nil>\n"),
        ("{{html \"<a href='x'>&\"}} {{js \"a'b<c>\"}} {{urlquery \"a b&c\"}}", "&lt;a href=&#39;x&#39;&gt;&amp; a\\'b\\u003Cc\\u003E a+b%26c"),
    ]);
}

#[test]
fn printf() {
    check(&[
        ("{{printf \"%s %d %v %q\" .Id 5 .Config.Cmd .S}}", "sha256:abc 5 [/hello] \"Hi <&>\""),
        ("{{printf \"%5.1f|%-6s|%06d|%x|%X|%t\" 3.14159 \"ab\" 42 255 \"hi\" .T}}", "  3.1|ab    |000042|ff|6869|true"),
        ("{{printf \"%d\" .Id}}", "%!d(string=sha256:abc)"),
        ("{{printf \"%s\"}}", "%!s(MISSING)"),
        ("{{printf \"%s\" 1 2}}", "%!s(int=1)%!(EXTRA int=2)"),
        ("{{printf \"%v %v\" .Nope .Nul}}", "<nil> <nil>"),
        ("{{printf \"%q\" .Tags}}", "[\"a:1\" \"b:2\"]"),
        ("{{printf \"%T %T %T\" 1 \"a\" .Tags}}", "int string []interface {}"),
    ]);
}

#[test]
fn parse_errors() {
    check(&[
        ("{{.X }", "ERR template: :1: unexpected \"}\" in operand"),
        ("{{.X}", "ERR template: :1: bad character U+007D '}'"),
        ("{{foo}}", "ERR template: :1: function \"foo\" not defined"),
        ("{{end}}", "ERR template: :1: unexpected {{end}}"),
        ("{{else}}", "ERR template: :1: unexpected {{else}}"),
        ("{{if}}{{end}}", "ERR template: :1: missing value for if"),
        ("{{if .T}}", "ERR template: :1: unexpected EOF"),
        ("{{if .T}}{{else}}{{else}}{{end}}", "ERR template: :1: expected end; found {{else}}"),
        ("{{range $a, $b, $c := .X}}{{end}}", "ERR template: :1: too many declarations in range"),
        ("{{$a, $b := 1}}", "ERR template: :1: too many declarations in command"),
        ("{{$y}}", "ERR template: :1: undefined variable \"$y\""),
        ("{{break}}", "ERR template: :1: {{break}} outside {{range}}"),
        ("{{ }}", "ERR template: :1: missing value for command"),
        ("{{| .X}}", "ERR template: :1: unexpected \"|\" in command"),
        ("{{\"unterminated}}", "ERR template: :1: unterminated quoted string"),
        ("{{`unterminated}}", "ERR template: :1: unterminated raw quoted string"),
        ("{{'ab'}}", "ERR template: :1: malformed character constant: 'ab'"),
        ("{{3x}}", "ERR template: :1: bad number syntax: \"3x\""),
        ("{{089}}", "ERR template: :1: integer overflow: \"089\""),
        ("{{99999999999999999999}}", "ERR template: :1: integer overflow: \"99999999999999999999\""),
        ("{{1e400}}", "ERR template: :1: illegal number syntax: \"1e400\""),
        ("{{.Id#}}", "ERR template: :1: bad character U+0023 '#'"),
        ("{{:x}}", "ERR template: :1: expected :="),
        ("{{(}}", "ERR template: :1: unclosed left paren"),
        ("{{)}}", "ERR template: :1: unexpected \")\" in command"),
        ("{{(1}}", "ERR template: :1: unclosed left paren"),
        ("{{\"\\z\"}}", "ERR template: :1: invalid syntax"),
        ("{{/* unclosed", "ERR template: :1: unclosed comment"),
        ("{{/* a */ x}}", "ERR template: :1: comment ends before closing delimiter"),
        ("{{nil.X}}", "ERR template: :1: unexpected . after term \"nil\""),
        ("{{.Id | 1}}", "ERR template: :1: non executable command in pipeline stage 2"),
        ("{{define}}", "ERR template: :1: unexpected \"}}\" in define clause"),
        ("line1\n{{\"x\"\n\"y\"\n", "ERR template: :4: unclosed action started at :2"),
        ("{{\n\n\n\n\n", "ERR template: :6: unclosed action started at :1"),
        (
            "{{define \"a\"}}a{{end}}{{define \"a\"}}b{{end}}",
            "ERR template: :1: template: multiple definition of template \"a\"",
        ),
        ("{{range .X}}{{break 1}}{{end}}", "ERR template: :1: unexpected \"1\" in {{break}}"),
        ("{{with $x := 1}}{{end}}{{$x}}", "ERR template: :1: undefined variable \"$x\""),
    ]);
}

#[test]
fn exec_errors() {
    check(&[
        ("{{.Nul.X}}", "ERR template: :1:6: executing \"\" at <.Nul.X>: nil pointer evaluating interface {}.X"),
        ("{{.Id.X}}", "ERR template: :1:5: executing \"\" at <.Id.X>: can't evaluate field X in type interface {}"),
        ("{{.Tags.X}}", "ERR template: :1:7: executing \"\" at <.Tags.X>: can't evaluate field X in type interface {}"),
        ("line1\n  {{.Id.Y}}", "ERR template: :2:7: executing \"\" at <.Id.Y>: can't evaluate field Y in type interface {}"),
        ("{{if .T}}\n{{.Id.Bad}}\n{{end}}", "ERR template: :2:5: executing \"\" at <.Id.Bad>: can't evaluate field Bad in type interface {}"),
        ("{{(index .Config.Cmd 0).Foo}}", "ERR template: :1:21: executing \"\" at <0>: can't evaluate field Foo in type string"),
        ("{{nil}}", "ERR template: :1:2: executing \"\" at <nil>: nil is not a command"),
        ("{{1 2}}", "ERR template: :1:2: executing \"\" at <1>: can't give argument to non-function 1"),
        ("{{.Id 1}}", "ERR template: :1:2: executing \"\" at <.Id>: Id is not a method but has arguments"),
        ("{{\"x\" | .Id}}", "ERR template: :1:8: executing \"\" at <.Id>: Id is not a method but has arguments"),
        ("{{index .Config.Cmd 1}}", "ERR template: :1:2: executing \"\" at <index .Config.Cmd 1>: error calling index: reflect: slice index out of range"),
        ("{{index .Config.Cmd 5}}", "ERR template: :1:2: executing \"\" at <index .Config.Cmd 5>: error calling index: index out of range: 5"),
        ("{{index .Config.Cmd \"x\"}}", "ERR template: :1:2: executing \"\" at <index .Config.Cmd \"x\">: error calling index: cannot index slice/array with type string"),
        ("{{index .Config 1}}", "ERR template: :1:2: executing \"\" at <index .Config 1>: error calling index: value has type int; should be string"),
        ("{{index .Nope 1}}", "ERR template: :1:2: executing \"\" at <index .Nope 1>: error calling index: index of untyped nil"),
        ("{{index .T 1}}", "ERR template: :1:2: executing \"\" at <index .T 1>: error calling index: can't index item of type bool"),
        ("{{range .Id}}x{{end}}", "ERR template: :1:8: executing \"\" at <.Id>: range can't iterate over sha256:abc"),
        ("{{len .Nope}}", "ERR template: :1:2: executing \"\" at <len .Nope>: error calling len: reflect: call of reflect.Value.Type on zero Value"),
        ("{{len .Nul}}", "ERR template: :1:2: executing \"\" at <len .Nul>: error calling len: len of nil pointer"),
        ("{{eq .Id 1}}", "ERR template: :1:2: executing \"\" at <eq .Id 1>: error calling eq: incompatible types for comparison"),
        ("{{eq .Tags .Tags}}", "ERR template: :1:2: executing \"\" at <eq .Tags .Tags>: error calling eq: non-comparable type [a:1 b:2]: []interface {}"),
        ("{{lt .Tags 1}}", "ERR template: :1:2: executing \"\" at <lt .Tags 1>: error calling lt: invalid type for comparison"),
        ("{{lt true false}}", "ERR template: :1:2: executing \"\" at <lt true false>: error calling lt: invalid type for comparison"),
        ("{{eq 1}}", "ERR template: :1:2: executing \"\" at <eq 1>: error calling eq: missing argument for comparison"),
        ("{{and}}", "ERR template: :1:2: executing \"\" at <and>: wrong number of args for and: want at least 1 got 0"),
        ("{{len 1 2}}", "ERR template: :1:2: executing \"\" at <len>: wrong number of args for len: want 1 got 2"),
        ("{{slice .Id 3 1}}", "ERR template: :1:2: executing \"\" at <slice .Id 3 1>: error calling slice: invalid slice index: 3 > 1"),
        ("{{call .Id}}", "ERR template: :1:2: executing \"\" at <call .Id>: error calling call: non-function of type string"),
        ("{{join .Id \",\"}}", "ERR template: :1:7: executing \"\" at <.Id>: wrong type for value; expected []string; got string"),
        ("{{join \"a\" \"b\"}}", "ERR template: :1:7: executing \"\" at <\"a\">: can't handle \"a\" for arg of type []string"),
        ("{{truncate .Id \"x\"}}", "ERR template: :1:15: executing \"\" at <\"x\">: expected integer; found \"x\""),
        ("{{truncate .Id -1}}", "ERR template: :1:2: executing \"\" at <truncate .Id -1>: error calling truncate: runtime error: slice bounds out of range [:-1]"),
        ("{{pad .Id -1 0}}", "ERR template: :1:2: executing \"\" at <pad .Id -1 0>: error calling pad: strings: negative Repeat count"),
        ("{{lower 1}}", "ERR template: :1:8: executing \"\" at <1>: expected string; found 1"),
        ("{{lower nil}}", "ERR template: :1:8: executing \"\" at <nil>: cannot assign nil to string"),
        ("{{lower .Nope}}", "ERR template: :1:8: executing \"\" at <.Nope>: invalid value; expected string"),
        ("{{lower .Nul}}", "ERR template: :1:8: executing \"\" at <.Nul>: wrong type for value; expected string; got interface {}"),
        ("{{lower .Tags}}", "ERR template: :1:8: executing \"\" at <.Tags>: wrong type for value; expected string; got []interface {}"),
    ]);
}

#[test]
fn missing_keys_can_be_errors() {
    let data = data();
    let shape = Shape::Map { missing_key_error: true };
    assert_eq!(
        run("{{.Nope}}", &data, shape),
        "ERR template: :1:2: executing \"\" at <.Nope>: map has no entry for key \"Nope\""
    );
    assert_eq!(
        run("{{.Config.Nope}}", &data, shape),
        "ERR template: :1:9: executing \"\" at <.Config.Nope>: map has no entry for key \"Nope\""
    );
    // `index` yields the zero value instead, as in Go.
    assert_eq!(run("{{index .Config \"Nope\"}}", &data, shape), "<no value>");
}

#[test]
fn docker_contexts_are_structs_of_methods() {
    let data = json!({"ID": "0123456789ab", "Repository": "hello-world", "Tag": "latest"});
    let shape = Shape::Struct("*formatter.imageContext");
    assert_eq!(run("{{.Repository}}:{{.Tag}}", &data, shape), "hello-world:latest");
    assert_eq!(
        run("{{.Foo}}", &data, shape),
        "ERR template: :1:2: executing \"\" at <.Foo>: can't evaluate field Foo in type *formatter.imageContext"
    );
    assert_eq!(
        run("{{.ID.Foo}}", &data, shape),
        "ERR template: :1:5: executing \"\" at <.ID.Foo>: can't evaluate field Foo in type string"
    );
    assert_eq!(
        run("{{.ID 1}}", &data, shape),
        "ERR template: :1:2: executing \"\" at <.ID>: wrong number of args for ID: want 0 got 1"
    );
    assert_eq!(
        run("{{len .}}", &data, shape),
        "ERR template: :1:2: executing \"\" at <len .>: error calling len: len of type formatter.imageContext"
    );
    assert_eq!(
        run("{{lower .}}", &data, shape),
        "ERR template: :1:8: executing \"\" at <.>: wrong type for value; expected string; got *formatter.imageContext"
    );
    // Docker's contexts marshal their methods as a map, so keys come sorted.
    assert_eq!(run("{{json .}}", &data, shape), r#"{"ID":"0123456789ab","Repository":"hello-world","Tag":"latest"}"#);
}

#[test]
fn json_arrays_of_strings_are_string_slices() {
    // Go's raw JSON decoding has `[]interface {}` here, which `join` refuses; docker's typed
    // structs have `[]string`, which it takes, and that is what users see.
    let data = data();
    assert_eq!(run("{{join .Tags \", \"}}", &data, Shape::Map { missing_key_error: false }), "a:1, b:2");
}

#[test]
fn headers_run_with_docker_header_functions() {
    let headers = json!({"ID": "IMAGE ID", "Size": "SIZE"});
    let t = Template::parse("{{json .ID}}\t{{upper .Size}}\t{{.Nope}}\t{{index . \"Nope\"}}|").unwrap();
    let (out, result) = t.execute_partial(&headers, Shape::Header("formatter.SubHeaderContext"), Funcs::Header);
    assert_eq!((out.as_str(), result), ("IMAGE ID\tSIZE\t<no value>\t|", Ok(())));
    // A failing header keeps what it wrote before the error.
    let t = Template::parse("A {{json .}} B").unwrap();
    let (out, result) = t.execute_partial(&headers, Shape::Header("formatter.SubHeaderContext"), Funcs::Header);
    assert_eq!(out, "A ");
    assert_eq!(
        result.unwrap_err().to_string(),
        "template: :1:9: executing \"\" at <.>: wrong type for value; expected string; got formatter.SubHeaderContext"
    );
}
