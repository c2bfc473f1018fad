//! Tests of the docker command-line parser against the docker CLI's behaviour.

use super::*;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

#[test]
fn run_stops_reading_flags_at_the_image() {
    let cmd = parse("docker run --rm -e A=1 --env=B=2 --name web busybox sh -c 'echo hi' --rm").unwrap();
    assert_eq!(
        cmd,
        Command::Run(RunOptions {
            image: "busybox".into(),
            command: vec!["sh".into(), "-c".into(), "echo hi".into(), "--rm".into()],
            name: Some("web".into()),
            env: vec!["A=1".into(), "B=2".into()],
            remove: true,
            ..Default::default()
        })
    );
    let cmd = parse("docker run -dit -w /srv --stop-timeout 5 --entrypoint= alpine").unwrap();
    let Command::Run(options) = cmd else { panic!("not a run") };
    assert!(options.detach && options.interactive && options.tty);
    assert_eq!((options.workdir.as_deref(), options.stop_timeout), (Some("/srv"), Some(5)));
    assert_eq!(options.entrypoint.as_deref(), Some(""), "an empty entrypoint clears the image's");
    let err = parse("docker run --stop-timeout soon alpine").unwrap_err();
    assert!(err.message.starts_with("invalid argument \"soon\" for \"--stop-timeout\" flag"));
}

#[test]
fn short_flags_combine_and_aliases_resolve() {
    assert_eq!(parse("ps -aq").unwrap(), Command::Ps(PsOptions { all: true, quiet: true, ..Default::default() }));
    assert_eq!(parse("docker container ls -a").unwrap(), Command::Ps(PsOptions { all: true, ..Default::default() }));
    assert_eq!(parse("ps -n 2").unwrap(), Command::Ps(PsOptions { last: Some(2), ..Default::default() }));
    assert!(parse("ps -n two").unwrap_err().message.starts_with("invalid argument \"two\" for \"-n, --last\" flag"));
    assert_eq!(parse("image ls").unwrap(), Command::Images(ImagesOptions::default()));
    assert_eq!(
        parse("images -f dangling=true --digests hello-world").unwrap(),
        Command::Images(ImagesOptions {
            digests: true,
            filters: vec!["dangling=true".into()],
            repository: Some("hello-world".into()),
            ..Default::default()
        })
    );
    assert_eq!(
        parse("image history -H=false hello-world").unwrap(),
        Command::History { image: "hello-world".into(), human: false, no_trunc: false, quiet: false, format: None }
    );
    assert_eq!(
        parse("history hello-world").unwrap(),
        Command::History { image: "hello-world".into(), human: true, no_trunc: false, quiet: false, format: None }
    );
    assert!(parse("images a b").unwrap_err().message.starts_with("\"docker images\" requires at most 1 argument."));
    assert_eq!(
        parse("rm a -f b").unwrap(),
        Command::Rm { force: true, volumes: false, containers: vec!["a".into(), "b".into()] }
    );
    assert_eq!(
        parse("run -eX=1 img").unwrap(),
        Command::Run(RunOptions { image: "img".into(), env: vec!["X=1".into()], ..Default::default() })
    );
}

#[test]
fn format_flags_take_templates_and_empty_means_the_default() {
    let Command::Images(options) = parse(r"images --format '{{.ID}}\t{{.Tag}}'").unwrap() else { panic!("images") };
    assert_eq!(options.format.as_deref(), Some(r"{{.ID}}\t{{.Tag}}"));
    let Command::Images(options) = parse("images --format=").unwrap() else { panic!("images") };
    assert_eq!(options.format, None);
    assert_eq!(
        parse("history --format json -q x").unwrap(),
        Command::History { image: "x".into(), human: true, no_trunc: false, quiet: true, format: Some("json".into()) }
    );
    assert_eq!(
        parse("image inspect -f '{{.Id}}' a b").unwrap(),
        Command::ImageInspect { images: vec!["a".into(), "b".into()], format: Some("{{.Id}}".into()) }
    );
    assert!(parse("image inspect --format").unwrap_err().message.starts_with("flag needs an argument: --format\n"));
}

#[test]
fn unknown_flags_read_like_docker() {
    let err = parse("docker run --foo busybox").unwrap_err();
    assert_eq!(
        err.message,
        "unknown flag: --foo\n\nUsage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'docker run --help' for more information"
    );
    assert_eq!(err.exit_code, 125);
    assert!(parse("ps -x").unwrap_err().message.starts_with("unknown shorthand flag: 'x' in -x\n"));
    assert!(parse("run --name").unwrap_err().message.starts_with("flag needs an argument: --name\n"));
}

#[test]
fn missing_arguments_and_unknown_commands_are_errors() {
    let err = parse("docker run").unwrap_err();
    assert!(err.message.starts_with("\"docker run\" requires at least 1 argument.\n"));
    assert!(parse("ps extra").unwrap_err().message.starts_with("\"docker ps\" accepts no arguments."));
    let err = parse("docker frobnicate now").unwrap_err();
    assert_eq!(
        err.message,
        "docker: unknown command: docker frobnicate now\n\nRun 'docker --help' for more information"
    );
    assert_eq!(err.exit_code, 1);
    assert_eq!(parse("echo 'open").unwrap_err().exit_code, 1);
}

#[test]
fn help_lists_flags_aligned() {
    let Command::Help(text) = parse("docker run --help").unwrap() else { panic!("expected help") };
    assert!(text.contains("Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"));
    // Columns align on the widest flag, `--network-alias list`.
    assert!(text.contains("  -e, --env list             Set environment variables\n"), "{text}");
    assert!(text.contains("      --entrypoint string    Overwrite the default ENTRYPOINT of the image\n"), "{text}");
    assert!(text.contains("      --name string          Assign a name to the container\n"), "{text}");
    let Command::Help(text) = parse("docker").unwrap() else { panic!("expected overview") };
    assert!(text.contains("  run            Create and run a new container from an image"));
}
