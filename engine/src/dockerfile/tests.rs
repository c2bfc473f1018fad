//! Tests of the parser on whole Dockerfiles: the reference's examples and BuildKit's behaviour,
//! each expected tree and error text being what BuildKit's parser and `instructions` package
//! give for the same file.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn kinds(source: &str) -> Vec<InstructionKind> {
    match parse(source) {
        Ok(file) => file.instructions.into_iter().map(|i| i.kind).collect(),
        Err(e) => panic!("{source:?} failed: {e}"),
    }
}

fn kind(source: &str) -> InstructionKind {
    kinds(source).pop().unwrap()
}

fn error(source: &str) -> String {
    match parse(source) {
        Ok(file) => panic!("{source:?} parsed: {file:?}"),
        Err(e) => e.to_string(),
    }
}

/// Go's `strconv.Quote` for the characters these tests use, as BuildKit's `Node.Dump` prints.
fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' | '\\' => out.extend(['\\', c]),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out + "\""
}

/// The first phase's tree in BuildKit's dump format: `(env "a" "1" "=")`.
fn dump(source: &str) -> Vec<String> {
    let tree = parse::parse_nodes(source).unwrap_or_else(|e| panic!("{source:?}: {e}"));
    let node_dump = |node: &parse::Node| {
        let mut out = node.name.to_lowercase();
        if !node.flags.is_empty() {
            let flags: Vec<String> = node.flags.iter().map(|f| quote(f)).collect();
            out.push_str(&format!(" [{}]", flags.join(" ")));
        }
        for arg in &node.args {
            out.push_str(&format!(" {}", quote(arg)));
        }
        format!("({out})")
    };
    tree.nodes.iter().map(node_dump).collect()
}

fn s(text: &str) -> String {
    text.to_string()
}

fn shell(text: &str) -> Command {
    Command::Shell(s(text))
}

fn exec(args: &[&str]) -> Command {
    Command::Exec(args.iter().map(|a| s(a)).collect())
}

fn pos(line: usize, column: usize) -> Position {
    Position { line, column }
}

fn run(command: Command, heredocs: Vec<Heredoc>) -> InstructionKind {
    InstructionKind::Run { command, heredocs, mounts: vec![], network: None, security: None, devices: vec![] }
}

fn heredoc(name: &str, content: &str, expand: bool, strip_tabs: bool) -> Heredoc {
    Heredoc { name: s(name), content: s(content), expand, strip_tabs }
}

fn copy(sources: &[&str], dest: &str) -> InstructionKind {
    InstructionKind::Copy {
        sources: sources.iter().map(|a| s(a)).collect(),
        dest: s(dest),
        from: None,
        chown: None,
        chmod: None,
        link: false,
        heredocs: vec![],
        exclude: vec![],
        parents: false,
    }
}

#[test]
fn a_multi_stage_build_with_spans_and_history_text() {
    let source = "# syntax=docker/dockerfile:1\n\
                  FROM golang:1.21 AS build\n\
                  WORKDIR /src\n\
                  COPY <<EOF ./main.go\n\
                  package main\n\
                  EOF\n\
                  RUN go build -o /bin/hello \\\n    ./main.go\n\
                  \n\
                  FROM scratch\n\
                  COPY --from=build /bin/hello /bin/hello\n\
                  CMD [\"/bin/hello\"]\n";
    let file = parse(source).unwrap();
    assert_eq!(file.directives, Directives { syntax: Some(s("docker/dockerfile:1")), escape: '\\', check: None });
    let kinds: Vec<_> = file.instructions.iter().map(|i| i.kind.clone()).collect();
    let mut copy_main = copy(&[], "./main.go");
    if let InstructionKind::Copy { heredocs, .. } = &mut copy_main {
        heredocs.push(heredoc("EOF", "package main\n", true, false));
    }
    let mut copy_from = copy(&["/bin/hello"], "/bin/hello");
    if let InstructionKind::Copy { from, .. } = &mut copy_from {
        *from = Some(s("build"));
    }
    assert_eq!(
        kinds,
        vec![
            InstructionKind::From { image: s("golang:1.21"), platform: None, alias: Some(s("build")) },
            InstructionKind::Workdir(s("/src")),
            copy_main,
            run(shell("go build -o /bin/hello     ./main.go"), vec![]),
            InstructionKind::From { image: s("scratch"), platform: None, alias: None },
            copy_from,
            InstructionKind::Cmd(exec(&["/bin/hello"])),
        ]
    );
    let spans: Vec<_> = file.instructions.iter().map(|i| (i.span.start, i.span.end)).collect();
    assert_eq!(
        spans,
        vec![
            (pos(2, 1), pos(2, 26)),
            (pos(3, 1), pos(3, 13)),
            (pos(4, 1), pos(6, 4)),
            (pos(7, 1), pos(8, 14)),
            (pos(10, 1), pos(10, 13)),
            (pos(11, 1), pos(11, 40)),
            (pos(12, 1), pos(12, 19)),
        ]
    );
    assert_eq!(file.instructions[3].original, "RUN go build -o /bin/hello     ./main.go");
}

