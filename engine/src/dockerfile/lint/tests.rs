//! Tests of the hints: each rule on a file where it must speak and on one where it must not.

use super::*;
use crate::dockerfile::parse;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

fn hints_with(source: &str, base: &dyn Fn(&str) -> Option<BaseImage>) -> Vec<Hint> {
    let file = parse(source).unwrap_or_else(|e| panic!("{source:?}: {e}"));
    lint_with(&file, base)
}

/// The lines where `rule` speaks, without knowing any base image.
fn lines(source: &str, rule: &str) -> Vec<usize> {
    lines_with(source, rule, &|_| None)
}

fn lines_with(source: &str, rule: &str, base: &dyn Fn(&str) -> Option<BaseImage>) -> Vec<usize> {
    hints_with(source, base).iter().filter(|h| h.rule == rule).map(|h| h.span.start.line).collect()
}

fn messages(source: &str, rule: &str) -> Vec<String> {
    hints_with(source, &|_| None).into_iter().filter(|h| h.rule == rule).map(|h| h.message).collect()
}

/// Every base image known, with this environment and user and no shell.
fn known(env: &'static [&'static str], user: &'static str) -> impl Fn(&str) -> Option<BaseImage> {
    move |_| Some(BaseImage { env: env.iter().map(|e| e.to_string()).collect(), user: user.to_string(), shell: vec![] })
}

const NONE: [usize; 0] = [];

#[test]
fn every_rule_has_a_reason_and_buildkits_have_their_page() {
    for rule in RULES {
        assert!(!rule.why.is_empty() && rule.why.ends_with('.'), "{}", rule.name);
        let sentences = rule.why.matches(". ").count() + 1;
        assert!(sentences <= 3, "{}: {sentences} sentences", rule.name);
        if let Some(url) = rule.url {
            assert!(url.starts_with("https://docs.docker.com/go/dockerfile/rule/"), "{url}");
        }
    }
    let names: BTreeSet<&str> = RULES.iter().map(|r| r.name).collect();
    assert_eq!(names.len(), RULES.len(), "rule names are unique");
}

#[test]
fn hints_come_in_source_order_with_their_reason() {
    let hints = hints_with("FROM alpine\nCMD echo hi\nMAINTAINER me\nCMD [\"true\"]\n", &|_| None);
    let found: Vec<(&str, usize)> = hints.iter().map(|h| (h.rule, h.span.start.line)).collect();
    assert_eq!(
        found,
        [
            ("LatestTag", 1),
            ("JSONArgsRecommended", 2),
            ("MultipleInstructionsDisallowed", 2),
            ("MaintainerDeprecated", 3)
        ]
    );
    assert!(hints.iter().all(|h| !h.why.is_empty() && !h.message.contains('\n')));
    assert_eq!(hints[1].url(), Some("https://docs.docker.com/go/dockerfile/rule/json-args-recommended/"));
    assert_eq!(hints[0].url(), None);
}

#[test]
fn latest_tag() {
    assert_eq!(lines("FROM node\n", "LatestTag"), [1]);
    assert_eq!(lines("FROM node:latest\n", "LatestTag"), [1]);
    assert_eq!(lines("FROM localhost:5000/app\n", "LatestTag"), [1]);
    assert_eq!(messages("FROM node\n", "LatestTag"), ["`node` has no tag, so it means `node:latest`"]);
    assert_eq!(lines("FROM node:20-alpine\n", "LatestTag"), NONE);
    assert_eq!(lines("FROM localhost:5000/app:1.2\n", "LatestTag"), NONE);
    assert_eq!(lines("FROM scratch\n", "LatestTag"), NONE);
    let pinned = format!("FROM alpine@sha256:{}\n", "a".repeat(64));
    assert_eq!(lines(&pinned, "LatestTag"), NONE);
    assert_eq!(lines("FROM golang:1.22 AS build\nFROM build\nFROM BUILD\n", "LatestTag"), NONE);
    // The ARG's default decides.
    assert_eq!(lines("ARG V=3.19\nFROM alpine:$V\n", "LatestTag"), NONE);
    assert_eq!(lines("ARG BASE=alpine\nFROM $BASE\n", "LatestTag"), [2]);
}

