//! Arguments, environment, an empty stdin, both output streams and the exit code: it prints its argv and its
//! environment (sorted, since order is the host's), then exits with the code its `--exit=N`
//! argument names, so a host that loses the code shows it.

use std::io::Read;

use conformance::Check;

fn main() {
    let mut c = Check::new("args_env_exit");
    let args: Vec<String> = std::env::args().collect();
    for (i, arg) in args.iter().enumerate() {
        println!("arg {i}: {arg:?}");
    }
    let mut env: Vec<(String, String)> = std::env::vars().collect();
    env.sort();
    for (key, value) in &env {
        println!("env {key}={value:?}");
    }
    c.holds("argv has a program name", !args.is_empty());
    c.expect("CONFORMANCE", std::env::var("CONFORMANCE").unwrap_or_default(), "1");
    c.expect("empty variable", format!("{:?}", std::env::var("EMPTY")), "Ok(\"\")");
    c.expect("unset variable", format!("{:?}", std::env::var("UNSET").is_err()), "true");
    let code = args.iter().find_map(|a| a.strip_prefix("--exit=")).and_then(|n| n.parse::<i32>().ok());
    c.holds("an --exit=N argument", code.is_some());
    let mut input = String::new();
    let read = std::io::stdin().read_to_string(&mut input).map(|n| (n, input));
    c.expect("stdin", format!("{read:?}"), "Ok((0, \"\"))");
    eprintln!("args_env_exit: this line goes to stderr");
    // A last line without a newline must still come out before the exit.
    print!("no newline at the end");
    c.finish_with(code.unwrap_or(0));
}