#[test]
fn spans_count_characters_and_skip_indentation() {
    let file = parse("  FROM alpine\n\tRUN echo héllo \\\n  # a comment\n\n   wörld\n").unwrap();
    assert_eq!(file.instructions[0].span, Span { start: pos(1, 3), end: pos(1, 14) });
    assert_eq!(file.instructions[1].span, Span { start: pos(2, 2), end: pos(5, 9) });
    assert_eq!(file.instructions[1].kind, run(shell("echo héllo    wörld"), vec![]));
}

#[test]
fn parser_directives() {
    let directives = |source: &str| parse(source).unwrap().directives;
    assert_eq!(
        directives("# SYNTAX = docker/dockerfile:1.7 \n#check=skip=JSONArgsRecommended;error=true\nFROM a"),
        Directives {
            syntax: Some(s("docker/dockerfile:1.7")),
            escape: '\\',
            check: Some(s("skip=JSONArgsRecommended;error=true"))
        }
    );
    // Directives stop at the first comment, blank line, unknown directive or instruction.
    assert_eq!(directives("# a comment\n# escape=`\nFROM a").escape, '\\');
    assert_eq!(directives("# syntax=x\n\n# check=y\nFROM a").check, None);
    assert_eq!(directives("# unknowndirective=value\n# syntax=x\nFROM a").syntax, None);
    assert_eq!(directives("FROM a\n# syntax=x\n").syntax, None);
    assert_eq!(directives("\u{feff}# escape=`\nFROM a").escape, '`');
    assert_eq!(error("# escape=\\\n# Escape=`\nFROM a"), "only one escape parser directive can be used");
    assert_eq!(error("# escape=x\nFROM a"), "invalid escape token 'x' does not match ` or \\");
}

#[test]
fn the_escape_directive_changes_continuations() {
    // The reference's Windows example: with the default escape `c:\` continues the line.
    assert_eq!(
        dump("FROM microsoft/nanoserver\nCOPY testfile.txt c:\\\\\nRUN dir c:\\\n"),
        ["(from \"microsoft/nanoserver\")", "(copy \"testfile.txt\" \"c:\\\\\\\\\")", "(run \"dir c:\")"]
    );
    assert_eq!(
        dump("# escape=`\n\nFROM microsoft/nanoserver\nCOPY testfile.txt c:\\\nRUN dir c:\\\n"),
        ["(from \"microsoft/nanoserver\")", "(copy \"testfile.txt\" \"c:\\\\\")", "(run \"dir c:\\\\\")"]
    );
    assert_eq!(
        dump("# escape=`\nFROM `\n    image\nENV GOPATH `\n\\go"),
        ["(from \"image\")", "(env \"GOPATH\" \"\\\\go\" \"\")"]
    );
}