#[test]
fn add_where_copy_serves() {
    assert_eq!(lines("FROM scratch\nADD app.py /app/\n", "AddWhereCopyServes"), [2]);
    assert_eq!(lines("FROM scratch\nADD . /src\n", "AddWhereCopyServes"), [2]);
    for legitimate in [
        "ADD https://example.com/tool /usr/bin/tool",
        "ADD git@github.com:moby/buildkit.git /src",
        "ADD rootfs.tar /",
        "ADD site.tar.gz /srv",
        "ADD --checksum=sha256:abc https://example.com/x /x",
        "ADD $ARCHIVE /",
    ] {
        assert_eq!(lines(&format!("FROM scratch\n{legitimate}\n"), "AddWhereCopyServes"), NONE, "{legitimate}");
    }
    assert_eq!(lines("FROM scratch\nCOPY app.py /app/\n", "AddWhereCopyServes"), NONE);
}

#[test]
fn consecutive_runs() {
    let three = "FROM alpine:3\nRUN a\nRUN b\nRUN c\nCMD [\"x\"]\n";
    let hints: Vec<Hint> = hints_with(three, &|_| None).into_iter().filter(|h| h.rule == "ConsecutiveRuns").collect();
    assert_eq!(hints.len(), 1);
    assert_eq!((hints[0].span.start.line, hints[0].span.end.line), (2, 4), "the hint covers the whole run");
    assert_eq!(hints[0].message, "3 RUN instructions in a row, a layer each");
    // Two in a row, or three broken by another instruction, are fine.
    assert_eq!(lines("FROM alpine:3\nRUN a\nRUN b\n", "ConsecutiveRuns"), NONE);
    assert_eq!(lines("FROM alpine:3\nRUN a\nRUN b\nWORKDIR /x\nRUN c\n", "ConsecutiveRuns"), NONE);
    // A builder stage's layers are never shipped.
    let builder = "FROM alpine:3 AS build\nRUN a\nRUN b\nRUN c\nFROM alpine:3\nCOPY --from=build /x /x\n";
    assert_eq!(lines(builder, "ConsecutiveRuns"), NONE);
    // But a stage the final one is built on is.
    let base = "FROM alpine:3 AS base\nRUN a\nRUN b\nRUN c\nFROM base\nCOPY x /x\n";
    assert_eq!(lines(base, "ConsecutiveRuns"), [2]);
}

#[test]
fn package_cache_kept() {
    let hit = |run: &str| lines(&format!("FROM debian:12\n{run}\n"), "PackageCacheKept");
    assert_eq!(hit("RUN apt-get update && apt-get install -y curl"), [2]);
    assert_eq!(hit("RUN apt-get update && apt-get install -y curl && rm -rf /var/lib/apt/lists/*"), NONE);
    assert_eq!(hit("RUN DEBIAN_FRONTEND=noninteractive apt install -y curl"), [2]);
    assert_eq!(hit("RUN --mount=type=cache,target=/var/lib/apt apt-get update && apt-get install -y curl"), NONE);
    assert_eq!(hit("RUN apk add curl"), [2]);
    assert_eq!(hit("RUN apk add --no-cache curl"), NONE);
    assert_eq!(hit("RUN apk update && apk add curl && rm -rf /var/cache/apk/*"), NONE);
    assert_eq!(hit("RUN dnf install -y git"), [2]);
    assert_eq!(hit("RUN dnf install -y git && dnf clean all"), NONE);
    assert_eq!(hit("RUN pip install flask"), [2]);
    assert_eq!(hit("RUN python3 -m pip install flask"), [2]);
    assert_eq!(hit("RUN pip install --no-cache-dir flask"), NONE);
    assert_eq!(lines("FROM python:3\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n", "PackageCacheKept"), NONE);
    assert_eq!(hit("RUN <<EOF\napt-get update\napt-get install -y curl\nEOF"), [2]);
    assert_eq!(hit("RUN [\"apk\", \"add\", \"curl\"]"), [2]);
    assert_eq!(hit("RUN echo apt-get install"), NONE);
    // A builder stage's cache stays behind.
    let builder = "FROM debian:12 AS build\nRUN apt-get update && apt-get install -y gcc\nFROM debian:12\n";
    assert_eq!(lines(builder, "PackageCacheKept"), NONE);
}

