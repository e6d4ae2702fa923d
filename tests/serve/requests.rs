//! The command's environment; the requests that get nothing; fetching:
//! kept, renewed, failed.

use super::*;

/// The stage's environment as `exec` gives it, plus the endpoint's two
/// variables, a new token every run; no keys, and nothing fetched before a
/// request.
#[test]
fn the_command_gets_the_stage_and_the_endpoint_and_nothing_is_fetched_unasked() {
    let served = Served::new(MEMBER);
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let out = served.exec("testing", "env -0");
        assert_status(&out, 0);
        let env = env0(&out.stdout);
        let var = |name: &str| get(&env, name).map(|v| String::from_utf8_lossy(v).into_owned());
        assert_eq!(var("AWS_PROFILE").as_deref(), Some("cpco-testing-admin"));
        assert_eq!(var("STAGE").as_deref(), Some("testing"));
        for keys in [
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ] {
            assert_eq!(var(keys), None, "{keys} in the command's environment");
        }
        let uri = var("AWS_CONTAINER_CREDENTIALS_FULL_URI").expect("the endpoint's URI");
        let token = var("AWS_CONTAINER_AUTHORIZATION_TOKEN").expect("the token");
        endpoint_port(&uri, &token);
        tokens.push(token);
    }
    assert_ne!(tokens[0], tokens[1], "a fresh token every run");
    assert_eq!(served.fetches(), 0, "keys fetched with no request");
}

/// No token: 401; a wrong one: 403; another path: 404; another method:
/// 405; none with credentials, and none fetches any. Then the token gets the
/// stage role's own keys, fetched once.
#[test]
fn requests_without_the_token_with_a_wrong_one_or_elsewhere_get_no_credentials() {
    let served = Served::new(MEMBER);
    let held = served.hold(&["testing"], "");
    let token = held.token.as_str();
    let upper = token.to_uppercase();
    let bearer = format!("Bearer {token}");
    let longer = format!("{token}0");
    let other = "0".repeat(64);
    let cases: Vec<(&str, &str, Option<&str>, u16)> = vec![
        ("GET", "/credentials", None, 401),
        ("GET", "/credentials", Some(&other), 403),
        ("GET", "/credentials", Some(&token[..63]), 403),
        ("GET", "/credentials", Some(&longer), 403),
        ("GET", "/credentials", Some(&upper), 403),
        ("GET", "/credentials", Some(&bearer), 403),
        ("GET", "/", Some(token), 404),
        ("GET", "/credentials/", Some(token), 404),
        ("GET", "/credentials/x", Some(token), 404),
        ("GET", "/Credentials", Some(token), 404),
        (
            "GET",
            "/latest/meta-data/iam/security-credentials/",
            Some(token),
            404,
        ),
        ("POST", "/credentials", Some(token), 405),
        ("PUT", "/credentials", Some(token), 405),
        ("DELETE", "/credentials", Some(token), 405),
    ];
    for (method, path, authorization, want) in cases {
        let (status, body) = request(held.port, method, path, authorization);
        let what = format!("{method} {path} with {authorization:?}");
        assert_eq!(status, want, "{what}: {body}");
        for secret in ["AccessKeyId", "SecretAccessKey", "ASIA", "Token\""] {
            assert!(!body.contains(secret), "{what}: {secret} in {body}");
        }
    }
    assert_eq!(served.fetches(), 0, "a refused request fetched keys");

    let keys = credentials(held.port, token);
    assert_eq!(served.fetches(), 1);
    let identity = served.moto.identity_of(
        &served.sandbox,
        [keys.id.as_str(), keys.secret.as_str(), keys.token.as_str()],
    );
    assert_lands(
        identity["Arn"].as_str().unwrap(),
        MEMBER_TESTING,
        "the served keys",
    );
    let left = keys.expires - epoch_now();
    assert!((3000..=3600).contains(&left), "the role's hour: {left} s");
    assert_status(&held.finish("0"), 0);
}