#[test]
fn continuations_comments_and_empty_lines() {
    assert_eq!(
        dump(
            "FROM a\nRUN apt-get update \\\n# a comment\n    # indented comment\n\n  && apt-get install -y \\\n  curl\n\
             ENV C trailing\\\\backslash\\\\\nENV D next\nRUN something \\"
        ),
        [
            "(from \"a\")",
            "(run \"apt-get update   && apt-get install -y   curl\")",
            "(env \"C\" \"trailing\\\\\\\\backslash\\\\\\\\\" \"\")",
            "(env \"D\" \"next\" \"\")",
            "(run \"something\")",
        ]
    );
    // A line that is only the escape continues without adding anything.
    assert_eq!(dump("FROM a\nENV E hello\\\n\\\nworld"), ["(from \"a\")", "(env \"E\" \"helloworld\" \"\")"]);
}

#[test]
fn names_are_case_insensitive_and_json_needs_strings() {
    assert_eq!(
        kinds("from alpine\ncmd [\"a\", \"b\"]\nCmd ['a']\nentrypoint [ ]"),
        vec![
            InstructionKind::From { image: s("alpine"), platform: None, alias: None },
            InstructionKind::Cmd(exec(&["a", "b"])),
            InstructionKind::Cmd(shell("['a']")),
            InstructionKind::Entrypoint(exec(&[])),
        ]
    );
    assert_eq!(kind("CMD echo \"hi\" | wc -"), InstructionKind::Cmd(shell("echo \"hi\" | wc -")));
    assert_eq!(kind("CMD"), InstructionKind::Cmd(shell("")));
    assert_eq!(kind("CMD [\"a\", \"b\"] trailing"), InstructionKind::Cmd(shell("[\"a\", \"b\"] trailing")));
    assert_eq!(error("FROM a\nCMD [\"echo\", [\"nested\"]]"), words::NOT_STRINGS);
    assert_eq!(error("FROM a\nCMD [\"echo\", 1]"), words::NOT_STRINGS);
}

#[test]
fn env_and_label_in_both_forms() {
    let env = |pairs: &[(&str, &str)]| InstructionKind::Env(pairs.iter().map(|(k, v)| (s(k), s(v))).collect());
    assert_eq!(kind("ENV MY_NAME=\"John Doe\""), env(&[("MY_NAME", "\"John Doe\"")]));
    assert_eq!(kind("ENV MY_DOG=Rex\\ The\\ Dog"), env(&[("MY_DOG", "Rex\\ The\\ Dog")]));
    assert_eq!(kind("ENV a=1 b=\"2 3\" c='$x'"), env(&[("a", "1"), ("b", "\"2 3\""), ("c", "'$x'")]));
    assert_eq!(kind("ENV MY_VAR my-value with spaces"), env(&[("MY_VAR", "my-value with spaces")]));
    assert_eq!(kind("ENV a= b=\"\""), env(&[("a", ""), ("b", "\"\"")]));
    assert_eq!(
        kind("LABEL \"com.example.vendor\"=\"ACME Incorporated\" version=\"1.0\" \\\n      description=\"spans \\\n lines\""),
        InstructionKind::Label(vec![
            (s("\"com.example.vendor\""), s("\"ACME Incorporated\"")),
            (s("version"), s("\"1.0\"")),
            (s("description"), s("\"spans  lines\"")),
        ])
    );
    assert_eq!(
        kind("LABEL maintainer docker <docker@docker.io>"),
        InstructionKind::Label(vec![(s("maintainer"), s("docker <docker@docker.io>"))])
    );
    assert_eq!(error("FROM a\nENV PATH"), "ENV must have two arguments");
    assert_eq!(error("FROM a\nLABEL x"), "LABEL must have two arguments");
    assert_eq!(error("FROM a\nENV a=1 b"), "Syntax error - can't find = in \"b\". Must be of the form: name=value");
    assert_eq!(error("FROM a\nENV =x"), "dockerfile parse error on line 2: ENV names can not be blank");
    assert_eq!(error("FROM a\nLABEL =x"), "dockerfile parse error on line 2: LABEL names can not be blank");
    assert_eq!(error("FROM a\nENV"), "dockerfile parse error on line 2: ENV requires at least one argument");
    assert_eq!(error("FROM a\nENV --x a=b"), "dockerfile parse error on line 2: unknown flag: --x");
}