#[test]
fn update_without_install() {
    let hit = |run: &str| lines(&format!("FROM debian:12\n{run}\n"), "UpdateWithoutInstall");
    assert_eq!(hit("RUN apt-get update"), [2]);
    assert_eq!(hit("RUN apk update"), [2]);
    assert_eq!(hit("RUN apt-get update && apt-get install -y curl"), NONE);
    assert_eq!(hit("RUN apt-get install -y curl"), NONE);
    assert_eq!(hit("RUN apt-get update && apt-get upgrade -y"), NONE);
    assert_eq!(hit("RUN apk update && apk add curl"), NONE);
}

#[test]
fn json_args_recommended() {
    assert_eq!(lines("FROM alpine:3\nCMD node server.js\n", "JSONArgsRecommended"), [2]);
    assert_eq!(lines("FROM alpine:3\nENTRYPOINT ./run.sh\n", "JSONArgsRecommended"), [2]);
    assert_eq!(lines("FROM alpine:3\nCMD [\"node\", \"server.js\"]\n", "JSONArgsRecommended"), NONE);
    // A stage with its own shell chose the shell form on purpose.
    let shell = "FROM alpine:3\nSHELL [\"/bin/bash\", \"-c\"]\nCMD node server.js\n";
    assert_eq!(lines(shell, "JSONArgsRecommended"), NONE);
    // And so does one whose base image sets a shell.
    let base = |_: &str| Some(BaseImage { shell: vec!["pwsh".into()], ..BaseImage::default() });
    assert_eq!(lines_with("FROM alpine:3\nCMD node server.js\n", "JSONArgsRecommended", &base), NONE);
    // Shell-form RUN is fine.
    assert_eq!(lines("FROM alpine:3\nRUN echo hi\n", "JSONArgsRecommended"), NONE);
}

#[test]
fn runs_as_root() {
    assert_eq!(lines("FROM alpine:3\nUSER root\n", "RunsAsRoot"), [2]);
    assert_eq!(lines("FROM alpine:3\nUSER 0:0\n", "RunsAsRoot"), [2]);
    assert_eq!(lines("FROM alpine:3\nUSER nobody\nRUN x\nUSER root\nCMD [\"x\"]\n", "RunsAsRoot"), [4]);
    assert_eq!(lines("FROM alpine:3\nUSER root\nRUN apk add --no-cache x\nUSER nobody\n", "RunsAsRoot"), NONE);
    assert_eq!(lines("FROM alpine:3\nUSER $APP_USER\n", "RunsAsRoot"), NONE);
    // Only the final stage runs.
    assert_eq!(lines("FROM alpine:3 AS build\nUSER root\nFROM alpine:3\nUSER app\n", "RunsAsRoot"), NONE);
    // A USER in the stage the final one is built on counts.
    assert_eq!(lines("FROM alpine:3 AS base\nUSER app\nFROM base\nRUN x\n", "RunsAsRoot"), NONE);
    // Without USER, it depends on the base image, when it is known.
    assert_eq!(lines("FROM alpine:3\nRUN x\n", "RunsAsRoot"), NONE);
    assert_eq!(lines_with("FROM alpine:3\nRUN x\n", "RunsAsRoot", &known(&[], "")), [1]);
    assert_eq!(lines_with("FROM alpine:3\nRUN x\n", "RunsAsRoot", &known(&[], "node")), NONE);
    assert_eq!(lines_with("FROM scratch\nCOPY app /\n", "RunsAsRoot", &known(&[], "")), NONE);
}

