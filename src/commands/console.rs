//! `acct console STAGE`: open (or `--print`) the AWS console in the stage's
//! account, role and region.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::aws::cli::AwsCli;
use crate::cli::ConsoleArgs;
use crate::config::{Config, Stage, discover};
use crate::console::{self, Federation, Way, browser, federation, url};
use crate::error::{Failure, Result};
use crate::stage::environment::{Credentials, StageEnv};
use crate::terminal::confirm;

pub fn run(args: &ConsoleArgs, config: Option<PathBuf>) -> Result<ExitCode> {
    let config = discover::load(config)?;
    let stage = crate::terminal::picker::stage(&config, args.stage.as_deref(), "console")?;
    confirm::protected(&stage, args.yes)?;
    crate::stage::gate::check(&config, &stage).map_err(|mut failure| {
        failure.message = failure
            .message
            .replace("so nothing was run", "so no console was opened");
        failure
    })?;
    let link = match console::way(&config, &stage, args.federate) {
        Way::SwitchRole(link) | Way::Portal(link) => link,
        Way::Federation(why) => {
            if let Federation::SharedRole { owner } = &why {
                eprintln!(
                    "acct: `{}` has the role of `{owner}` ({}), and a switch-role link knows only the account and role, so it would open {owner}'s console; signing in with {}'s own credentials instead (federation)",
                    stage.name, stage.role_arn, stage.name
                );
            }
            // A bad endpoint is said before anyone is asked for an MFA code.
            let endpoint = federation::endpoint(url::hosts(&config.partition))?;
            let credentials = credentials(&config, &stage)?;
            let token = federation::signin_token(&endpoint, &credentials)?;
            url::login(&endpoint, &console::destination(&config, &stage), &token)
        }
    };
    if args.print {
        return super::print(&format!("{link}\n"));
    }
    browser::open(&link, &format!("the console of `{}`", stage.name))?;
    Ok(ExitCode::SUCCESS)
}

/// The stage's temporary credentials from the AWS CLI v2, as
/// `--export-credentials` gets them (an MFA prompt reaches the terminal).
fn credentials(config: &Config, stage: &Stage<'_>) -> Result<Credentials> {
    let nothing_opened = |mut failure: Failure| {
        failure.message = match failure.message.strip_suffix("; nothing was run") {
            Some(message) => format!("{message}; no console was opened"),
            None => format!("{}; no console was opened", failure.message),
        };
        failure
    };
    let cli = AwsCli::find(&config.aws_cli).map_err(nothing_opened)?;
    cli.export_credentials(&StageEnv::new(config, stage), &stage.profile)
        .map_err(nothing_opened)
}