/// Keys with five minutes left are fetched again at every request (new
/// keys: the AWS CLI's cached role was forgotten); keys with the role's
/// hour are kept (one fetch for two requests, the same keys).
#[test]
fn keys_close_to_expiry_are_fetched_again_and_others_are_kept() {
    let served = Served::new(MEMBER);
    served.set("short", true);
    let held = served.hold(&["testing"], "");
    let first = credentials(held.port, &held.token);
    let second = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 2, "keys close to expiry fetched again");
    assert_ne!(first.id, second.id, "new keys, not the CLI's cached role");
    for keys in [&first, &second] {
        let left = keys.expires - epoch_now();
        assert!((200..=300).contains(&left), "the served expiry: {left} s");
    }

    served.set("short", false);
    let third = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 3, "keys with 5 minutes left are renewed");
    assert_ne!(third.id, second.id);
    let fourth = credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 3, "keys with an hour left are kept");
    assert_eq!(fourth.id, third.id);
    assert_eq!(fourth.secret, third.secret);
    assert_eq!(fourth.token, third.token);
    assert_status(&held.finish("0"), 0);
}

/// A fetch that fails: 500 with a JSON message, the reason on acct's
/// stderr, no keys; the next request fetches again and gets them.
#[test]
fn a_failed_fetch_is_a_500_that_says_why_and_the_next_request_tries_again() {
    let served = Served::new(MEMBER);
    served.set("failing", true);
    let held = served.hold(&["testing"], "");
    let (status, body) = request(held.port, "GET", "/credentials", Some(&held.token));
    assert_eq!(status, 500, "{body}");
    let json: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
    assert!(
        json["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(!body.contains("AccessKeyId"), "{body}");
    served.set("failing", false);
    credentials(held.port, &held.token);
    assert_eq!(served.fetches(), 2);
    let out = held.finish("0");
    assert_status(&out, 0);
    assert_contains(&stderr(&out), UNREACHABLE);
}

/// What acct itself inherited cannot steer the endpoint: another endpoint's
/// variables (a served shell's, or a hostile one's), stale keys and another
/// profile are not what the command gets, nor what acct fetches with. The
/// container still lands in the stage's role, through acct's own endpoint.
#[test]
fn inherited_endpoint_variables_and_stale_keys_neither_reach_the_command_nor_the_fetch() {
    let served = Served::new(MEMBER);
    let stale_uri = "http://127.0.0.1:1/credentials";
    let stale_token = "f".repeat(64);
    let client = in_a_container(
        &served.sandbox.root,
        &served.moto,
        &Client::CliV2.script(&served.sandbox),
    );
    let mut cmd = served.acct();
    cmd.env("AWS_CONTAINER_CREDENTIALS_FULL_URI", stale_uri)
        .env("AWS_CONTAINER_AUTHORIZATION_TOKEN", &stale_token)
        .env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/x")
        .env("AWS_ACCESS_KEY_ID", "AKIASTALESTALESTALE1")
        .env("AWS_SECRET_ACCESS_KEY", "stale-secret")
        .env("AWS_PROFILE", "cpco")
        .args(["exec", "--serve", "--yes", "testing", "--", "sh", "-c"])
        .arg(format!(
            "printf '%s %s %s\\n' \"$AWS_CONTAINER_CREDENTIALS_FULL_URI\" \
             \"$AWS_CONTAINER_AUTHORIZATION_TOKEN\" \"${{AWS_CONTAINER_CREDENTIALS_RELATIVE_URI-none}}\"; {client}"
        ));
    let out = run_within(without_terminal(&mut cmd), BOUND);
    assert_status(&out, 0);
    let text = stdout(&out);
    let (seen, arn) = text.split_once('\n').unwrap();
    let fields: Vec<&str> = seen.split(' ').collect();
    assert_ne!(
        fields[0], stale_uri,
        "the inherited endpoint reached the command"
    );
    assert_ne!(
        fields[1], stale_token,
        "the inherited token reached the command"
    );
    endpoint_port(fields[0], fields[1]);
    assert_eq!(
        fields[2], "none",
        "a relative URI would win over the full one in some SDKs"
    );
    assert_lands(
        arn.trim(),
        MEMBER_TESTING,
        "a container, acct having inherited stale values",
    );
    assert_eq!(served.fetches(), 1);
}