#[test]
fn secrets_used_in_arg_or_env() {
    for name in ["PASSWORD", "API_KEY", "SECRET", "TOKEN", "github_token", "DB_PASSWD", "AUTH"] {
        assert_eq!(lines(&format!("FROM alpine:3\nARG {name}\n"), "SecretsUsedInArgOrEnv"), [2], "{name}");
    }
    for name in ["PATH_PREFIX", "KEYBOARD", "TOKENIZER", "PUBLIC_KEY", "PASSWORD_FILE", "NODE_VERSION", "AUTHOR"] {
        assert_eq!(lines(&format!("FROM alpine:3\nARG {name}\n"), "SecretsUsedInArgOrEnv"), NONE, "{name}");
    }
    assert_eq!(lines("FROM alpine:3\nENV KEYBOARD=us\n", "SecretsUsedInArgOrEnv"), NONE);
    assert_eq!(lines("FROM alpine:3\nENV DB_PASSWORD=hunter2 MODE=prod\n", "SecretsUsedInArgOrEnv"), [2]);
    // An ARG before the first FROM only reaches FROM lines, not the image.
    assert_eq!(lines("ARG NPM_TOKEN\nFROM node:20\n", "SecretsUsedInArgOrEnv"), NONE);
    assert_eq!(lines("ARG NPM_TOKEN\nFROM node:20\nARG NPM_TOKEN\n", "SecretsUsedInArgOrEnv"), [3]);
    assert_eq!(
        messages("FROM alpine:3\nARG API_KEY=x\n", "SecretsUsedInArgOrEnv"),
        ["ARG API_KEY looks like it holds a secret"]
    );
}

#[test]
fn copy_before_install() {
    let flagged = [
        "RUN npm install",
        "RUN npm ci",
        "RUN pip install -r requirements.txt",
        "RUN go mod download",
        "RUN cargo build --release",
        "RUN yarn",
        "RUN bundle install",
    ];
    for run in flagged {
        let file = format!("FROM base:1\nWORKDIR /app\nCOPY . .\n{run}\n");
        assert_eq!(lines(&file, "CopyBeforeInstall"), [4], "{run}");
    }
    let message = messages("FROM node:20\nCOPY . .\nRUN npm install\n", "CopyBeforeInstall");
    assert_eq!(message, ["`npm install` comes after the COPY of the whole context on line 2"]);
    // Manifests first, then the install, then the rest: the cache works.
    let good = "FROM node:20\nWORKDIR /app\nCOPY package.json .\nRUN npm install\nCOPY . .\nRUN npm run build\n";
    assert_eq!(lines(good, "CopyBeforeInstall"), NONE);
    assert_eq!(lines("FROM node:20\nCOPY . .\nRUN npm run build\n", "CopyBeforeInstall"), NONE);
    assert_eq!(lines("FROM node:20\nCOPY --from=deps . .\nRUN npm install\n", "CopyBeforeInstall"), NONE);
    assert_eq!(lines("FROM python:3\nCOPY . .\nRUN pip install flask\n", "CopyBeforeInstall"), NONE);
    // Once per stage.
    assert_eq!(lines("FROM node:20\nCOPY . .\nRUN npm ci\nRUN npm install x\n", "CopyBeforeInstall"), [3]);
}