#[test]
fn args_expose_volume_and_single_word_instructions() {
    let arg =
        |pairs: &[(&str, Option<&str>)]| InstructionKind::Arg(pairs.iter().map(|(k, v)| (s(k), v.map(s))).collect());
    assert_eq!(
        kinds("ARG VERSION=latest\nFROM busybox:$VERSION\nARG user1 buildno=1 abc=\"123 456\" e=")[..1],
        [arg(&[("VERSION", Some("latest"))])]
    );
    assert_eq!(
        kind("ARG user1 buildno=1 abc=\"123 456\" e="),
        arg(&[("user1", None), ("buildno", Some("1")), ("abc", Some("\"123 456\"")), ("e", Some(""))])
    );
    assert_eq!(kind("EXPOSE 80 443/tcp 53/udp"), InstructionKind::Expose(vec![s("80"), s("443/tcp"), s("53/udp")]));
    assert_eq!(kind("VOLUME [\"/data\", \"/logs\"]"), InstructionKind::Volume(vec![s("/data"), s("/logs")]));
    assert_eq!(kind("VOLUME /var/log /var/db"), InstructionKind::Volume(vec![s("/var/log"), s("/var/db")]));
    assert_eq!(kind("USER patrick:1000"), InstructionKind::User(s("patrick:1000")));
    assert_eq!(kind("WORKDIR /path/to  dir"), InstructionKind::Workdir(s("/path/to  dir")));
    assert_eq!(kind("STOPSIGNAL SIGKILL"), InstructionKind::Stopsignal(s("SIGKILL")));
    assert_eq!(kind("MAINTAINER Jane <jane@example.com>"), InstructionKind::Maintainer(s("Jane <jane@example.com>")));
    assert_eq!(
        kind("SHELL [\"powershell\", \"-command\"]"),
        InstructionKind::Shell(vec![s("powershell"), s("-command")])
    );
    for (source, want) in [
        ("ARG =x", "ARG names can not be blank"),
        ("ARG", "ARG requires at least one argument"),
        ("EXPOSE", "EXPOSE requires at least one argument"),
        ("VOLUME", "VOLUME requires at least one argument"),
        ("VOLUME [\"\"]", "VOLUME specified can not be an empty string"),
        ("USER", "USER requires exactly one argument"),
        ("WORKDIR", "WORKDIR requires exactly one argument"),
        ("STOPSIGNAL", "STOPSIGNAL requires exactly one argument"),
        ("MAINTAINER", "MAINTAINER requires exactly one argument"),
        ("MAINTAINER --boo joe@example.com", "unknown flag: --boo"),
        ("SHELL /bin/sh -c", "SHELL requires the arguments to be in JSON form"),
        ("SHELL []", "SHELL requires at least one argument"),
        (
            "COPY a",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
        ),
        (
            "ADD a",
            "ADD requires at least two arguments, but only one was provided. Destination could not be determined",
        ),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn from_with_platform_and_stage_names() {
    assert_eq!(
        kind("FROM --platform=$BUILDPLATFORM golang:1.21 AS Build-1.x"),
        InstructionKind::From {
            image: s("golang:1.21"),
            platform: Some(s("$BUILDPLATFORM")),
            alias: Some(s("build-1.x")),
        }
    );
    assert_eq!(
        kind("FROM ubuntu as base"),
        InstructionKind::From { image: s("ubuntu"), platform: None, alias: Some(s("base")) }
    );
    for (source, want) in [
        ("FROM", "FROM requires either one or three arguments"),
        ("FROM a b", "FROM requires either one or three arguments"),
        ("FROM a to b", "FROM requires either one or three arguments"),
        ("FROM a AS 1st", "invalid name for build stage: \"1st\", name can't start with a number or contain symbols"),
        ("FROM a AS b!", "invalid name for build stage: \"b!\", name can't start with a number or contain symbols"),
        ("FROM --platfrom=linux/amd64 a", "unknown flag: --platfrom (did you mean platform?)"),
        ("FROM --platform a", "missing a value on flag: --platform"),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn copy_and_add_flags() {
    assert_eq!(
        kind("COPY --from=build --chown=app:app --chmod=755 --link --exclude=*.md --exclude=tmp --parents a b /dst/"),
        InstructionKind::Copy {
            sources: vec![s("a"), s("b")],
            dest: s("/dst/"),
            from: Some(s("build")),
            chown: Some(s("app:app")),
            chmod: Some(s("755")),
            link: true,
            heredocs: vec![],
            exclude: vec![s("*.md"), s("tmp")],
            parents: true,
        }
    );
    assert_eq!(kind("COPY [\"test file\", \"/tmp/\"]"), copy(&["test file"], "/tmp/"));
    assert_eq!(kind("COPY --link=false \"a b\" c"), copy(&["\"a", "b\""], "c"));
    assert_eq!(
        kind("ADD --checksum=sha256:24454f83 --keep-git-dir=true --unpack=false --chown=1 https://x/y.tar /"),
        InstructionKind::Add {
            sources: vec![s("https://x/y.tar")],
            dest: s("/"),
            chown: Some(s("1")),
            chmod: None,
            link: false,
            checksum: Some(s("sha256:24454f83")),
            keep_git_dir: true,
            heredocs: vec![],
            exclude: vec![],
            unpack: Some(false),
        }
    );
    for (source, want) in [
        ("COPY --from a b", "missing a value on flag: --from"),
        ("COPY --link= a b", "missing a value on flag: --link"),
        ("COPY --link=yes a b", "expecting boolean value for flag --link, not: yes"),
        ("COPY --from=a --from=b c d", "duplicate flag specified: --from"),
        ("COPY --chmown=1 a b", "unknown flag: --chmown (did you mean chown?)"),
        ("COPY --checksum=x a b", "unknown flag: --checksum"),
        ("COPY /foo <<EOF\nEOF", "COPY cannot accept a heredoc as a destination"),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn run_flags() {
    assert_eq!(
        kind("RUN --mount=type=cache,target=/root/.cache --mount=type=secret,id=tok --network=none --security=insecure make"),
        InstructionKind::Run {
            command: shell("make"),
            heredocs: vec![],
            mounts: vec![s("type=cache,target=/root/.cache"), s("type=secret,id=tok")],
            network: Some(s("none")),
            security: Some(s("insecure")),
            devices: vec![],
        }
    );
    assert_eq!(kind("RUN [\"ls\", \"-la\"]"), run(exec(&["ls", "-la"]), vec![]));
    for (source, want) in [
        ("RUN --mont=type=cache,target=/x ls", "unknown flag: --mont (did you mean mount?)"),
        ("RUN --network=bridge ls", "invalid network mode \"bridge\""),
        ("RUN --security=root ls", "security \"root\" is not valid"),
        (
            "RUN --mount=type=bind,from=$STAGE ls",
            "'from' doesn't support variable expansion, define alias stage instead",
        ),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn healthchecks() {
    let second = 1_000_000_000;
    assert_eq!(
        kind("HEALTHCHECK --interval=5m --timeout=3s --start-period=1.5s --retries=3 \\\n  CMD curl -f http://localhost/ || exit 1"),
        InstructionKind::Healthcheck(Some(Healthcheck {
            test: shell("curl -f http://localhost/ || exit 1"),
            interval: Some(300 * second),
            timeout: Some(3 * second),
            start_period: Some(1_500_000_000),
            start_interval: None,
            retries: Some(3),
        }))
    );
    assert_eq!(
        kind("HEALTHCHECK --interval=0s cmd [\"/bin/check\", \"-q\"]"),
        InstructionKind::Healthcheck(Some(Healthcheck {
            test: exec(&["/bin/check", "-q"]),
            interval: None,
            timeout: None,
            start_period: None,
            start_interval: None,
            retries: None,
        }))
    );
    assert_eq!(kind("HEALTHCHECK none"), InstructionKind::Healthcheck(None));
    for (source, want) in [
        ("HEALTHCHECK", "HEALTHCHECK requires at least one argument"),
        ("HEALTHCHECK NONE x", "HEALTHCHECK NONE takes no arguments"),
        ("HEALTHCHECK CONNECT TCP 7000", "Unknown type \"CONNECT\" in HEALTHCHECK (try CMD)"),
        ("HEALTHCHECK CMD", "Missing command after HEALTHCHECK CMD"),
        ("HEALTHCHECK --intervall=1s CMD x", "unknown flag: --intervall (did you mean interval?)"),
        ("HEALTHCHECK --interval=1 CMD x", "time: missing unit in duration \"1\""),
        ("HEALTHCHECK --timeout=10us CMD x", "Interval \"timeout\" cannot be less than 1ms"),
        ("HEALTHCHECK --retries=-1 CMD x", "--retries cannot be negative (-1)"),
        ("HEALTHCHECK --retries=x CMD x", "strconv.ParseInt: parsing \"x\": invalid syntax"),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn onbuild_triggers() {
    let file =
        parse("FROM a\nONBUILD ADD . /app/src\nonbuild  RUN /usr/local/bin/python-build --dir /app/src").unwrap();
    let InstructionKind::Onbuild(add) = &file.instructions[1].kind else { panic!() };
    assert_eq!(add.original, "ADD . /app/src");
    assert_eq!(add.span, file.instructions[1].span);
    assert_eq!(
        add.kind,
        InstructionKind::Add {
            sources: vec![s(".")],
            dest: s("/app/src"),
            chown: None,
            chmod: None,
            link: false,
            checksum: None,
            keep_git_dir: false,
            heredocs: vec![],
            exclude: vec![],
            unpack: None,
        }
    );
    let InstructionKind::Onbuild(run_) = &file.instructions[2].kind else { panic!() };
    assert_eq!(run_.original, "RUN /usr/local/bin/python-build --dir /app/src");
    assert_eq!(run_.kind, run(shell("/usr/local/bin/python-build --dir /app/src"), vec![]));

    let file = parse("FROM a\nONBUILD RUN <<EOF\necho hi\nEOF\n").unwrap();
    let InstructionKind::Onbuild(inner) = &file.instructions[1].kind else { panic!() };
    assert_eq!(inner.kind, run(shell("<<EOF"), vec![heredoc("EOF", "echo hi\n", true, false)]));
    assert_eq!(file.instructions[1].span.end, pos(4, 4));
    for (source, want) in [
        ("ONBUILD", "ONBUILD requires at least one argument"),
        ("ONBUILD ONBUILD RUN touch foobar", "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed"),
        ("ONBUILD from scratch", "FROM isn't allowed as an ONBUILD trigger"),
        ("ONBUILD MAINTAINER me", "MAINTAINER isn't allowed as an ONBUILD trigger"),
        ("ONBUILD --x RUN y", "unknown flag: --x"),
        (
            "ONBUILD COPY a",
            "COPY requires at least two arguments, but only one was provided. Destination could not be determined",
        ),
    ] {
        assert_eq!(error(source), format!("dockerfile parse error on line 1: {want}"), "{source}");
    }
}

#[test]
fn heredocs() {
    assert_eq!(
        kinds("RUN <<EOT bash\n  set -ex\n  apt-get update\nEOT\nRUN <<-'EOF'\n\t\tcd $HOME\n\tEOF\n"),
        vec![
            run(shell("<<EOT bash"), vec![heredoc("EOT", "  set -ex\n  apt-get update\n", true, false)]),
            run(shell("<<-'EOF'"), vec![heredoc("EOF", "\t\tcd $HOME\n", false, true)]),
        ]
    );
    assert_eq!(heredoc("EOF", "\t\tcd $HOME\n\tx\n", false, true).text(), "cd $HOME\nx\n");
    // The reference's example of two heredocs on one line; bodies keep comments and blank lines.
    assert_eq!(
        kind("RUN <<FILE1 cat > file1 && <<FILE2 cat > file2\nI am\n\n# first\nFILE1\nI am\r\nsecond\r\nFILE2\r\n"),
        run(
            shell("<<FILE1 cat > file1 && <<FILE2 cat > file2"),
            vec![
                heredoc("FILE1", "I am\n\n# first\n", true, false),
                heredoc("FILE2", "I am\r\nsecond\r\n", true, false),
            ]
        )
    );
    let mut with_file = copy(&["foo.txt"], "/bar");
    if let InstructionKind::Copy { heredocs, .. } = &mut with_file {
        heredocs.push(heredoc("EOF", "this is inline\n", true, false));
        heredocs.push(heredoc("X", "\tTESTING\n", false, true));
    }
    assert_eq!(kind("COPY <<EOF foo.txt <<-\"X\" /bar\nthis is inline\nEOF\n\tTESTING\n\tX\n"), with_file);
    // Exec form, quoted markers and other instructions open nothing.
    assert_eq!(kind("RUN [\"<<EOF\"]"), run(exec(&["<<EOF"]), vec![]));
    assert_eq!(kinds("RUN echo \"<<EOF\"\nUSER <<INVALID\nRUN x\n").len(), 3);
    assert_eq!(error("FROM a\nRUN <<EOF\nhello\n"), "unterminated heredoc");
    let unterminated = parse("FROM a\nRUN <<EOF\nhello\n").unwrap_err();
    assert_eq!(unterminated.span, Span { start: pos(2, 1), end: pos(3, 6) });
    assert_eq!(unterminated.phase, ErrorPhase::Syntax);
}

#[test]
fn unknown_instructions_and_the_order_of_errors() {
    let e = parse("FROM alpine\nRUN true\nRUNN echo\n").unwrap_err();
    assert_eq!(e.to_string(), "dockerfile parse error on line 3: unknown instruction: RUNN (did you mean RUN?)");
    assert_eq!((e.span, e.phase), (Span { start: pos(3, 1), end: pos(3, 10) }, ErrorPhase::Instruction));
    assert_eq!(error("copyy a b"), "dockerfile parse error on line 1: unknown instruction: copyy (did you mean copy?)");
    assert_eq!(error("Fromm a"), "dockerfile parse error on line 1: unknown instruction: Fromm (did you mean from?)");
    assert_eq!(error("foo bar"), "dockerfile parse error on line 1: unknown instruction: foo (did you mean from?)");
    assert_eq!(error("xyzzy bar"), "dockerfile parse error on line 1: unknown instruction: xyzzy");
    // The whole file is cut into instructions before any is checked, as BuildKit does.
    assert_eq!(error("FROM a\nRUNN x\nRUN <<EOF\n"), "unterminated heredoc");
    assert_eq!(error("ARG x\nRUNN x\nENV y"), "ENV must have two arguments");
    // ARG may come before FROM; requiring a FROM is the builder's job.
    assert_eq!(kinds("ARG V=1").len(), 1);
}

#[test]
fn files_without_instructions_and_overlong_lines() {
    assert_eq!(error(""), "file with no instructions");
    assert_eq!(error("# just a comment\n\n   \n"), "file with no instructions");
    // BuildKit's scanner refuses a line of 64 KiB; one byte less is fine.
    let long = format!("FROM a\nLABEL x={}\n", "y".repeat(65536));
    assert_eq!(error(&long), "dockerfile line greater than max allowed size of 65535");
    let fits = format!("FROM a\nLABEL x={}\n", "y".repeat(65535 - 8));
    assert_eq!(kinds(&fits).len(), 2);
}