#[test]
fn stage_names() {
    assert_eq!(lines("FROM alpine:3 AS Build\n", "StageNameCasing"), [1]);
    assert_eq!(lines("FROM alpine:3 AS build\n", "StageNameCasing"), NONE);
    assert_eq!(lines("FROM alpine:3 as build\n", "FromAsCasing"), [1]);
    assert_eq!(lines("from alpine:3 AS build\n", "FromAsCasing"), [1]);
    assert_eq!(lines("FROM alpine:3 AS build\nfrom alpine:3 as b2\n", "FromAsCasing"), NONE);
    // A keyword that is neither case is ConsistentInstructionCasing's business.
    assert_eq!(lines("From alpine:3 as build\n", "FromAsCasing"), NONE);
    assert_eq!(lines("FROM alpine:3 AS a\nFROM alpine:3 AS A\n", "DuplicateStageName"), [2]);
    assert_eq!(
        messages("FROM alpine:3 AS a\nFROM alpine:3 AS a\n", "DuplicateStageName"),
        ["stage name `a` is already used on line 1"]
    );
    assert_eq!(lines("FROM alpine:3 AS a\nFROM alpine:3 AS b\n", "DuplicateStageName"), NONE);
    assert_eq!(lines("FROM alpine:3 AS scratch\nFROM alpine:3 AS context\n", "ReservedStageName"), [1, 2]);
}

#[test]
fn consistent_instruction_casing() {
    assert_eq!(lines("FROM alpine:3\nrun x\nRUN y\n", "ConsistentInstructionCasing"), [2]);
    assert_eq!(lines("from alpine:3\nrun x\nRUN y\n", "ConsistentInstructionCasing"), [3]);
    assert_eq!(lines("FROM alpine:3\nRun x\n", "ConsistentInstructionCasing"), [2]);
    assert_eq!(
        messages("FROM alpine:3\nrun x\n", "ConsistentInstructionCasing"),
        ["`run` is not uppercase, as most instructions here are"]
    );
    assert_eq!(lines("FROM alpine:3\nRUN x\n", "ConsistentInstructionCasing"), NONE);
    assert_eq!(lines("from alpine:3\nrun x\n", "ConsistentInstructionCasing"), NONE);
}

#[test]
fn maintainer_and_workdir() {
    assert_eq!(lines("FROM alpine:3\nMAINTAINER me <me@example.com>\n", "MaintainerDeprecated"), [2]);
    assert_eq!(lines("FROM alpine:3\nLABEL org.opencontainers.image.authors=me\n", "MaintainerDeprecated"), NONE);
    assert_eq!(lines("FROM alpine:3\nWORKDIR app\n", "WorkdirRelativePath"), [2]);
    assert_eq!(lines("FROM alpine:3\nWORKDIR /app\nWORKDIR src\n", "WorkdirRelativePath"), NONE);
    assert_eq!(lines("FROM alpine:3\nWORKDIR \"/app\"\n", "WorkdirRelativePath"), NONE);
    assert_eq!(lines("FROM alpine:3\nWORKDIR $HOME/app\n", "WorkdirRelativePath"), NONE);
    // A stage built on another keeps its working directory.
    assert_eq!(lines("FROM alpine:3 AS base\nWORKDIR /app\nFROM base\nWORKDIR src\n", "WorkdirRelativePath"), NONE);
}

#[test]
fn multiple_instructions_point_at_the_one_that_is_lost() {
    let file =
        "FROM alpine:3\nCMD [\"a\"]\nENTRYPOINT [\"e\"]\nCMD [\"b\"]\nHEALTHCHECK NONE\nHEALTHCHECK CMD [\"x\"]\n";
    assert_eq!(lines(file, "MultipleInstructionsDisallowed"), [2, 5]);
    assert_eq!(messages(file, "MultipleInstructionsDisallowed")[0], "this CMD is replaced by the one on line 4");
    // Each stage has its own.
    assert_eq!(
        lines("FROM alpine:3 AS a\nCMD [\"a\"]\nFROM alpine:3\nCMD [\"b\"]\n", "MultipleInstructionsDisallowed"),
        NONE
    );
}

#[test]
fn legacy_key_value_format() {
    assert_eq!(lines("FROM alpine:3\nENV MODE production\n", "LegacyKeyValueFormat"), [2]);
    assert_eq!(lines("FROM alpine:3\nLABEL version 1\n", "LegacyKeyValueFormat"), [2]);
    assert_eq!(lines("FROM alpine:3\nENV MODE=production\n", "LegacyKeyValueFormat"), NONE);
    assert_eq!(lines("FROM alpine:3\nLABEL \"a b\"=c\n", "LegacyKeyValueFormat"), NONE);
}

#[test]
fn from_line_arguments() {
    assert_eq!(lines("FROM alpine:$VERSION\n", "UndefinedArgInFrom"), [1]);
    assert_eq!(
        messages("ARG VERSOIN=3\nFROM alpine:$VERSION\n", "UndefinedArgInFrom"),
        ["$VERSION is not an ARG declared before the first FROM (did you mean $VERSOIN?)"]
    );
    assert_eq!(lines("ARG VERSION=3\nFROM alpine:$VERSION\n", "UndefinedArgInFrom"), NONE);
    assert_eq!(lines("FROM --platform=$BUILDPLATFORM golang:1 AS build\n", "UndefinedArgInFrom"), NONE);
    assert_eq!(lines("ARG BASE\nFROM $BASE\n", "InvalidDefaultArgInFrom"), [2]);
    assert_eq!(lines("ARG BASE=alpine:3\nFROM $BASE\n", "InvalidDefaultArgInFrom"), NONE);
    assert_eq!(lines("FROM --platform=$TARGETPLATFORM alpine:3\n", "RedundantTargetPlatform"), [1]);
    assert_eq!(lines("FROM --platform=$BUILDPLATFORM alpine:3\n", "RedundantTargetPlatform"), NONE);
    assert_eq!(lines("FROM --platform=linux/amd64 alpine:3\n", "FromPlatformFlagConstDisallowed"), [1]);
    assert_eq!(lines("FROM --platform=linux/amd64 alpine:3 AS build-amd64\n", "FromPlatformFlagConstDisallowed"), NONE);
    assert_eq!(lines("FROM --platform=$BUILDPLATFORM alpine:3\n", "FromPlatformFlagConstDisallowed"), NONE);
}

#[test]
fn expose() {
    assert_eq!(lines("FROM alpine:3\nEXPOSE 80/TCP\n", "ExposeProtoCasing"), [2]);
    assert_eq!(lines("FROM alpine:3\nEXPOSE 80/tcp 53/udp 8080\n", "ExposeProtoCasing"), NONE);
    assert_eq!(lines("FROM alpine:3\nEXPOSE 8080:80\n", "ExposeInvalidFormat"), [2]);
    assert_eq!(lines("FROM alpine:3\nEXPOSE 80\n", "ExposeInvalidFormat"), NONE);
}

#[test]
fn undefined_var_needs_to_know_the_base_image() {
    let file = "FROM alpine:3\nENV APP_DIR=/app\nWORKDIR $APP_DIRR\n";
    // Without the base image's environment, anything might be set.
    assert_eq!(lines(file, "UndefinedVar"), NONE);
    let base = known(&["PATH=/bin", "HOME=/root"], "");
    assert_eq!(lines_with(file, "UndefinedVar", &base), [3]);
    let found = hints_with(file, &base).into_iter().find(|h| h.rule == "UndefinedVar").unwrap();
    assert_eq!(found.message, "$APP_DIRR is not set at this point (did you mean $APP_DIR?)");
    // The base image's variables, ENV, ARG (even without a value) are all set.
    let fine = "FROM alpine:3\nARG MODE\nENV PATH=$PATH:/app/bin\nCOPY $MODE.conf $HOME/\n";
    assert_eq!(lines_with(fine, "UndefinedVar", &base), NONE);
    // RUN and CMD are the shell's business.
    assert_eq!(lines_with("FROM alpine:3\nRUN echo $NOPE\nCMD echo $NOPE\n", "UndefinedVar", &base), NONE);
    // In one ENV, the later pairs do not see the earlier ones, as in Docker.
    assert_eq!(lines_with("FROM alpine:3\nENV A=1 B=$A\n", "UndefinedVar", &base), [2]);
    // FROM scratch is known: only PATH.
    assert_eq!(lines("FROM scratch\nENV PATH=$PATH:/x\nWORKDIR $HOME\n", "UndefinedVar"), [3]);
    // A stage built on another sees what that one set.
    assert_eq!(lines("FROM scratch AS a\nENV X=1\nFROM a\nWORKDIR /$X\n", "UndefinedVar"), NONE);
}

#[test]
fn check_directive_skips_rules() {
    let body = "FROM alpine\nMAINTAINER me\nCMD echo hi\n";
    let rules = |source: &str| -> Vec<&'static str> { hints_with(source, &|_| None).iter().map(|h| h.rule).collect() };
    assert_eq!(rules(body), ["LatestTag", "MaintainerDeprecated", "JSONArgsRecommended"]);
    assert_eq!(rules(&format!("# check=skip=LatestTag,JSONArgsRecommended\n{body}")), ["MaintainerDeprecated"]);
    assert_eq!(rules(&format!("# check=skip = LatestTag , MaintainerDeprecated\n{body}")), ["JSONArgsRecommended"]);
    assert_eq!(rules(&format!("# check=skip=all\n{body}")), Vec::<&str>::new());
    assert_eq!(
        rules(&format!("# syntax=docker/dockerfile:1\n# check=skip=all;error=true\n{body}")),
        Vec::<&str>::new()
    );
    // A directive BuildKit refuses turns nothing off.
    assert_eq!(rules(&format!("# check=skipp=all\n{body}")).len(), 3);
    // Only at the top of the file is it a directive.
    assert_eq!(rules("FROM alpine\n# check=skip=all\nMAINTAINER me\nCMD echo hi\n").len(), 3);
}

#[test]
fn check_options_as_buildkit_reads_them() {
    assert_eq!(CheckOptions::parse("").unwrap(), CheckOptions::default());
    let options = CheckOptions::parse("skip=A, B;error=true").unwrap();
    assert_eq!(options, CheckOptions { skip_all: false, skip: vec!["A".into(), "B".into()], error: true });
    assert!(!options.allows("A") && options.allows("C"));
    assert!(CheckOptions::parse("skip=all").unwrap().skip_all);
    assert_eq!(CheckOptions::parse("experimental=all").unwrap(), CheckOptions::default());
    assert_eq!(CheckOptions::parse("skipall").unwrap_err().to_string(), "invalid check option \"skipall\"");
    assert_eq!(CheckOptions::parse("skipp=all").unwrap_err().to_string(), "invalid check option \"skipp\"");
    assert_eq!(
        CheckOptions::parse("error=yes").unwrap_err().to_string(),
        "failed to parse check option \"error=yes\": strconv.ParseBool: parsing \"yes\": invalid syntax"
    );
}

#[test]
fn a_clean_dockerfile_has_no_hints() {
    let file = "# syntax=docker/dockerfile:1\n\
        FROM node:20-alpine AS deps\n\
        WORKDIR /app\n\
        COPY package.json package-lock.json ./\n\
        RUN npm ci\n\
        FROM node:20-alpine\n\
        WORKDIR /app\n\
        COPY --from=deps /app/node_modules ./node_modules\n\
        COPY . .\n\
        RUN apk add --no-cache tini && npm run build\n\
        ENV NODE_ENV=production\n\
        EXPOSE 3000\n\
        USER node\n\
        ENTRYPOINT [\"tini\", \"--\"]\n\
        CMD [\"node\", \"server.js\"]\n";
    let base = known(&["PATH=/bin", "NODE_VERSION=20"], "");
    assert_eq!(hints_with(file, &base), []);
}

#[test]
fn onbuild_triggers_are_linted_where_they_run() {
    assert_eq!(hints_with("FROM alpine:3\nONBUILD CMD echo hi\nONBUILD ADD x /x\n", &|_| None), []);
}
